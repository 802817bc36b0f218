"""The sandbox's own ACS3-HMAC-SHA256 verification.

Written independently of the client's signer on purpose: a shared bug would otherwise
pass every test. It follows the spec as the official SDK implements it: the signed
headers are whatever the ``Authorization`` header lists, and ``host``, ``content-type``
(when sent) and every ``x-acs-*`` header sent must be among them. An unsigned
``Content-Type`` (aiohttp adds ``application/octet-stream`` unless told not to) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

_AUTH = re.compile(
    r"^ACS3-HMAC-SHA256\s+Credential=(?P<key>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)$"
)


class SignatureProblem(Exception):
    """Why a request's signature is refused, as a CAMS error code and message."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class ParsedAuthorization:
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str | None) -> ParsedAuthorization:
    if not value:
        raise SignatureProblem("IncompleteSignature", "the Authorization header is missing")
    match = _AUTH.match(value.strip())
    if match is None:
        raise SignatureProblem("IncompleteSignature", "the Authorization header is malformed")
    headers = tuple(match["headers"].split(";"))
    return ParsedAuthorization(match["key"], headers, match["sig"].lower())


def _encode(text: str) -> str:
    # RFC 3986: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, everything else is
    # %XX of its UTF-8 bytes.
    return urllib.parse.quote(text, safe="~", encoding="utf-8")


def expected_signature(
    *,
    secret: str,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    signed_headers: tuple[str, ...],
    body: bytes,
) -> str:
    """The signature the client should have sent, from what the server received."""
    query = "&".join(f"{_encode(key)}={_encode(params[key])}" for key in sorted(params))
    lines = "".join(
        f"{name}:{','.join(sorted(v.strip() for v in headers_all(headers, name)))}\n"
        for name in sorted(signed_headers)
    )
    canonical = "\n".join(
        [
            method,
            urllib.parse.unquote(path) or "/",
            query,
            lines,
            ";".join(sorted(signed_headers)),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def headers_all(headers: Mapping[str, str], name: str) -> list[str]:
    getall = getattr(headers, "getall", None)
    if getall is not None:
        return list(getall(name, []))
    value = headers.get(name)
    return [] if value is None else [value]


def check_signed_headers(headers: Mapping[str, str], signed: tuple[str, ...]) -> None:
    """``host``, ``content-type`` (when sent) and every ``x-acs-*`` header must be signed."""
    names = {name.lower() for name in headers}
    required = {"host"} | {n for n in names if n.startswith("x-acs-") or n == "content-type"}
    missing = sorted(required - set(signed))
    if missing:
        raise SignatureProblem(
            "IncompleteSignature", f"these headers must be signed: {', '.join(missing)}"
        )
    absent = sorted(set(signed) - names)
    if absent:
        raise SignatureProblem(
            "IncompleteSignature", f"signed headers not sent: {', '.join(absent)}"
        )


def verify(
    *,
    secret: str,
    auth: ParsedAuthorization,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Raise SignatureProblem unless the request was signed with ``secret``."""
    check_signed_headers(headers, auth.signed_headers)
    content_sha = headers.get("x-acs-content-sha256")
    if content_sha is not None and content_sha.lower() != hashlib.sha256(body).hexdigest():
        raise SignatureProblem(
            "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the body"
        )
    wanted = expected_signature(
        secret=secret,
        method=method,
        path=path,
        params=params,
        headers=headers,
        signed_headers=auth.signed_headers,
        body=body,
    )
    if not hmac.compare_digest(wanted, auth.signature):
        raise SignatureProblem(
            "SignatureDoesNotMatch",
            "the request signature does not match: check the AccessKey secret",
        )
