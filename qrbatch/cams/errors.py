"""Turn a CAMS error answer into the right branch of the qrbatch exception tree.

The table is CAMS-API.md's "Errors and what a batch client should do with them": every
code maps to retry, row error or account stop, with the plain words an account owner
needs. Three rules come before the table, because the gateway, not CAMS, decides them:

1. an answer carrying ``x-acs-retry-after`` is throttling whatever its code (as the
   official SDK treats it);
2. HTTP 401 or 403 is an account refusal whatever its code: no row can fix it;
3. a refused STS token (``InvalidSecurityToken.*``, or an ``InvalidParameter`` whose
   message names the SecurityToken) is an account refusal the client may cure once by
   re-reading credentials (see ``is_token_refused``).

Unknown codes fall back on the HTTP status. The service spells two undocumented codes
two ways (``NotFound``/``QrdlCode.NotFound``, ``QrdlLimitExceeded``/
``QrdlCode.LimitExceeded``): ``is_not_found`` and ``is_cap_reached`` recognise both.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "InvalidAccessKeyId.Inactive": ErrorAdvice(
        "account",
        "the AccessKey is inactive (disabled in the RAM console)",
        "activate AccessKey {key_id} in the RAM console, or use an active key",
    ),
    "InvalidSecurityToken.Expired": ErrorAdvice(
        "account",
        "the STS security token has expired (STS tokens live 15 to 60 minutes)",
        "get a fresh STS token for AccessKey {key_id} (or use a long-lived AccessKey), "
        "then rerun: done rows are kept",
    ),
    "InvalidSecurityToken.MismatchWithAccessKey": ErrorAdvice(
        "account",
        "the STS security token does not belong to this AccessKey ID",
        "set ALIBABA_CLOUD_SECURITY_TOKEN to the token issued with AccessKey {key_id}",
    ),
    "InvalidSecurityToken.Malformed": ErrorAdvice(
        "account",
        "the STS security token is not valid",
        "copy the whole STS token again (ALIBABA_CLOUD_SECURITY_TOKEN or the profile)",
    ),
    "MissingSecurityToken": ErrorAdvice(
        "account",
        "this AccessKey is an STS key and needs its security token",
        "set ALIBABA_CLOUD_SECURITY_TOKEN (or the profile's sts_token) for AccessKey {key_id}",
    ),
    "NoPermission": ErrorAdvice(
        "account",
        "the RAM user or role lacks permission for this action",
        "grant the RAM policy action cams:{action} to the RAM user of AccessKey {key_id}",
    ),
    "InvalidTimeStamp.Format": ErrorAdvice(
        "account",
        "the request date was not understood",
        "check this machine's clock and time zone settings (the request was dated {date})",
    ),
    "InvalidVersion": ErrorAdvice(
        "account",
        "the endpoint does not serve CAMS API version 2020-06-06",
        "check --endpoint / QRBATCH_ENDPOINT points at CAMS (cams.<region>.aliyuncs.com)",
    ),
    "InvalidAction.NotFound": ErrorAdvice(
        "account",
        "the endpoint does not offer this action",
        "check --endpoint / QRBATCH_ENDPOINT: it does not offer {action}; CAMS is "
        "documented only at https://cams.ap-southeast-1.aliyuncs.com",
    ),
    "InvalidApi.NotFound": ErrorAdvice(
        "account",
        "the endpoint does not offer this action",
        "check --endpoint / QRBATCH_ENDPOINT: it does not offer {action}; CAMS is "
        "documented only at https://cams.ap-southeast-1.aliyuncs.com",
    ),
    "SignatureDoesNotMatch": ErrorAdvice(
        "account",
        "the request signature does not match: usually a wrong AccessKey secret",
        "check that the AccessKey secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET, or the profile or "
        "credentials file the log names as the source) belongs to the AccessKey ID",
    ),
    "IncompleteSignature": ErrorAdvice(
        "account",
        "the request signature is incomplete",
        "check the AccessKey secret; report a bug if it is right",
    ),
    "InvalidTimeStamp.Expired": ErrorAdvice(
        "account",
        "this machine's clock is more than 15 minutes off",
        "synchronise this machine's clock (NTP), then rerun: the request was dated {date}",
    ),
    "Forbidden.AccessKeyDisabled": ErrorAdvice(
        "account",
        "the AccessKey is disabled",
        "enable the key {key_id} or use another in the RAM console",
    ),
    "Ram.PermissionDeny": ErrorAdvice(
        "account",
        "the RAM user lacks permission for this action",
        "grant the RAM policy action cams:{action} to the RAM user of AccessKey {key_id}",
    ),
    "Forbidden.RAM": ErrorAdvice(
        "account",
        "the RAM user lacks permission for this action",
        "grant the RAM policy action cams:{action} to the RAM user of AccessKey {key_id}",
    ),
    "Forbidden": ErrorAdvice(
        "account",
        "the request is forbidden for this account",
        "grant the RAM policy action cams:{action} to the RAM user of AccessKey {key_id}",
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
    "QrdlCode.LimitExceeded": ErrorAdvice(
        "row",
        "the business number already holds 2,000 QR codes",
        "delete unused codes of that number (qrbatch delete), then rerun",
    ),
    "NotFound": ErrorAdvice("row", "no such QR code on that number", "check the QrdlCode"),
    "QrdlCode.NotFound": ErrorAdvice("row", "no such QR code on that number", "check the QrdlCode"),
}

NOT_FOUND_CODES = frozenset({"NotFound", "QrdlCode.NotFound"})
CAP_CODES = frozenset({"QrdlLimitExceeded", "QrdlCode.LimitExceeded"})
TOKEN_FIX = (
    "get a fresh STS token for AccessKey {key_id} (or use a long-lived AccessKey), "
    "then rerun: done rows are kept"
)
FORBIDDEN_FIX = (
    "the account refused this request (HTTP {status}): grant the RAM policy action "
    "cams:{action} to the RAM user of AccessKey {key_id}, and check the key is active"
)
# Parameter errors that name these are about the request's signing or credentials,
# which every row shares, not about a row's value.
_ACCOUNT_PARAMETERS = ("SecurityToken", "x-acs-", "Authorization", "AccessKey")


def advice_for(
    code: str, *, action: str | None = None, key_id: str = "", date: str = ""
) -> ErrorAdvice | None:
    """Return the plain meaning and fix of a CAMS error code, if known.

    The fix names the key and the request date when given, else neutral words; the
    ``{action}`` placeholder is filled only when ``action`` is given (callers that fill
    it themselves keep working).
    """
    advice = ADVICE.get(code)
    if advice is None:
        return None
    values = _Blank({k: v for k, v in {"key_id": key_id, "date": date}.items() if v})
    values["action"] = "{action}" if action is None else action
    return ErrorAdvice(advice.kind, advice.meaning, advice.fix.format_map(values))


def is_not_found(error: CamsError) -> bool:
    """True if the service said the QrdlCode is not live under that number (either spelling)."""
    return error.code in NOT_FOUND_CODES


def is_cap_reached(error: CamsError) -> bool:
    """True if the number already holds its 2,000 codes (either spelling)."""
    return error.code in CAP_CODES


def is_token_refused(error: CamsError) -> bool:
    """True if the gateway refused the STS security token (expired, wrong or missing).

    Worth one retry with freshly read credentials: STS tokens live 15 to 60 minutes, and
    the tool that issued them may have written a new one meanwhile.
    """
    return _token_refused(error.code, error.message)


def _token_refused(code: str, message: str) -> bool:
    if code.startswith("InvalidSecurityToken") or code == "MissingSecurityToken":
        return True
    return code.startswith(("InvalidParameter", "MissingParameter")) and "SecurityToken" in (
        message
    )


def _kind(code: str, message: str, http_status: int | None, retry_after: float | None) -> Kind:
    if retry_after is not None:
        return "throttled"  # as the SDK: any answer telling when to retry is throttling
    if http_status in (401, 403) or _token_refused(code, message):
        return "account"
    advice = ADVICE.get(code)
    if code.startswith(("InvalidParameter", "MissingParameter")) and any(
        name in message for name in _ACCOUNT_PARAMETERS
    ):
        return "account"
    if advice is not None:
        return advice.kind
    if code.startswith("Throttling"):
        return "throttled"
    if code.startswith(("Forbidden", "Ram.", "InvalidAccessKeyId", "InvalidSecurityToken")):
        return "account"
    if code.startswith(("InvalidParameter", "MissingParameter", "Invalid")):
        return "row"
    if http_status is not None and http_status >= 500:
        return "unknown"
    return "row"


class _Blank(dict[str, str]):
    """Template values; a placeholder without a value reads as a neutral phrase."""

    def __missing__(self, key: str) -> str:
        return {"key_id": "(the one in use)", "date": "(unknown)", "action": "<Action>"}.get(
            key, ""
        )


def _fix(code: str, message: str, http_status: int | None, values: Mapping[str, str]) -> str:
    advice = ADVICE.get(code)
    if _token_refused(code, message) and (advice is None or advice.kind != "account"):
        template = TOKEN_FIX
    elif advice is not None and advice.kind == "account":
        template = advice.fix
    elif http_status in (401, 403):
        template = FORBIDDEN_FIX
    elif code.startswith(("InvalidParameter", "MissingParameter")):
        template = (
            "the request's signing headers or credentials were refused: check the AccessKey "
            "{key_id} and its secret; report a qrbatch bug if they are right"
        )
    else:
        template = "check the account in the console"
    return template.format_map(_Blank({k: v for k, v in values.items() if v}))


def classify(
    *,
    code: str,
    message: str,
    action: str,
    http_status: int | None,
    request_id: str = "",
    retry_after: float | None = None,
    recommend: str = "",
    access_denied_detail: str = "",
    host_id: str = "",
    key_id: str = "",
    date: str = "",
) -> CamsError:
    """Build the exception for an error answer: the gateway's rules first, then the code.

    ``recommend``, ``access_denied_detail`` and ``host_id`` come from the error body and
    ``key_id`` (never the secret) and ``date`` from the request; an AccountError carries
    them so the account owner knows which key, which RAM action and which clock to fix.
    ``fix`` is plain words; ``str(error)`` adds the gateway's diagnosis link and RAM detail.
    """
    kind = _kind(code, message, http_status, retry_after)
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
        status = "" if http_status is None else str(http_status)
        fix = _fix(
            code,
            message,
            http_status,
            {"action": action, "key_id": key_id, "date": date, "status": status},
        )
        return AccountError(
            message,
            code=code,
            action=action,
            request_id=request_id,
            http_status=http_status,
            fix=fix,
            recommend=recommend,
            access_denied_detail=access_denied_detail,
            host_id=host_id,
        )
    return RowError(
        message, code=code, action=action, request_id=request_id, http_status=http_status
    )
