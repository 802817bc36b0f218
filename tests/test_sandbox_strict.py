"""The sandbox refuses what the gateway refuses, with the gateway's codes.

Each test is one refusal a client must survive against the real service; the list in
the sandbox's docstring and the report to the lead is this file.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.signer import acs_date, canonical_query, new_nonce, sign
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, World
from qrbatch.sandbox.server import running_sandbox
from qrbatch.sandbox.state import Code

pytestmark = pytest.mark.anyio
PHONE = "6281234567890"
DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
LIST = "ListPhoneMessageQrdl"
CREATE = "CreatePhoneMessageQrdl"


async def send(
    url: str,
    action: str,
    params: Mapping[str, str],
    *,
    creds: Credentials = DEMO,
    drop: Collection[str] = (),
    extra_query: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One signed request; ``drop`` removes headers after signing (a broken client)."""
    query = {**params, **(extra_query or {})}
    headers = sign(
        credentials=creds,
        method="POST",
        host=url.removeprefix("http://"),
        action=action,
        query=query,
        date=acs_date(datetime.now(UTC)),
        nonce=new_nonce(),
    )
    for name in drop:
        del headers[name]
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{url}/?{canonical_query(query)}", headers=headers, skip_auto_headers=["Content-Type"]
        ) as response,
    ):
        return response.status, dict(response.headers), await response.read()


async def code_of(url: str, action: str, params: Mapping[str, str], **options: Any) -> str:
    _, _, body = await send(url, action, params, **options)
    return str(_json(body)["Code"])


def _json(body: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def create_params(message: str = "hello", image: str = "PNG", phone: str = PHONE) -> dict[str, str]:
    return {"PhoneNumber": phone, "PrefilledMessage": message, "GenerateQrImage": image}


# The V3 request itself -----------------------------------------------------------------


@pytest.mark.parametrize("header", ["x-acs-content-sha256", "x-acs-action"])
async def test_a_request_missing_a_v3_header_is_refused(header: str) -> None:
    async with running_sandbox(Sandbox()) as (sandbox, url):
        status, _, body = await send(url, LIST, {"PhoneNumber": PHONE}, drop=[header])
    answer = _json(body)
    assert (status, answer["Code"]) == (400, "MissingParameter")
    assert header in answer["Message"]
    assert sandbox.stats.accepted == {}


async def test_an_action_header_that_disagrees_with_the_action_parameter_is_refused() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        code = await code_of(url, LIST, {"PhoneNumber": PHONE}, extra_query={"Action": CREATE})
    assert code == "InvalidParameter"


# Business rules --------------------------------------------------------------------------


@pytest.mark.parametrize(("accept_lowercase", "code"), [(False, "InvalidParameter"), (True, "OK")])
async def test_lowercase_image_type_is_refused_unless_configured(
    accept_lowercase: bool, code: str
) -> None:
    config = SandboxConfig(accept_lowercase_image_type=accept_lowercase)
    async with running_sandbox(Sandbox(config=config)) as (sandbox, url):
        assert await code_of(url, CREATE, create_params(image="png")) == code
    stored = [c.image_type for c in sandbox.world.accounts["demo"].all_codes()]
    assert stored == (["PNG"] if accept_lowercase else [])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (create_params(" \t\n "), "InvalidParameter"),
        (create_params(phone="+6281234567890"), "InvalidParameter"),
        (create_params(phone="62 812 3456 7890"), "InvalidParameter"),
        (create_params(phone="0812345678"), "InvalidParameter"),
        (create_params(phone="123456"), "InvalidParameter"),
        (create_params(phone="1234567890123456"), "InvalidParameter"),
        (create_params(phone="6599999999"), "Unknown.ResourceOwnerId"),  # well formed, not ours
    ],
)
async def test_malformed_values_are_invalid_parameters(params: dict[str, str], code: str) -> None:
    async with running_sandbox(Sandbox()) as (sandbox, url):
        assert await code_of(url, CREATE, params) == code
    assert sandbox.world.accounts["demo"].created == 0


