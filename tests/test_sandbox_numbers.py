"""The sandbox's business numbers: their details, QueryChatappPhoneNumbers on the wire,
the switches that refuse it, and ``parse_number_spec`` (``qrbatch sandbox --number``)."""

from __future__ import annotations

import inspect

import pytest
from alibabacloud_cams20200606 import models as cams_models

from qrbatch.cams.credentials import Credentials
from qrbatch.sandbox import (
    DEMO_NUMBERS,
    NUMBER_STATUSES,
    BusinessNumber,
    Sandbox,
    SandboxConfig,
    World,
    parse_number_spec,
)
from qrbatch.sandbox.server import running_sandbox
from tests.support.signed_calls import call, create_params

pytestmark = pytest.mark.anyio
QUERY = "QueryChatappPhoneNumbers"
SDK_ITEM = cams_models.QueryChatappPhoneNumbersResponseBodyPhoneNumbers


def shop_world() -> World:
    world = World.demo(
        numbers=(
            "6281234567890",
            ("6591234567", "FLAGGED", "Kedai Kopi"),
            BusinessNumber("14155550123", "Bay Bikes", "BANNED", "RED"),
        )
    )
    world.add_account("other", numbers=["447911123456"], spaces=["other-space"])
    world.add_key("LTAIother", "other-secret", "other")
    world.add_key("LTAIqronly", "qr-secret", "demo", actions={"ListPhoneMessageQrdl"})
    return world


# parse_number_spec and the number specs ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6281234567890", ("6281234567890", "CONNECTED", "Demo Store 7890")),
        ("+14155557001", ("14155557001", "CONNECTED", "Demo Store 7001")),
        ("6591234567:flagged", ("6591234567", "FLAGGED", "Demo Store 4567")),
        ("6591234567:BANNED:Kedai Kopi", ("6591234567", "BANNED", "Kedai Kopi")),
        ("6591234567::Kedai Kopi", ("6591234567", "CONNECTED", "Kedai Kopi")),
        ("6591234567:rate_limited:Shop: Main St", ("6591234567", "RATE_LIMITED", "Shop: Main St")),
        (" 6591234567 : Pending : Shop ", ("6591234567", "PENDING", "Shop")),
    ],
)
def test_parse_number_spec(text: str, expected: tuple[str, str, str]) -> None:
    assert parse_number_spec(text) == expected


def test_parse_number_spec_refuses_an_unknown_status_naming_the_good_ones() -> None:
    with pytest.raises(ValueError, match="unknown status 'ACTIVE'.*CONNECTED.*FLAGGED"):
        parse_number_spec("6591234567:active")


@pytest.mark.parametrize("text", ["", ":CONNECTED", "65-9123-4567", "0591234567", "12345"])
def test_parse_number_spec_refuses_a_bad_phone(text: str) -> None:
    with pytest.raises(ValueError, match="country code and number"):
        parse_number_spec(text)


def test_the_demo_numbers_are_connected_green_and_named() -> None:
    account = World.demo().accounts["demo"]
    assert account.numbers == set(DEMO_NUMBERS)
    assert [account.profile(phone) for phone in DEMO_NUMBERS] == [
        BusinessNumber(phone, f"Demo Store {phone[-4:]}", "CONNECTED", "GREEN")
        for phone in DEMO_NUMBERS
    ]


def test_a_parsed_spec_registers_a_number_and_a_number_added_directly_gets_defaults() -> None:
    world = World.demo(numbers=(*DEMO_NUMBERS, parse_number_spec("6598765432:banned:Old Shop")))
    account = world.accounts["demo"]
    account.numbers.add("6590001111")  # as some tests do
    assert account.profile("6598765432") == BusinessNumber("6598765432", "Old Shop", "BANNED")
    assert account.profile("6590001111").verified_name == "Demo Store 1111"
    assert ", ".join(sorted(account.numbers)).count(",") == len(DEMO_NUMBERS) + 1


def test_a_business_number_refuses_an_unknown_status_or_quality() -> None:
    with pytest.raises(ValueError, match="status"):
        BusinessNumber("6591234567", status="ACTIVE")
    with pytest.raises(ValueError, match="quality"):
        BusinessNumber("6591234567", quality_rating="BLUE")
    assert {"CONNECTED", "FLAGGED", "BANNED", "UNKNOWN"} <= NUMBER_STATUSES


# QueryChatappPhoneNumbers on the wire -----------------------------------------------------


async def test_the_answer_is_the_envelope_with_every_sdk_field_of_each_number() -> None:
    async with running_sandbox(Sandbox(shop_world())) as (sandbox, url):
        status, body = await call(url, QUERY, {})
    assert status == 200
    assert (body["Code"], body["Message"], body["RequestId"].strip() != "") == ("OK", "OK", True)
    assert "Data" not in body
    items = body["PhoneNumbers"]
    sdk_fields = set(inspect.signature(SDK_ITEM.__init__).parameters) - {"self"}
    for item in items:
        assert len(item) == len(sdk_fields)
        assert SDK_ITEM().from_map(item).to_map() == item  # no name the SDK does not know
    assert [
        (i["PhoneNumber"], i["VerifiedName"], i["Status"], i["QualityRating"]) for i in items
    ] == [
        ("14155550123", "Bay Bikes", "BANNED", "RED"),
        ("6281234567890", "Demo Store 7890", "CONNECTED", "GREEN"),
        ("6591234567", "Kedai Kopi", "FLAGGED", "GREEN"),
    ]
    assert items[0]["UpCallbackUrl"] == items[0]["StatusQueue"] == ""
    assert items[0]["IsOfficial"] == "false"
    assert sandbox.world.accounts["demo"].number_queries == 1


