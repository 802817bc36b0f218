"""The Account panel: an AccessKey pair saved from the page, and which key the runs use.

The pair is written to the page's own credentials file (``credentials.ini`` in its state
folder, 0600, profile ``qrbatch-page``, the format of ``~/.alibabacloud/credentials.ini``)
and checked at once with one ``QueryChatappPhoneNumbers`` call, so a mistyped key is
said on the page, with the account's WhatsApp numbers when it works. The secret goes
one way: the page sends it, nothing ever sends it back.

Which key a run uses, first found wins: the one the caller passed, then the environment
and the profile files ``qrbatch run`` reads (``find_credentials``; shown as such, the
panel cannot override them), then the page's file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qrbatch.cams.credentials import Credentials, find_credentials, read_profile, save_profile
from qrbatch.errors import CredentialsError, QrbatchError
from qrbatch.run.settings import SANDBOX, resolve_endpoint

CREDENTIALS_FILE = "credentials.ini"
PAGE_PROFILE = "qrbatch-page"
MAX_KEY_LENGTH = 256


@dataclass(frozen=True, slots=True)
class KeyInUse:
    """The key the runs will use (never its secret): where it comes from, its id, and
    whether the page may replace it (only its own, or none)."""

    credentials: Credentials | None
    origin: str  # "sandbox", "caller", "environment", "profile", "page", "none"
    detail: str = ""
    """Where it was found (a file, "environment"), or why none was."""

    @property
    def editable(self) -> bool:
        return self.origin in ("page", "none")


def page_credentials_file(folder: Path) -> Path:
    return folder / CREDENTIALS_FILE


def key_in_use(
    folder: Path,
    endpoint: str | None,
    env: Mapping[str, str] | None,
    credentials: Credentials | None,
) -> KeyInUse:
    """Which key a run started now would use (see the module docstring)."""
    try:
        if resolve_endpoint(endpoint, env) == SANDBOX:
            return KeyInUse(None, "sandbox")
    except QrbatchError as error:
        return KeyInUse(None, "none", str(error))
    if credentials is not None:
        return KeyInUse(credentials, "caller", credentials.source)
    try:
        found = find_credentials(env=env)
        origin = "environment" if found.source == "environment" else "profile"
        return KeyInUse(found, origin, found.source)
    except CredentialsError as missing:
        reason = str(missing)
    try:
        saved = read_profile(page_credentials_file(folder), PAGE_PROFILE)
    except CredentialsError as error:
        return KeyInUse(None, "none", str(error))
    if saved is not None:
        return KeyInUse(saved, "page", str(page_credentials_file(folder)))
    return KeyInUse(None, "none", reason)


def clean_key(value: object) -> str:
    """A key id or secret as typed: stripped, one line, bounded; "" when unusable."""
    text = str(value or "").strip()
    if len(text) > MAX_KEY_LENGTH or any(not ch.isprintable() or ch.isspace() for ch in text):
        return ""
    return text


def save_page_key(folder: Path, access_key_id: str, access_key_secret: str) -> Credentials:
    """Store the pair in the page's credentials file; the Credentials the runs will use."""
    path = page_credentials_file(folder)
    save_profile(path, PAGE_PROFILE, access_key_id, access_key_secret)
    return Credentials(access_key_id, access_key_secret, source=str(path))
