"""ACS3-HMAC-SHA256 ("V3") request signing, as Alibaba Cloud's current SDKs do it.

CanonicalRequest = METHOD \\n "/" \\n CanonicalQuery \\n CanonicalHeaders \\n SignedHeaders
                   \\n HexSHA256(body)
StringToSign     = "ACS3-HMAC-SHA256\\n" + HexSHA256(CanonicalRequest)
Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))

Signed headers are every header the client sets, as the official SDK signs them:
``host``, ``accept: application/json``, ``user-agent`` (when given) and every ``x-acs-*``
header (with STS, ``x-acs-accesskey-id`` and ``x-acs-security-token`` too). An RPC call
has an empty body, so no ``content-type`` is sent. The canonical query is also what goes
on the wire, so client and server agree byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from qrbatch.cams.credentials import Credentials

ALGORITHM = "ACS3-HMAC-SHA256"
API_VERSION = "2020-06-06"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
ACCEPT = "application/json"


def percent_encode(value: str) -> str:
    """RFC 3986 encoding of a query key or value: UTF-8, only ``~`` and unreserved kept."""
    return quote(value, safe="~", encoding="utf-8")


def canonical_query(params: Mapping[str, str]) -> str:
    """Parameters sorted by key, ``key=value`` percent-encoded, joined by ``&``."""
    return "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))


def acs_date(moment: datetime) -> str:
    """The ``x-acs-date`` form of a moment: UTC, second precision."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_nonce() -> str:
    """A signature nonce unique to one attempt."""
    return uuid.uuid4().hex


def string_to_sign(
    *,
    method: str,
    query: Mapping[str, str] | str,
    headers: Mapping[str, str],
    body: bytes,
) -> tuple[str, str]:
    """Return (StringToSign, SignedHeaders) for a request whose headers are all signed."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join(
        [
            method.upper(),
            "/",
            query if isinstance(query, str) else canonical_query(query),
            canonical_headers,
            signed_headers,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{digest}", signed_headers


def sign(
    *,
    credentials: Credentials,
    method: str,
    host: str,
    action: str,
    query: Mapping[str, str] | str,
    body: bytes = b"",
    date: str,
    nonce: str,
    version: str = API_VERSION,
    user_agent: str | None = None,
    content_type: str | None = None,
) -> dict[str, str]:
    """Return every header of one signed request, ``Authorization`` included.

    ``query`` is the parameters, or their ``canonical_query`` already computed (the
    client sends that same string on the wire).

    ``date`` and ``nonce`` must be fresh for every attempt: the server refuses a reused
    nonce and a date more than 15 minutes off.
    """
    headers = {
        "host": host,
        "accept": ACCEPT,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": date,
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    if user_agent:
        headers["user-agent"] = user_agent
    if content_type:  # only with a body (a form body, as older SDKs send)
        headers["content-type"] = content_type
    if credentials.security_token:
        # As the SDK: an STS request names its temporary key in a header as well.
        headers["x-acs-accesskey-id"] = credentials.access_key_id
        headers["x-acs-security-token"] = credentials.security_token
    to_sign, signed_headers = string_to_sign(method=method, query=query, headers=headers, body=body)
    signature = hmac.new(
        credentials.access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key_id},"
        f"SignedHeaders={signed_headers},Signature={signature}"
    )
    return headers
