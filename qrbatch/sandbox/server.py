"""Ways to run the sandbox: inside the current event loop, in a thread, or as a server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

from aiohttp import web

from qrbatch.sandbox.app import Sandbox

LOOPBACK = "127.0.0.1"


async def _start(sandbox: Sandbox, host: str, port: int) -> tuple[web.AppRunner, str]:
    if host not in (LOOPBACK, "localhost", "::1"):
        raise ValueError("the sandbox only listens on loopback")
    runner = web.AppRunner(sandbox.app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server  # aiohttp exposes the bound port only here
    bound = server.sockets[0].getsockname()[1] if server is not None and server.sockets else port  # type: ignore[attr-defined]
    return runner, f"http://{host}:{bound}"


@asynccontextmanager
async def running_sandbox(
    sandbox: Sandbox | None = None, *, host: str = LOOPBACK, port: int = 0
) -> AsyncIterator[tuple[Sandbox, str]]:
    """Serve a sandbox inside the current event loop; yield it and its base URL."""
    sandbox = sandbox or Sandbox()
    runner, url = await _start(sandbox, host, port)
    try:
        yield sandbox, url
    finally:
        await runner.cleanup()


async def serve_forever(sandbox: Sandbox, *, host: str = LOOPBACK, port: int = 8765) -> None:
    """Serve until cancelled (``qrbatch sandbox``)."""
    async with running_sandbox(sandbox, host=host, port=port):
        await asyncio.Event().wait()


class SandboxThread:
    """A sandbox served from its own thread and event loop (for sync callers and tests)."""

    def __init__(self, sandbox: Sandbox | None = None, *, port: int = 0) -> None:
        self.sandbox = sandbox or Sandbox()
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def __enter__(self) -> SandboxThread:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            _start(self.sandbox, LOOPBACK, self._port), self._loop
        )
        self._runner, self.url = future.result(timeout=10)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
