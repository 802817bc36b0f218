"""An asyncio event loop on virtual time: sleeps finish at once, ``loop.time()`` jumps.

Timing logic (the pacer, backoff) is tested on it without wall-clock sleeps, the way
aiolimiter's own tests patch ``loop.time``. IO still works: when something is ready it
is served first; the clock only jumps when the loop would otherwise wait.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio

T = TypeVar("T")


class _Clock:
    now = 1000.0


class _JumpingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    def __init__(self, clock: _Clock) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[Any]:
        events = super().select(0)
        if events or (timeout is not None and timeout <= 0):
            return events
        if timeout is None:
            return super().select(None)
        self._clock.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._virtual = _Clock()
        super().__init__(selector=_JumpingSelector(self._virtual))

    def time(self) -> float:
        return self._virtual.now


def run_virtual(func: Callable[[], Awaitable[T]]) -> T:
    """Run ``func`` with anyio on a virtual-time asyncio loop."""
    return anyio.run(func, backend="asyncio", backend_options={"loop_factory": VirtualTimeLoop})
