"""Every error answer lands on the branch that says what to do: retry, row, or stop."""

from __future__ import annotations

import pytest

from qrbatch.cams.errors import (
    advice_for,
    classify,
    is_cap_reached,
    is_not_found,
    is_token_refused,
)
from qrbatch.errors import (
    AccountError,
    CamsError,
    OutcomeUnknownError,
    RowError,
    ThrottledError,
)
from qrbatch.words import describe, speaking

CREATE = "CreatePhoneMessageQrdl"


def answer(
    code: str,
    status: int | None = 400,
    message: str = "said so",
    retry_after: float | None = None,
    **extra: str,
) -> CamsError:
    return classify(
        code=code,
        message=message,
        action=CREATE,
        http_status=status,
        request_id="R-1",
        retry_after=retry_after,
        **extra,
    )


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("NoPermission", 403, "You are not authorized to do this action."),
        ("InvalidAccessKeyId.Inactive", 400, "Specified access key is disabled."),
        (
            "InvalidTimeStamp.Format",
            400,
            "Specified time stamp or date value is not well formatted.",
        ),
        ("InvalidVersion", 400, "Specified parameter Version is not valid."),
        ("InvalidAction.NotFound", 404, "Specified api is not found."),
        ("InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired."),
        ("InvalidSecurityToken.MismatchWithAccessKey", 400, "mismatch"),
        ("InvalidSecurityToken.SomethingNew", 400, "new"),
        ("MissingSecurityToken", 400, "SecurityToken is mandatory"),
        ("InvalidParameter", 400, "The SecurityToken is expired or not valid."),
        ("MissingParameter", 400, "The input parameter x-acs-action that is mandatory ..."),
        ("SomethingUnheardOf", 401, "who are you"),
        ("InvalidParameter", 403, "forbidden whatever the code"),
        ("Forbidden.Unknown", 400, "a new kind of forbidden"),
    ],
)
def test_account_level_refusals_stop_the_run(code: str, status: int, message: str) -> None:
    error = answer(code, status, message)
    assert isinstance(error, AccountError)
    assert error.exit_code == 3
    assert error.fix  # always plain words for the account owner


@pytest.mark.parametrize(
    ("code", "expected_in_fix"),
    [
        ("NoPermission", "cams:CreatePhoneMessageQrdl"),
        ("Forbidden.RAM", "cams:CreatePhoneMessageQrdl"),
        ("NoPermission", "LTAIvisible"),
        ("InvalidAccessKeyId.Inactive", "LTAIvisible"),
        ("InvalidSecurityToken.Expired", "STS token"),
        ("InvalidTimeStamp.Expired", "2026-11-30T10:00:00Z"),
        ("InvalidTimeStamp.Format", "clock"),
        ("InvalidVersion", "endpoint (or QRBATCH_ENDPOINT)"),
        ("InvalidAction.NotFound", "cams.ap-southeast-1.aliyuncs.com"),
    ],
)
def test_the_fix_names_the_ram_action_the_key_and_the_clock(
    code: str, expected_in_fix: str
) -> None:
    error = answer(code, key_id="LTAIvisible", date="2026-11-30T10:00:00Z")
    assert isinstance(error, AccountError)
    assert expected_in_fix in error.fix


def test_any_401_or_403_is_an_account_error_with_the_ram_action_to_grant() -> None:
    error = answer("Whatever.New", 403, key_id="LTAIk")
    assert isinstance(error, AccountError)
    assert "cams:CreatePhoneMessageQrdl" in error.fix and "LTAIk" in error.fix


