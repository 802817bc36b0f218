"""CamsClient.query_numbers and AccountNumber: the account's own business numbers, read
through the same path as the QR actions (pacer, signing, errors, credential refresh)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from qrbatch.cams.client import CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials
from qrbatch.cams.models import UNUSABLE_STATUSES, WARNING_STATUSES, AccountNumber, Answer
from qrbatch.errors import AccountError, RowError, ThrottledError
from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    BusinessNumber,
    Sandbox,
    SandboxConfig,
    World,
)
from qrbatch.sandbox.server import running_sandbox
from tests.support.gateway import stub as gateway

pytestmark = pytest.mark.anyio
DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
QUERY = "QueryChatappPhoneNumbers"
PHONE = "6281234567890"


# AccountNumber ------------------------------------------------------------------------


def test_an_item_is_read_by_its_wire_names() -> None:
    item = {
        "PhoneNumber": "6281234567890",
        "VerifiedName": "Toko Sinar",
        "Status": "CONNECTED",
        "QualityRating": "GREEN",
        "MessagingLimitTier": "TIER_1K",
        "CodeVerificationStatus": "VERIFIED",
        "NameStatus": "APPROVED",
        "IsOfficial": "false",
    }
    expected = AccountNumber(
        phone="6281234567890",
        verified_name="Toko Sinar",
        status="CONNECTED",
        quality_rating="GREEN",
        messaging_limit_tier="TIER_1K",
        code_verification_status="VERIFIED",
    )
    assert AccountNumber.from_api(item) == expected


def test_missing_fields_are_empty_the_plus_goes_and_status_and_quality_are_upper_case() -> None:
    number = AccountNumber.from_api(
        {"PhoneNumber": "+6591234567", "Status": "flagged", "QualityRating": "red"}
    )
    assert number == AccountNumber("6591234567", "", "FLAGGED", "RED", "", "")
    assert AccountNumber.from_api({}) == AccountNumber("", "", "", "", "", "")


@pytest.mark.parametrize(
    ("status", "quality", "usable", "warning"),
    [
        ("CONNECTED", "GREEN", True, ""),
        ("CONNECTED", "YELLOW", True, ""),
        ("CONNECTED", "RED", True, "quality rating RED"),
        ("", "", True, ""),
        ("FLAGGED", "RED", True, "number FLAGGED by WhatsApp"),
        ("RESTRICTED", "GREEN", True, "number RESTRICTED by WhatsApp"),
        ("RATE_LIMITED", "GREEN", True, "number RATE_LIMITED by WhatsApp"),
        *((status, "GREEN", False, "") for status in sorted(UNUSABLE_STATUSES)),
    ],
)
def test_usable_and_warning_follow_status_and_quality(
    status: str, quality: str, usable: bool, warning: str
) -> None:
    number = AccountNumber("6591234567", "Shop", status, quality, "", "")
    assert (number.usable, number.warning) == (usable, warning)


def test_warning_and_unusable_statuses_do_not_overlap() -> None:
    assert not UNUSABLE_STATUSES & WARNING_STATUSES
    assert "CONNECTED" not in UNUSABLE_STATUSES | WARNING_STATUSES


# Against the sandbox --------------------------------------------------------------------


@asynccontextmanager
async def sandboxed(
    sandbox: Sandbox, credentials: Credentials = DEMO, pacer: Any = None, refresh: Any = None
) -> AsyncIterator[CamsClient]:
    async with (
        running_sandbox(sandbox) as (_, url),
        CamsClient(
            credentials=credentials,
            pacer=pacer or UnpacedPacer(),
            endpoint=url,
            refresh_credentials=refresh,
        ) as client,
    ):
        yield client


def shop_world() -> World:
    return World.demo(
        numbers=(
            "6281234567890",
            ("6591234567", "FLAGGED", "Kedai Kopi"),
            BusinessNumber("14155550123", "Bay Bikes", "BANNED", "RED", "TIER_250"),
        )
    )


async def test_query_numbers_reads_names_statuses_and_quality_from_the_sandbox() -> None:
    sandbox = Sandbox(shop_world(), SandboxConfig(qps=100))
    async with sandboxed(sandbox) as client:
        answer = await client.query_numbers()
    assert answer.request_id and answer.qrdl is None and answer.qrdls == ()
    assert [(n.phone, n.verified_name, n.status, n.quality_rating) for n in answer.numbers] == [
        ("14155550123", "Bay Bikes", "BANNED", "RED"),
        ("6281234567890", "Demo Store 7890", "CONNECTED", "GREEN"),
        ("6591234567", "Kedai Kopi", "FLAGGED", "GREEN"),
    ]
    assert [(n.usable, n.warning) for n in answer.numbers] == [
        (False, "quality rating RED"),
        (True, ""),
        (True, "number FLAGGED by WhatsApp"),
    ]
    assert answer.numbers[0].messaging_limit_tier == "TIER_250"
    assert answer.numbers[1].code_verification_status == "VERIFIED"
    assert sandbox.world.accounts["demo"].number_queries == 1
    assert client.stats.calls == {QUERY: 1}


async def test_query_numbers_sends_a_cust_space_id_only_when_given() -> None:
    sandbox = Sandbox(shop_world(), SandboxConfig(qps=100))
    async with sandboxed(sandbox) as client:
        inside = await client.query_numbers(cust_space_id="cams-demo-space")
        with pytest.raises(RowError) as foreign:
            await client.query_numbers(cust_space_id="someone-elses-space")
    assert len(inside.numbers) == 3
    assert (foreign.value.code, foreign.value.action) == ("Unknown.ResourceOwnerId", QUERY)


class CountingPacer(UnpacedPacer):
    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1


async def test_query_numbers_takes_a_slot_of_the_same_pacer_as_the_qr_actions() -> None:
    pacer = CountingPacer()
    async with sandboxed(Sandbox(config=SandboxConfig(qps=100)), pacer=pacer) as client:
        await client.query_numbers()
        await client.list(phone=PHONE)
    assert pacer.acquired == 2


async def test_a_refused_sts_token_is_re_read_for_the_query_too() -> None:
    world = World.demo()
    world.add_key("STS.old", "old-secret", "demo", security_token="tok-old", expires_at=1.0)
    world.add_key("STS.new", "new-secret", "demo", security_token="tok-new")
    fresh = Credentials("STS.new", "new-secret", "tok-new", source="refreshed")
    old = Credentials("STS.old", "old-secret", "tok-old")
    sandbox = Sandbox(world, SandboxConfig(qps=100))
    async with sandboxed(sandbox, old, refresh=lambda: fresh) as client:
        answer = await client.query_numbers()
    assert len(answer.numbers) == 8
    assert client.stats.errors == {"InvalidSecurityToken.Expired": 1}
    assert sandbox.world.accounts["demo"].number_queries == 2


async def test_an_account_that_may_not_query_gets_an_account_error_for_that_action() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=100, numbers_query="denied"))
    async with sandboxed(sandbox) as client:
        with pytest.raises(AccountError) as caught:
            await client.query_numbers()
        listed = await client.list(phone=PHONE)  # the QR actions are unaffected
    error = caught.value
    assert (error.code, error.http_status, error.action) == ("Forbidden.RAM", 403, QUERY)
    assert "cams:QueryChatappPhoneNumbers" in error.fix and DEMO_KEY_ID in error.fix
    assert "AuthAction=cams:QueryChatappPhoneNumbers" in error.access_denied_detail
    assert error.request_id and error.exit_code == 3
    assert listed.qrdls == ()
    assert sandbox.world.accounts["demo"].number_queries == 1
    assert client.stats.calls == {QUERY: 1, "ListPhoneMessageQrdl": 1}


async def test_a_gateway_without_the_action_gets_an_account_error_for_that_action() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=100, numbers_query="unknown"))
    async with sandboxed(sandbox) as client:
        with pytest.raises(AccountError) as caught:
            await client.query_numbers()
        await client.list(phone=PHONE)
    error = caught.value
    assert (error.code, error.http_status, error.action) == ("InvalidAction.NotFound", 404, QUERY)
    assert "QueryChatappPhoneNumbers" in error.fix and "endpoint (or QRBATCH_ENDPOINT)" in error.fix
    assert sandbox.world.accounts["demo"].number_queries == 1


async def test_the_query_has_its_own_limit_and_over_it_is_throttling() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=100, numbers_qps=1))
    async with sandboxed(sandbox) as client:
        await client.query_numbers()
        with pytest.raises(ThrottledError) as caught:
            await client.query_numbers()
        await client.list(phone=PHONE)  # the QR actions' quota is untouched
    assert (caught.value.code, caught.value.action) == ("Throttling.User", QUERY)
    assert sandbox.world.accounts["demo"].number_queries == 2


# Answer shapes (a stub gateway) ----------------------------------------------------------


@asynccontextmanager
async def stub(body: dict[str, Any], seen: list[dict[str, str]]) -> AsyncIterator[CamsClient]:
    """A gateway that answers every call with ``body`` and notes what was asked."""

    async def handler(request: web.Request) -> web.Response:
        seen.append({"action": request.headers["x-acs-action"], **request.query})
        return web.Response(text=json.dumps(body), content_type="application/json")

    async with gateway(handler) as client:
        yield client


async def test_the_list_is_the_top_level_phone_numbers_and_nothing_else_is_sent() -> None:
    body = {
        "RequestId": "R-1\n",
        "Code": "OK",
        "Message": "OK",
        "Data": [{"PhoneNumber": "999"}],  # not where the numbers are
        "PhoneNumbers": [{"PhoneNumber": "6591234567", "VerifiedName": "Shop"}, "junk", None],
    }
    seen: list[dict[str, str]] = []
    async with stub(body, seen) as client:
        answer = await client.query_numbers()
        await client.query_numbers(cust_space_id="space-1")
    assert answer == Answer("R-1", numbers=(AccountNumber("6591234567", "Shop", "", "", "", ""),))
    assert seen == [{"action": QUERY}, {"action": QUERY, "CustSpaceId": "space-1"}]


@pytest.mark.parametrize("phone_numbers", [None, "6591234567", {"PhoneNumber": "6591234567"}])
async def test_phone_numbers_missing_or_not_a_list_is_no_numbers(phone_numbers: Any) -> None:
    body: dict[str, Any] = {"RequestId": "R-2", "Code": "OK", "Message": "OK"}
    if phone_numbers is not None:
        body["PhoneNumbers"] = phone_numbers
    async with stub(body, []) as client:
        answer = await client.query_numbers()
    assert answer == Answer("R-2")
