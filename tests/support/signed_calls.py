"""Signed calls straight to the sandbox, as a client would send them (the sandbox tests
and the numbers tests share them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.signer import acs_date, canonical_query, new_nonce, sign
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET
from tests.support.sandbox import PHONE

DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)


async def call(
    url: str,
    action: str,
    params: Mapping[str, str],
    *,
    creds: Credentials = DEMO,
    nonce: str | None = None,
    date: datetime | None = None,
    extra_headers: Mapping[str, str] | None = None,
    as_form: bool = False,
) -> tuple[int, dict[str, Any]]:
    host = url.removeprefix("http://")
    body = b""
    query = dict(params)
    if as_form:
        body = canonical_query(params).encode()
        query = {}
    headers = sign(
        credentials=creds,
        method="POST",
        host=host,
        action=action,
        query=query,
        body=body,
        date=acs_date(date or datetime.now(UTC)),
        nonce=nonce or new_nonce(),
        content_type="application/x-www-form-urlencoded" if as_form else None,
    )
    headers.update(extra_headers or {})
    async with aiohttp.ClientSession() as session:
        target = f"{url}/?{canonical_query(query)}" if query else f"{url}/"
        async with session.post(
            target, headers=headers, data=body, skip_auto_headers=["Content-Type"]
        ) as response:
            return response.status, await response.json()


def create_params(message: str = "hello", image: str = "PNG", phone: str = PHONE) -> dict[str, str]:
    return {"PhoneNumber": phone, "PrefilledMessage": message, "GenerateQrImage": image}
