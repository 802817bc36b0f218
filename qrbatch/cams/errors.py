"""Turn a CAMS error answer into the right branch of the qrbatch exception tree.

The table is CAMS-API.md's "Errors and what a batch client should do with them": every
code maps to retry, row error or account stop, with the plain words an account owner
needs. Unknown codes fall back on the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qrbatch.errors import (
    AccountError,
    CamsError,
    OutcomeUnknownError,
    RowError,
    ThrottledError,
    TransientError,
)

Kind = Literal["throttled", "transient", "unknown", "row", "account"]


@dataclass(frozen=True, slots=True)
class ErrorAdvice:
    """What an error code means in plain words, and what to do about it."""

    kind: Kind
    meaning: str
    fix: str


THROTTLING_CODES = frozenset(
    {"System.LimitControl", "Throttling", "Throttling.User", "Throttling.Api", "Throttling.System"}
)

ADVICE: dict[str, ErrorAdvice] = {
    **{
        code: ErrorAdvice(
            "throttled",
            "the account went over its 5 calls per second",
            "nothing: qrbatch slows down and retries; if it persists, another program is "
            "using the same account's quota",
        )
        for code in THROTTLING_CODES
    },
    "ServiceUnavailable": ErrorAdvice(
        "unknown", "CAMS was temporarily unavailable", "rerun later: done rows are kept"
    ),
    "InternalError": ErrorAdvice(
        "unknown", "CAMS failed internally", "rerun later: done rows are kept"
    ),
    "RequestTimeout": ErrorAdvice(
        "unknown", "no answer in time (network or server)", "rerun later: done rows are kept"
    ),
    "ConnectionError": ErrorAdvice(
        "unknown", "the connection failed or dropped", "check the network, then rerun"
    ),
    "SignatureNonceUsed": ErrorAdvice(
        "transient", "a request nonce was replayed", "nothing: retried with a fresh nonce"
    ),
    "InvalidAccessKeyId.NotFound": ErrorAdvice(
        "account",
        "the AccessKey ID does not exist",
        "check ALIBABA_CLOUD_ACCESS_KEY_ID (or the profile) against the RAM console",
    ),
    "InvalidAccessKeyId": ErrorAdvice(
        "account",
        "the AccessKey ID is not valid",
        "check ALIBABA_CLOUD_ACCESS_KEY_ID (or the profile) against the RAM console",
    ),
    "SignatureDoesNotMatch": ErrorAdvice(
        "account",
        "the request signature does not match: usually a wrong AccessKey secret",
        "check ALIBABA_CLOUD_ACCESS_KEY_SECRET belongs to the AccessKey ID",
    ),
    "IncompleteSignature": ErrorAdvice(
        "account",
        "the request signature is incomplete",
        "check the AccessKey secret; report a bug if it is right",
    ),
    "InvalidTimeStamp.Expired": ErrorAdvice(
        "account",
        "this machine's clock is more than 15 minutes off",
        "synchronise the clock (NTP), then rerun",
    ),
    "Forbidden.AccessKeyDisabled": ErrorAdvice(
        "account", "the AccessKey is disabled", "enable the key or use another in the RAM console"
    ),
    "Ram.PermissionDeny": ErrorAdvice(
        "account",
        "the RAM user lacks permission for this action",
        "grant the RAM policy action cams:{action} to this AccessKey's user",
    ),
    "Forbidden.RAM": ErrorAdvice(
        "account",
        "the RAM user lacks permission for this action",
        "grant the RAM policy action cams:{action} to this AccessKey's user",
    ),
    "Forbidden": ErrorAdvice(
        "account",
        "the request is forbidden for this account",
        "grant the RAM policy action cams:{action} to this AccessKey's user",
    ),
    "Product.Unsubscript": ErrorAdvice(
        "account",
        "Chat App Message Service is not activated on this account",
        "activate CAMS in the Alibaba Cloud console",
    ),
    "Unknown.ResourceOwnerId": ErrorAdvice(
        "row",
        "the phone number (or CustSpaceId) is not registered to this account",
        "use a business number registered on the account's WhatsApp channel",
    ),
    "MissingParameter": ErrorAdvice("row", "a required value is missing", "fill in the row"),
    "InvalidParameter": ErrorAdvice("row", "a value is not valid", "correct the row"),
    "QrdlLimitExceeded": ErrorAdvice(
        "row",
        "the business number already holds 2,000 QR codes",
        "delete unused codes of that number (qrbatch delete), then rerun",
    ),
    "NotFound": ErrorAdvice("row", "no such QR code on that number", "check the QrdlCode"),
}


def advice_for(code: str) -> ErrorAdvice | None:
    """Return the plain meaning and fix of a CAMS error code, if known."""
    return ADVICE.get(code)


def classify(
    *,
    code: str,
    message: str,
    action: str,
    http_status: int | None,
    request_id: str = "",
    retry_after: float | None = None,
) -> CamsError:
    """Build the exception for an error answer, by code first and HTTP status second."""
    advice = ADVICE.get(code)
    if advice is not None:
        kind: Kind = advice.kind
    elif code.startswith("Throttling"):
        kind = "throttled"
    elif code.startswith(("InvalidParameter", "MissingParameter", "Invalid")):
        kind = "row"
    elif code.startswith(("Forbidden", "Ram.")):
        kind = "account"
    elif http_status is not None and http_status >= 500:
        kind = "unknown"
    else:
        kind = "row"
    retryable = {
        "throttled": ThrottledError,
        "transient": TransientError,
        "unknown": OutcomeUnknownError,
    }.get(kind)
    if retryable is not None:
        return retryable(
            message,
            code=code,
            action=action,
            request_id=request_id,
            http_status=http_status,
            retry_after=retry_after,
        )
    if kind == "account":
        fix = advice.fix.format(action=action) if advice else "check the account in the console"
        return AccountError(
            message,
            code=code,
            action=action,
            request_id=request_id,
            http_status=http_status,
            fix=fix,
        )
    return RowError(
        message, code=code, action=action, request_id=request_id, http_status=http_status
    )
