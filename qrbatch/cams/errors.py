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
from qrbatch.words import Words, said

Kind = Literal["throttled", "transient", "unknown", "row", "account"]


@dataclass(frozen=True, slots=True)
class ErrorAdvice:
    """What an error code means in plain words, and what to do about it: the catalogue's
    ``key`` and ``key.fix`` (qrbatch/words/catalogue/cams.py), worded in the reader's
    context; ``values`` fill the fix (the key ID, the request date, the action)."""

    kind: Kind
    key: str
    values: tuple[tuple[str, object], ...] = ()

    @property
    def meaning(self) -> str:
        return said(self.key)

    @property
    def fix(self) -> str:
        return said(f"{self.key}.fix", **dict(self.values))


THROTTLING_CODES = frozenset(
    {"System.LimitControl", "Throttling", "Throttling.User", "Throttling.Api", "Throttling.System"}
)

ADVICE: dict[str, ErrorAdvice] = {
    **{code: ErrorAdvice("throttled", "cams.throttled") for code in THROTTLING_CODES},
    "ServiceUnavailable": ErrorAdvice("unknown", "cams.unavailable"),
    "InternalError": ErrorAdvice("unknown", "cams.internal"),
    "RequestTimeout": ErrorAdvice("unknown", "cams.timeout"),
    "ConnectionError": ErrorAdvice("unknown", "cams.connection"),
    "SignatureNonceUsed": ErrorAdvice("transient", "cams.nonce"),
    "InvalidAccessKeyId.NotFound": ErrorAdvice("account", "cams.key_not_found"),
    "InvalidAccessKeyId": ErrorAdvice("account", "cams.key_invalid"),
    "InvalidAccessKeyId.Inactive": ErrorAdvice("account", "cams.key_inactive"),
    "InvalidSecurityToken.Expired": ErrorAdvice("account", "cams.token_expired"),
    "InvalidSecurityToken.MismatchWithAccessKey": ErrorAdvice("account", "cams.token_mismatch"),
    "InvalidSecurityToken.Malformed": ErrorAdvice("account", "cams.token_malformed"),
    "MissingSecurityToken": ErrorAdvice("account", "cams.token_missing"),
    "NoPermission": ErrorAdvice("account", "cams.no_permission"),
    "InvalidTimeStamp.Format": ErrorAdvice("account", "cams.date_format"),
    "InvalidVersion": ErrorAdvice("account", "cams.version"),
    "InvalidAction.NotFound": ErrorAdvice("account", "cams.no_action"),
    "InvalidApi.NotFound": ErrorAdvice("account", "cams.no_action"),
    "SignatureDoesNotMatch": ErrorAdvice("account", "cams.signature"),
    "IncompleteSignature": ErrorAdvice("account", "cams.signature_incomplete"),
    "InvalidTimeStamp.Expired": ErrorAdvice("account", "cams.clock"),
    "Forbidden.AccessKeyDisabled": ErrorAdvice("account", "cams.key_disabled"),
    "Ram.PermissionDeny": ErrorAdvice("account", "cams.ram_denied"),
    "Forbidden.RAM": ErrorAdvice("account", "cams.ram_denied"),
    "Forbidden": ErrorAdvice("account", "cams.forbidden"),
    "Product.Unsubscript": ErrorAdvice("account", "cams.not_activated"),
    "Unknown.ResourceOwnerId": ErrorAdvice("row", "cams.not_registered"),
    "MissingParameter": ErrorAdvice("row", "cams.missing_value"),
    "InvalidParameter": ErrorAdvice("row", "cams.invalid_value"),
    "QrdlLimitExceeded": ErrorAdvice("row", "cams.cap"),
    "QrdlCode.LimitExceeded": ErrorAdvice("row", "cams.cap"),
    "NotFound": ErrorAdvice("row", "cams.not_found"),
    "QrdlCode.NotFound": ErrorAdvice("row", "cams.not_found"),
}

NOT_FOUND_CODES = frozenset({"NotFound", "QrdlCode.NotFound"})
CAP_CODES = frozenset({"QrdlLimitExceeded", "QrdlCode.LimitExceeded"})
TOKEN_FIX = "cams.token_refused.fix"
FORBIDDEN_FIX = "cams.http_refused.fix"
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
    values = _values({"key_id": key_id, "date": date})
    if action is None:
        del values["action"]  # left as {action}, for the caller to fill
    else:
        values["action"] = action
    return ErrorAdvice(advice.kind, advice.key, tuple(values.items()))


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


def _values(values: Mapping[str, str]) -> dict[str, object]:
    """The fix's values; one not known reads as a neutral phrase."""
    blank: dict[str, object] = {
        "key_id": Words("cams.key_in_use"),
        "date": Words("cams.date_unknown"),
        "action": "<Action>",
        "status": "",
    }
    return blank | {k: v for k, v in values.items() if v}


def _fix(code: str, message: str, http_status: int | None, values: Mapping[str, str]) -> str:
    advice = ADVICE.get(code)
    if _token_refused(code, message) and (advice is None or advice.kind != "account"):
        key = TOKEN_FIX
    elif advice is not None and advice.kind == "account":
        key = f"{advice.key}.fix"
    elif http_status in (401, 403):
        key = FORBIDDEN_FIX
    elif code.startswith(("InvalidParameter", "MissingParameter")):
        key = "cams.signing_refused.fix"
    else:
        key = "cams.account.fix"
    return said(key, **_values(values))


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
