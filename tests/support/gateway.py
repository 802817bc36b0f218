"""A stub CAMS gateway on loopback: one aiohttp handler answers every call, and a real
CamsClient talks to it (answer shapes the sandbox does not make)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from qrbatch.cams.client import CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials

Handler = Callable[[web.Request], Any]
STUB_SECRET = "client-test-secret-0f3a"


@asynccontextmanager
async def stub(handler: Handler, timeout: float = 2.0) -> AsyncIterator[CamsClient]:
    """A CamsClient whose every call ``handler`` answers."""
    app = web.Application()
    app.router.add_route("POST", "/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with CamsClient(
            credentials=Credentials("LTAIstub", STUB_SECRET),
            pacer=UnpacedPacer(),
            endpoint=f"http://127.0.0.1:{port}",
            timeout=timeout,
        ) as client:
            yield client
    finally:
        await runner.cleanup()