def test_the_gateway_diagnosis_is_kept_and_shown_but_no_secret_is_asked_for() -> None:
    error = answer(
        "NoPermission",
        403,
        recommend="https://api.alibabacloud.com/troubleshoot?q=NoPermission",
        access_denied_detail=(
            "AuthAction=cams:CreatePhoneMessageQrdl; NoPermissionType=ImplicitDeny"
        ),
        host_id="cams.ap-southeast-1.aliyuncs.com",
    )
    assert isinstance(error, AccountError)
    assert error.recommend.endswith("q=NoPermission")
    assert error.host_id == "cams.ap-southeast-1.aliyuncs.com"
    shown = str(error)
    assert "troubleshoot?q=NoPermission" in shown
    assert "AuthAction=cams:CreatePhoneMessageQrdl" in shown
    assert "host_id=cams.ap-southeast-1.aliyuncs.com" in shown


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("InvalidParameter", 400),
        ("SomethingNew", 400),
        ("InternalError", 500),
        ("NoPermission", 403),
    ],
)
def test_an_answer_with_retry_after_is_throttling_whatever_its_code(code: str, status: int) -> None:
    error = answer(code, status, retry_after=2.0)
    assert isinstance(error, ThrottledError)
    assert error.retry_after == 2.0


@pytest.mark.parametrize("code", ["NotFound", "QrdlCode.NotFound"])
def test_not_found_is_recognised_in_both_spellings_and_is_a_row_error(code: str) -> None:
    error = answer(code, 404)
    assert isinstance(error, RowError)
    assert is_not_found(error) and not is_cap_reached(error)


@pytest.mark.parametrize("code", ["QrdlLimitExceeded", "QrdlCode.LimitExceeded"])
def test_the_2000_cap_is_recognised_in_both_spellings_and_is_a_row_error(code: str) -> None:
    error = answer(code)
    assert isinstance(error, RowError)
    assert is_cap_reached(error) and not is_not_found(error)
    advice = advice_for(code)
    assert advice is not None and "qrbatch delete" in advice.fix


@pytest.mark.parametrize(
    ("code", "message", "refused"),
    [
        ("InvalidSecurityToken.Expired", "", True),
        ("InvalidSecurityToken.Malformed", "", True),
        ("MissingSecurityToken", "", True),
        ("InvalidParameter", "Specified SecurityToken is expired.", True),
        ("InvalidParameter", "PrefilledMessage is too long", False),
        ("SignatureDoesNotMatch", "", False),
    ],
)
def test_a_refused_sts_token_is_recognised(code: str, message: str, refused: bool) -> None:
    assert is_token_refused(answer(code, message=message)) is refused


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("InvalidParameter", 400, RowError),
        ("MissingParameter", 400, RowError),
        ("Unknown.ResourceOwnerId", 400, RowError),
        ("ServiceUnavailable", 503, OutcomeUnknownError),
        ("System.LimitControl", 400, ThrottledError),
    ],
)
def test_row_and_retry_codes_keep_their_meaning(code: str, status: int, kind: type) -> None:
    assert type(answer(code, status, message="PrefilledMessage is too long")) is kind


def test_advice_for_fills_the_key_and_date_and_leaves_the_action_to_the_caller() -> None:
    plain = advice_for("NoPermission")
    assert plain is not None and "{key_id}" not in plain.fix and "cams:{action}" in plain.fix
    named = advice_for("NoPermission", action=CREATE, key_id="LTAIk")
    assert named is not None and "cams:CreatePhoneMessageQrdl" in named.fix and "LTAIk" in named.fix
    for code in ("InvalidTimeStamp.Expired", "InvalidAccessKeyId.Inactive", "MissingSecurityToken"):
        advice = advice_for(code)
        assert advice is not None and "{" not in advice.fix.replace("{action}", "")


def test_the_fix_is_worded_for_its_reader() -> None:
    error = answer("InvalidVersion", key_id="LTAIvisible")
    assert isinstance(error, AccountError)
    with speaking(audience="cli"):
        assert "check that --endpoint (or QRBATCH_ENDPOINT)" in describe(error.fix)
    assert describe(error.fix, language="id", audience="page").startswith(
        "pastikan Layanan (atau QRBATCH_ENDPOINT) mengarah ke CAMS"
    )
    secret = answer("SignatureDoesNotMatch")
    assert isinstance(secret, AccountError)
    with speaking(audience="cli"):
        assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in describe(secret.fix)
