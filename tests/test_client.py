"""The client turns every answer shape into a result or the right error (a stub server)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from aiohttp import web

from qrbatch.cams.client import CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials
from qrbatch.errors import (
    AccountError,
    OutcomeUnknownError,
    RowError,
    ThrottledError,
    TransientError,
)

pytestmark = pytest.mark.anyio
SECRET = "client-test-secret-0f3a"
Handler = Callable[[web.Request], Any]


@asynccontextmanager
async def stub(handler: Handler, timeout: float = 2.0) -> AsyncIterator[CamsClient]:
    app = web.Application()
    app.router.add_route("POST", "/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with CamsClient(
            credentials=Credentials("LTAIstub", SECRET),
            pacer=UnpacedPacer(),
            endpoint=f"http://127.0.0.1:{port}",
            timeout=timeout,
        ) as client:
            yield client
    finally:
        await runner.cleanup()


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
    async def slow(request: web.Request) -> web.Response:
        await anyio.sleep(5)
        return web.Response(text="{}")

    async with stub(slow, timeout=0.2) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await create(client)
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