async def test_update_issues_a_new_code_and_retires_the_old_one() -> None:
    async with running_sandbox(Sandbox(config=SandboxConfig(qps=100))) as (_, url):
        _, _, created = await send(url, CREATE, create_params("first"))
        old = _json(created)["Data"]["QrdlCode"]
        update = {**create_params("second", image="SVG"), "QrdlCode": old}
        _, _, updated = await send(url, "UpdatePhoneMessageQrdl", update)
        _, _, listed = await send(url, LIST, {"PhoneNumber": PHONE})
        again = await code_of(url, "UpdatePhoneMessageQrdl", update)
        delete_old = await code_of(
            url, "DeletePhoneMessageQrdl", {"PhoneNumber": PHONE, "QrdlCode": old}
        )
    data = _json(updated)["Data"]
    new = data["QrdlCode"]
    assert new != old and len(new) == 14
    assert data["DeepLinkUrl"] == f"https://wa.me/message/{new}"
    assert data["QrImageUrl"].endswith(f"/{new}.svg")
    assert data["PrefilledMessage"] == "second"
    assert [item["QrdlCode"] for item in _json(listed)["Data"]] == [new]
    assert (again, delete_old) == ("NotFound", "NotFound")


@pytest.mark.parametrize(
    ("dotted", "not_found", "cap"),
    [
        (False, "NotFound", "QrdlLimitExceeded"),
        (True, "QrdlCode.NotFound", "QrdlCode.LimitExceeded"),
    ],
)
async def test_not_found_and_cap_codes_in_either_spelling(
    dotted: bool, not_found: str, cap: str
) -> None:
    async with running_sandbox(Sandbox(config=SandboxConfig(dotted_codes=dotted))) as (sb, url):
        missing = await code_of(
            url, "DeletePhoneMessageQrdl", {"PhoneNumber": PHONE, "QrdlCode": "D9II3XXXXXXXXX"}
        )
        sb.world.accounts["demo"].codes[PHONE] = {
            f"C{i:013d}": Code(f"C{i:013d}", PHONE, "m", "PNG", "") for i in range(2000)
        }
        full = await code_of(url, CREATE, create_params())
    assert (missing, full) == (not_found, cap)


# Keys, tokens and permissions ------------------------------------------------------------


def sts_world() -> World:
    world = World.demo()
    now = time.time()
    world.add_key("STS.live", "s-live", "demo", security_token="tok-live", expires_at=now + 900)
    world.add_key("STS.gone", "s-gone", "demo", security_token="tok-gone", expires_at=now - 1)
    return world


@pytest.mark.parametrize(
    ("creds", "code"),
    [
        (Credentials("STS.live", "s-live", "tok-live"), "OK"),
        (Credentials("STS.live", "s-live"), "MissingSecurityToken"),
        (
            Credentials("STS.live", "s-live", "tok-gone"),
            "InvalidSecurityToken.MismatchWithAccessKey",
        ),
        (Credentials("STS.gone", "s-gone", "tok-gone"), "InvalidSecurityToken.Expired"),
    ],
)
async def test_sts_keys_need_their_own_live_token(creds: Credentials, code: str) -> None:
    async with running_sandbox(Sandbox(sts_world())) as (_, url):
        assert await code_of(url, LIST, {"PhoneNumber": PHONE}, creds=creds) == code


async def test_no_permission_answers_403_with_the_ram_detail() -> None:
    world = World.demo()
    world.add_key("LTAIlistonly", "s2", "demo", actions={LIST})
    config = SandboxConfig(ram_denial_code="NoPermission")
    async with running_sandbox(Sandbox(world, config)) as (_, url):
        status, _, body = await send(
            url, CREATE, create_params(), creds=Credentials("LTAIlistonly", "s2")
        )
    answer = _json(body)
    assert (status, answer["Code"]) == (403, "NoPermission")
    assert answer["AccessDeniedDetail"]["AuthAction"] == "cams:CreatePhoneMessageQrdl"
    assert answer["HostId"] and answer["Recommend"] and answer["RequestId"]