@pytest.mark.parametrize(
    ("wanted", "phones"),
    [("FLAGGED", ["6591234567"]), ("banned", ["14155550123"]), ("DELETED", [])],
)
async def test_status_filters_the_numbers(wanted: str, phones: list[str]) -> None:
    async with running_sandbox(Sandbox(shop_world())) as (_, url):
        status, body = await call(url, QUERY, {"Status": wanted})
        _, as_form = await call(url, QUERY, {"Status": wanted}, as_form=True)
    assert status == 200
    assert [item["PhoneNumber"] for item in body["PhoneNumbers"]] == phones
    assert [item["PhoneNumber"] for item in as_form["PhoneNumbers"]] == phones


async def test_a_cust_space_id_is_checked_as_the_qr_actions_check_it() -> None:
    async with running_sandbox(Sandbox(shop_world())) as (_, url):
        own_status, own = await call(url, QUERY, {"CustSpaceId": "cams-demo-space"})
        other_status, other = await call(url, QUERY, {"CustSpaceId": "other-space"})
    assert (own_status, len(own["PhoneNumbers"])) == (200, 3)
    assert (other_status, other["Code"]) == (400, "Unknown.ResourceOwnerId")


async def test_each_account_sees_and_counts_only_its_own_numbers() -> None:
    other = Credentials("LTAIother", "other-secret")
    async with running_sandbox(Sandbox(shop_world())) as (sandbox, url):
        _, body = await call(url, QUERY, {}, creds=other)
        await call(url, QUERY, {}, creds=other)
    assert [item["PhoneNumber"] for item in body["PhoneNumbers"]] == ["447911123456"]
    accounts = sandbox.world.accounts
    assert (accounts["other"].number_queries, accounts["demo"].number_queries) == (2, 0)


async def test_the_qr_actions_still_refuse_a_number_the_account_does_not_own() -> None:
    async with running_sandbox(Sandbox(shop_world())) as (_, url):
        foreign, refused = await call(
            url, "CreatePhoneMessageQrdl", create_params(phone="447911123456")
        )
        banned, created = await call(
            url, "CreatePhoneMessageQrdl", create_params(phone="14155550123")
        )
    assert (foreign, refused["Code"]) == (400, "Unknown.ResourceOwnerId")
    # What CAMS does with a BANNED number's Create is unconfirmed: only ownership counts.
    assert (banned, created["Code"]) == (200, "OK")


async def test_denied_answers_the_query_only_with_a_ram_refusal() -> None:
    config = SandboxConfig(numbers_query="denied")
    async with running_sandbox(Sandbox(shop_world(), config)) as (sandbox, url):
        status, body = await call(url, QUERY, {})
        listed, _ = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": "6281234567890"})
    assert (status, body["Code"]) == (403, "Forbidden.RAM")
    assert "cams:QueryChatappPhoneNumbers" in body["Message"]
    assert body["AccessDeniedDetail"]["AuthAction"] == "cams:QueryChatappPhoneNumbers"
    assert body["AccessDeniedDetail"]["NoPermissionType"] == "ImplicitDeny"
    assert listed == 200
    assert sandbox.world.accounts["demo"].number_queries == 1


async def test_a_key_whose_policy_lacks_the_action_is_refused_the_same_way() -> None:
    qr_only = Credentials("LTAIqronly", "qr-secret")
    async with running_sandbox(Sandbox(shop_world())) as (_, url):
        status, body = await call(url, QUERY, {}, creds=qr_only)
    assert (status, body["Code"]) == (403, "Forbidden.RAM")


async def test_unknown_answers_the_query_only_as_an_action_the_gateway_does_not_know() -> None:
    config = SandboxConfig(numbers_query="unknown")
    async with running_sandbox(Sandbox(shop_world(), config)) as (sandbox, url):
        status, body = await call(url, QUERY, {})
        listed, _ = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": "6281234567890"})
    assert (status, body["Code"]) == (404, "InvalidAction.NotFound")
    assert listed == 200
    assert sandbox.world.accounts["demo"].number_queries == 1


async def test_the_query_has_its_own_quota_beside_the_qr_actions() -> None:
    config = SandboxConfig(qps=1, numbers_qps=2)
    async with running_sandbox(Sandbox(shop_world(), config)) as (sandbox, url):
        first, _ = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": "6281234567890"})
        answers = [(await call(url, QUERY, {}))[0] for _ in range(3)]
        _, throttled = await call(url, QUERY, {})
    assert first == 200
    assert answers == [200, 200, 400]
    assert throttled["Code"] == "Throttling.User"
    assert sandbox.world.accounts["demo"].number_queries == 4
