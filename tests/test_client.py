"""The client turns every answer shape into a result or the right error (stub and sandbox)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import anyio
import pytest
from aiohttp import web

from qrbatch.cams.client import CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials
from qrbatch.cams.errors import is_cap_reached, is_not_found
from qrbatch.errors import (
    AccountError,
    OutcomeUnknownError,
    RowError,
    ThrottledError,
    TransientError,
)
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, World
from qrbatch.sandbox.app import ErrorFormat
from qrbatch.sandbox.server import running_sandbox
from qrbatch.sandbox.state import Code
from tests.support.gateway import STUB_SECRET, Handler, stub

pytestmark = pytest.mark.anyio
SECRET = STUB_SECRET
DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)


def answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            status=status, text=json.dumps(body), headers=headers, content_type="application/json"
        )

    return handler


OK_DATA = {
    "QrdlCode": "ABCDEFGHIJKLMN",
    "DeepLinkUrl": "https://wa.me/message/ABCDEFGHIJKLMN",
    "QrImageUrl": "https://cdn/x.png",
    "GenerateQrImage": "PNG",
    "PhoneNumber": "6281234567890",
    "PrefilledMessage": "hi",
}


async def create(client: CamsClient) -> Any:
    return await client.create(phone="6281234567890", message="hi", image_type="PNG")


async def test_a_success_is_parsed_and_the_stray_newline_of_request_id_stripped() -> None:
    async with stub(answer(200, {"RequestId": "R-1\n", "Code": "OK", "Data": OK_DATA})) as client:
        result = await create(client)
    assert result.request_id == "R-1"
    assert result.qrdl is not None and result.qrdl.code == "ABCDEFGHIJKLMN"


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "System.LimitControl", ThrottledError),
        (200, "Throttling.User", ThrottledError),  # HTTP 200 with Code != "OK"
        (200, "InvalidParameter", RowError),
        (400, "Unknown.ResourceOwnerId", RowError),
        (404, "InvalidAccessKeyId.NotFound", AccountError),
        (403, "Forbidden.RAM", AccountError),
        (200, "Product.Unsubscript", AccountError),
        (503, "ServiceUnavailable", OutcomeUnknownError),
        (500, "InternalError", OutcomeUnknownError),
        (400, "SignatureNonceUsed", TransientError),
    ],
)
async def test_both_error_shapes_map_to_the_tree(status: int, code: str, kind: type) -> None:
    body = {"RequestId": "R-2", "Code": code, "Message": f"said {code}"}
    async with stub(answer(status, body)) as client:
        with pytest.raises(kind) as caught:
            await create(client)
    assert (caught.value.code, caught.value.request_id) == (code, "R-2")
    assert caught.value.action == "CreatePhoneMessageQrdl"


async def test_retry_after_is_read_in_milliseconds() -> None:
    body = {"RequestId": "R", "Code": "Throttling.Api", "Message": "slow down"}
    async with stub(answer(400, body, {"x-acs-retry-after": "1500"})) as client:
        with pytest.raises(ThrottledError) as caught:
            await create(client)
    assert caught.value.retry_after == 1.5


async def test_a_5xx_without_json_is_an_unknown_outcome() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=502, text="<html>Bad Gateway</html>")

    async with stub(handler) as client:
        with pytest.raises(OutcomeUnknownError):
            await create(client)


async def test_no_answer_in_time_is_an_unknown_outcome() -> None:
    answer = anyio.Event()

    async def slow(request: web.Request) -> web.Response:
        await answer.wait()  # until the client has given up
        return web.Response(text="{}")

    async with stub(slow, timeout=0.2) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await create(client)
        answer.set()
    assert caught.value.code == "RequestTimeout"


async def test_a_refused_connection_is_transient_and_certainly_not_acted_on() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with CamsClient(
        credentials=Credentials("LTAI", SECRET),
        pacer=UnpacedPacer(),
        endpoint=f"http://127.0.0.1:{port}",
    ) as client:
        with pytest.raises(TransientError) as caught:
            await create(client)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert SECRET not in str(caught.value) and SECRET not in repr(client)


# Against the sandbox: what the gateway sees and says -----------------------------------

PHONE = "6281234567890"


@asynccontextmanager
async def sandboxed(
    sandbox: Sandbox,
    credentials: Credentials = DEMO,
    refresh: Callable[[], Credentials] | None = None,
) -> AsyncIterator[CamsClient]:
    async with (
        running_sandbox(sandbox) as (_, url),
        CamsClient(
            credentials=credentials,
            pacer=UnpacedPacer(),
            endpoint=url,
            refresh_credentials=refresh,
        ) as client,
    ):
        yield client


async def test_the_gateway_receives_exactly_the_sdk_headers_all_signed() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=100))
    async with sandboxed(sandbox) as client:
        await client.list(phone=PHONE)
    received = {name.lower(): value for name, value in sandbox.stats.last_headers.items()}
    signed = received["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert set(received) == {
        "host",
        "accept",
        "user-agent",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
        "authorization",
        # added by the HTTP library, outside the signature as with the SDK:
        "accept-encoding",
        "content-length",
    }
    assert signed == sorted(set(received) - {"authorization", "accept-encoding", "content-length"})
    assert received["accept"] == "application/json"
    assert received["content-length"] == "0"
    assert received["user-agent"].startswith("qrbatch")


async def test_sts_requests_also_name_the_key_and_sign_the_token() -> None:
    world = World.demo()
    world.add_key("STS.temp", "tmp-secret", "demo", security_token="tok-1")
    sandbox = Sandbox(world, SandboxConfig(qps=100))
    async with sandboxed(sandbox, Credentials("STS.temp", "tmp-secret", "tok-1")) as client:
        await client.list(phone=PHONE)
    received = {name.lower() for name in sandbox.stats.last_headers}
    assert {"x-acs-security-token", "x-acs-accesskey-id"} <= received


async def test_update_answers_a_new_code_and_the_old_one_is_gone() -> None:
    async with sandboxed(Sandbox(config=SandboxConfig(qps=100))) as client:
        created = await create(client)
        assert created.qrdl is not None
        old = created.qrdl.code
        updated = await client.update(phone=PHONE, code=old, message="new words", image_type="SVG")
        listed = await client.list(phone=PHONE)
        with pytest.raises(RowError) as deleting_old:
            await client.delete(phone=PHONE, code=old)
        await client.delete(phone=PHONE, code=updated.qrdl.code if updated.qrdl else "")
    assert updated.qrdl is not None and updated.qrdl.code != old
    assert updated.qrdl.deep_link_url == f"https://wa.me/message/{updated.qrdl.code}"
    assert updated.qrdl.qr_image_url.endswith(f"/{updated.qrdl.code}.svg")
    assert (updated.qrdl.prefilled_message, updated.qrdl.image_type) == ("new words", "SVG")
    assert [q.code for q in listed.qrdls] == [updated.qrdl.code]
    assert is_not_found(deleting_old.value)


def expired_sts_world() -> World:
    world = World.demo()
    world.add_key("STS.old", "old-secret", "demo", security_token="tok-old", expires_at=1.0)
    world.add_key("STS.new", "new-secret", "demo", security_token="tok-new")
    return world


OLD_STS = Credentials("STS.old", "old-secret", "tok-old")
NEW_STS = Credentials("STS.new", "new-secret", "tok-new", source="refreshed")


async def test_a_refused_sts_token_is_cured_once_by_re_reading_credentials() -> None:
    reads: list[int] = []

    def refresh() -> Credentials:
        reads.append(1)
        return NEW_STS

    sandbox = Sandbox(expired_sts_world(), SandboxConfig(qps=100))
    async with sandboxed(sandbox, OLD_STS, refresh) as client:
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(partial(client.list, phone=PHONE))
        await client.list(phone=PHONE)  # later calls use the new token at once
    assert len(reads) == 1
    assert client.stats.errors == {"InvalidSecurityToken.Expired": 5}
    assert sandbox.stats.accepted["ListPhoneMessageQrdl"] == 6


async def test_a_token_still_refused_after_re_reading_stops_the_run() -> None:
    reads: list[int] = []

    def refresh() -> Credentials:
        reads.append(1)
        return Credentials("STS.old", "old-secret", "tok-other")

    sandbox = Sandbox(expired_sts_world(), SandboxConfig(qps=100))
    async with sandboxed(sandbox, OLD_STS, refresh) as client:
        with pytest.raises(AccountError) as caught:
            await client.list(phone=PHONE)
    assert len(reads) == 1
    assert caught.value.code == "InvalidSecurityToken.MismatchWithAccessKey"
    assert caught.value.exit_code == 3
    for shown in (str(caught.value), repr(caught.value), caught.value.fix, repr(client)):
        assert "old-secret" not in shown and "tok-" not in shown


async def test_concurrent_refusals_re_read_credentials_only_once() -> None:
    reads: list[int] = []

    def refresh() -> Credentials:
        reads.append(1)
        return OLD_STS  # nothing newer on disk

    sandbox = Sandbox(expired_sts_world(), SandboxConfig(qps=100))
    refused: list[str] = []

    async def listing() -> None:
        try:
            await client.list(phone=PHONE)
        except AccountError as error:
            refused.append(error.code)

    async with sandboxed(sandbox, OLD_STS, refresh) as client, anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(listing)
    assert len(reads) == 1
    assert refused == ["InvalidSecurityToken.Expired"] * 5


@pytest.mark.parametrize("refresh", [None, lambda: OLD_STS])
async def test_without_a_newer_token_an_expired_one_is_an_account_error(
    refresh: Callable[[], Credentials] | None,
) -> None:
    sandbox = Sandbox(expired_sts_world(), SandboxConfig(qps=100))
    async with sandboxed(sandbox, OLD_STS, refresh) as client:
        with pytest.raises(AccountError) as caught:
            await create(client)
    assert caught.value.code == "InvalidSecurityToken.Expired"
    assert "STS token" in caught.value.fix
    assert client.stats.total_calls == 1


def _no_permission_world() -> World:
    world = World.demo()
    world.add_key("LTAIlistonly", "s2", "demo", actions={"ListPhoneMessageQrdl"})
    world.add_key("LTAIinactive", "s3", "demo", inactive=True)
    return world


@pytest.mark.parametrize("error_format", ["json", "xml"])
async def test_no_permission_names_the_ram_action_and_shows_the_gateway_diagnosis(
    error_format: ErrorFormat,
) -> None:
    config = SandboxConfig(ram_denial_code="NoPermission", error_format=error_format)
    credentials = Credentials("LTAIlistonly", "s2")
    async with sandboxed(Sandbox(_no_permission_world(), config), credentials) as client:
        with pytest.raises(AccountError) as caught:
            await create(client)
    error = caught.value
    assert (error.code, error.http_status) == ("NoPermission", 403)
    assert "cams:CreatePhoneMessageQrdl" in error.fix and "LTAIlistonly" in error.fix
    assert "AuthAction=cams:CreatePhoneMessageQrdl" in error.access_denied_detail
    assert "NoPermissionType=ImplicitDeny" in error.access_denied_detail
    assert error.host_id == "cams.ap-southeast-1.aliyuncs.com"
    assert "troubleshoot" in error.recommend and error.request_id
    assert error.recommend in str(error)


@pytest.mark.parametrize(
    ("config", "credentials", "code", "in_fix"),
    [
        (
            SandboxConfig(),
            Credentials("LTAIinactive", "s3"),
            "InvalidAccessKeyId.Inactive",
            "LTAIinactive",
        ),
        (
            SandboxConfig(api_version="2099-01-01"),
            DEMO,
            "InvalidVersion",
            "endpoint (or QRBATCH_ENDPOINT)",
        ),
        (
            SandboxConfig(missing_actions=frozenset({"CreatePhoneMessageQrdl"})),
            DEMO,
            "InvalidAction.NotFound",
            "endpoint (or QRBATCH_ENDPOINT)",
        ),
        (
            SandboxConfig(error_format="xml"),
            Credentials(DEMO_KEY_ID, "wrong"),
            "SignatureDoesNotMatch",
            "AccessKey secret",
        ),
    ],
)
async def test_account_refusal_modes_become_account_errors(
    config: SandboxConfig, credentials: Credentials, code: str, in_fix: str
) -> None:
    async with sandboxed(Sandbox(_no_permission_world(), config), credentials) as client:
        with pytest.raises(AccountError) as caught:
            await create(client)
    assert caught.value.code == code
    assert in_fix in caught.value.fix
    assert caught.value.request_id


async def test_a_business_error_as_http_200_is_still_a_row_error() -> None:
    config = SandboxConfig(errors_as_http_200=True)
    async with sandboxed(Sandbox(config=config)) as client:
        with pytest.raises(RowError) as caught:
            await client.create(phone=PHONE, message="   ", image_type="PNG")
    assert (caught.value.code, caught.value.http_status) == ("InvalidParameter", 200)


@pytest.mark.parametrize("dotted", [False, True])
async def test_not_found_and_the_cap_are_recognised_whichever_spelling_the_service_uses(
    dotted: bool,
) -> None:
    sandbox = Sandbox(config=SandboxConfig(dotted_codes=dotted, error_format="xml"))
    async with sandboxed(sandbox) as client:
        with pytest.raises(RowError) as missing:
            await client.delete(phone=PHONE, code="D9II3XXXXXXXXX")
        sandbox.world.accounts["demo"].codes[PHONE] = {
            f"C{i:013d}": Code(f"C{i:013d}", PHONE, f"m{i}", "PNG", "") for i in range(2000)
        }
        with pytest.raises(RowError) as full:
            await create(client)
    assert is_not_found(missing.value) and is_cap_reached(full.value)
    assert missing.value.code == ("QrdlCode.NotFound" if dotted else "NotFound")


async def test_throttling_with_retry_after_from_the_sandbox() -> None:
    config = SandboxConfig(qps=1, retry_after_ms=750)
    async with sandboxed(Sandbox(config=config)) as client:
        await client.list(phone=PHONE)
        with pytest.raises(ThrottledError) as caught:
            await client.list(phone=PHONE)
    assert caught.value.retry_after == 0.75


# Stubbed gateway answers the sandbox does not produce ------------------------------------


async def test_any_error_with_retry_after_is_throttling_whatever_its_code() -> None:
    body = {"RequestId": "R", "Code": "ServiceBusy.Odd", "Message": "later"}
    async with stub(answer(400, body, {"x-acs-retry-after": "2000"})) as client:
        with pytest.raises(ThrottledError) as caught:
            await create(client)
    assert caught.value.retry_after == 2.0


async def test_an_xml_error_body_is_read() -> None:
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>R-X</RequestId>"
        "<HostId>cams.ap-southeast-1.aliyuncs.com</HostId><Code>Forbidden.RAM</Code>"
        "<Message>User not authorized</Message><Recommend>https://diag/x</Recommend></Error>"
    )

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=403, body=xml.encode(), content_type="text/xml")

    async with stub(handler) as client:
        with pytest.raises(AccountError) as caught:
            await create(client)
    error = caught.value
    assert (error.code, error.request_id, error.message) == (
        "Forbidden.RAM",
        "R-X",
        "User not authorized",
    )
    assert (error.host_id, error.recommend) == (
        "cams.ap-southeast-1.aliyuncs.com",
        "https://diag/x",
    )


async def test_a_bare_403_without_a_cams_body_stops_the_run() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=403, text="<html>Forbidden</html>", content_type="text/html")

    async with stub(handler) as client:
        with pytest.raises(AccountError) as caught:
            await create(client)
    assert caught.value.http_status == 403 and "cams:CreatePhoneMessageQrdl" in caught.value.fix