@pytest.mark.parametrize(
    ("world_key", "config", "status", "code"),
    [
        ("inactive", SandboxConfig(), 400, "InvalidAccessKeyId.Inactive"),
        ("demo", SandboxConfig(api_version="2099-01-01"), 400, "InvalidVersion"),
        ("demo", SandboxConfig(missing_actions=frozenset({LIST})), 404, "InvalidAction.NotFound"),
    ],
)
async def test_account_refusal_modes(
    world_key: str, config: SandboxConfig, status: int, code: str
) -> None:
    world = World.demo()
    world.add_key("LTAIinactive", "s3", "demo", inactive=True)
    creds = Credentials("LTAIinactive", "s3") if world_key == "inactive" else DEMO
    async with running_sandbox(Sandbox(world, config)) as (_, url):
        got_status, _, body = await send(url, LIST, {"PhoneNumber": PHONE}, creds=creds)
    assert (got_status, _json(body)["Code"]) == (status, code)


async def test_an_unknown_action_is_not_found() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        status, _, body = await send(url, "SendChatappMessage", {"PhoneNumber": PHONE})
    assert (status, _json(body)["Code"]) == (404, "InvalidAction.NotFound")


# Answer shapes ---------------------------------------------------------------------------


async def test_throttling_can_carry_retry_after_in_milliseconds() -> None:
    config = SandboxConfig(qps=1, retry_after_ms=1200)
    async with running_sandbox(Sandbox(config=config)) as (_, url):
        await send(url, LIST, {"PhoneNumber": PHONE})
        status, headers, body = await send(url, LIST, {"PhoneNumber": PHONE})
    assert (status, _json(body)["Code"]) == (400, "System.LimitControl")
    assert headers["x-acs-retry-after"] == "1200"


async def test_business_errors_can_come_as_http_200_but_gateway_errors_do_not() -> None:
    config = SandboxConfig(errors_as_http_200=True)
    async with running_sandbox(Sandbox(config=config)) as (_, url):
        business = await send(url, CREATE, create_params(""))
        gateway = await send(url, LIST, {"PhoneNumber": PHONE}, creds=Credentials(DEMO_KEY_ID, "x"))
    assert (business[0], _json(business[2])["Code"]) == (200, "MissingParameter")
    assert (gateway[0], _json(gateway[2])["Code"]) == (400, "SignatureDoesNotMatch")


async def test_error_bodies_can_come_as_xml() -> None:
    config = SandboxConfig(error_format="xml")
    async with running_sandbox(Sandbox(config=config)) as (_, url):
        status, headers, body = await send(url, CREATE, create_params(phone="6599999999"))
    root = ElementTree.fromstring(body)
    assert headers["Content-Type"] == "text/xml;charset=utf-8"
    assert (status, root.tag, root.findtext("Code")) == (400, "Error", "Unknown.ResourceOwnerId")
    assert root.findtext("RequestId") and root.findtext("HostId") and root.findtext("Recommend")


async def test_an_unsigned_content_type_is_refused() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        query = {"PhoneNumber": PHONE}
        headers = sign(
            credentials=DEMO,
            method="POST",
            host=url.removeprefix("http://"),
            action=LIST,
            query=query,
            date=acs_date(datetime.now(UTC)),
            nonce=new_nonce(),
        )
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{url}/?{canonical_query(query)}", headers=headers) as response,
        ):
            # aiohttp adds Content-Type: application/octet-stream on its own
            status, answer = response.status, await response.json()
    assert (status, answer["Code"]) == (400, "IncompleteSignature")
    assert "content-type" in answer["Message"]
