"""The sandbox's demo account as the tests use it: its key (as environment variables)
and one of its business numbers."""

from __future__ import annotations

from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

PHONE = "6281234567890"  # one of the demo account's business numbers


def creds(secret: str = DEMO_KEY_SECRET) -> dict[str, str]:
    """The demo key as the environment gives it (``secret`` to try a wrong one)."""
    return {"ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret}
