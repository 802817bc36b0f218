"""The page served from its own thread and event loop, for sync callers: the browser
tests and ``docs/screenshots.py`` drive it with Playwright's sync API from the main thread.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Any

from qrbatch.web import Server, running_server


class ServerThread:
    """``running_server(**options)`` in a background thread; ``url`` once entered."""

    def __init__(self, **options: Any) -> None:
        self._options = {"port": 0, **options}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stop: asyncio.Event | None = None
        self._done: asyncio.Future[None] | None = None
        self.server: Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None, "enter the ServerThread first"
        return self.server.url

    async def _serve(self, started: asyncio.Future[Server]) -> None:
        self._stop = asyncio.Event()
        try:
            async with running_server(**self._options) as server:
                started.set_result(server)
                await self._stop.wait()
        except BaseException as exc:
            if not started.done():
                started.set_exception(exc)
            raise

    def __enter__(self) -> ServerThread:
        self._thread.start()

        async def start() -> Server:
            started: asyncio.Future[Server] = self._loop.create_future()
            self._done = asyncio.ensure_future(self._serve(started))
            return await started

        self.server = asyncio.run_coroutine_threadsafe(start(), self._loop).result(timeout=30)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        async def stop() -> None:
            assert self._stop is not None and self._done is not None
            self._stop.set()
            await self._done

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
