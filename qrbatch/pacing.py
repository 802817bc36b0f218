"""The pacer: one per account, through which every attempt of every action passes.

Two rules, both on the event loop's clock (``anyio.current_time``, which tests drive
with a virtual-time loop):

1. Even spacing: an aiolimiter leaky bucket of capacity 1 lets one call through every
   ``1/ceiling`` seconds, so there is never a burst (``AsyncLimiter(5, 1)`` would let 9
   calls into the first second); below the ceiling, each send also waits ``1/rate``
   after the previous real send (the adaptive rate, which changes without replacing
   the bucket: a fresh bucket would let its first caller straight through).
2. A window guard on the real send times: at most ``limit`` sends in any window of
   ``window + margin`` seconds. That keeps the account under a sliding window, a fixed
   window and a token bucket alike, even when the event loop runs late and catches up.

An in-flight cap keeps enough calls outstanding to hold the rate whatever the latency
(``rate x observed latency x 1.5 + 2``, between 4 and ``max_in_flight``), and no more:
each call holds a token from before its slot until its answer (``release``).

Rate and margin adapt to what the server says (AIMD). Throttling, at most once per ``cooldown``:
the rate is cut by ``decrease`` and the margin widened by ``margin_step`` (arrival
jitter needs a wider window; another program on the account needs a lower rate). Each
clean ``cooldown`` after that raises the rate by ``increase`` up to just below the rate
that was throttled, then probes beyond it by ``probe``, up to the ceiling; the margin
shrinks back by ``margin_decay``. ``x-acs-retry-after`` pauses every sender until it
has passed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import anyio
from aiolimiter import AsyncLimiter

from qrbatch.errors import QrbatchError
from qrbatch.events import Event, Throttled, no_events

DEFAULT_QPS = 5.0
DEFAULT_MARGIN = 0.01
MIN_RATE = 0.5


class PacerClosedError(QrbatchError):
    """The run is stopping: no further call may be sent."""


class AdaptivePacer:
    """Even, window-guarded, adaptive pacing of one account's calls."""

    def __init__(
        self,
        ceiling: float = DEFAULT_QPS,
        *,
        window: float = 1.0,
        margin: float = DEFAULT_MARGIN,
        decrease: float = 0.9,
        increase: float = 0.25,
        probe: float = 0.02,
        cooldown: float = 1.0,
        min_rate: float = MIN_RATE,
        margin_step: float = 0.02,
        margin_decay: float = 0.004,
        max_margin: float = 0.12,
        max_in_flight: int = 64,
    ) -> None:
        if ceiling <= 0:
            raise ValueError("the rate ceiling must be positive")
        self.ceiling = ceiling
        self.window = window
        self.margin = margin
        self.base_margin = margin
        self.decrease = decrease
        self.increase = increase
        self.probe = probe
        self.cooldown = cooldown
        self.margin_step = margin_step
        self.margin_decay = margin_decay
        self.max_margin = max_margin
        self.min_rate = min(min_rate, ceiling)
        self.limit = max(1, math.floor(ceiling * window + 1e-9))
        self.rate = ceiling
        self._limiter = AsyncLimiter(1, 1.0 / ceiling)
        self._sends: deque[float] = deque(maxlen=self.limit)
        self._paused_until = 0.0
        self._last_send = -math.inf
        self._last_change = -math.inf
        self._last_throttle = -math.inf
        self._throttled_rate = math.inf
        self._closed = False
        self._waiters: set[anyio.CancelScope] = set()
        self.throttled = 0
        self.sends = 0
        self.max_in_flight = max_in_flight
        self.latency = 1.0  # seconds, exponentially weighted; a cautious first guess
        self._outstanding = 0
        self._token_freed: anyio.Event | None = None
        self.on_event: Callable[[Event], None] = no_events  # the run's event stream

    @property
    def in_flight_limit(self) -> int:
        """How many calls may be outstanding: enough to hold the rate, bounded."""
        wanted = math.ceil(self.rate * self.latency * 1.5) + 2
        return max(4, min(self.max_in_flight, wanted))

    @property
    def in_flight(self) -> int:
        """Calls holding a token now."""
        return self._outstanding

    async def _take_token(self) -> None:
        while self._outstanding >= self.in_flight_limit:
            if self._token_freed is None:
                self._token_freed = anyio.Event()
            await self._token_freed.wait()
        self._outstanding += 1

    async def acquire(self) -> None:
        """Wait for an in-flight token and this call's slot; pair with ``release``.

        Raises PacerClosedError (holding nothing) once the run is stopping.
        """
        if self._closed:
            raise PacerClosedError("the run is stopping")
        holding = False
        try:
            with anyio.CancelScope() as scope:
                self._waiters.add(scope)
                try:
                    await self._take_token()
                    holding = True
                    await self._wait_for_slot()
                finally:
                    self._waiters.discard(scope)
        except BaseException:
            if holding:
                self.release(None)
            raise
        if scope.cancelled_caught or self._closed:
            if holding:
                self.release(None)
            raise PacerClosedError("the run is stopping")

    def release(self, latency: float | None) -> None:
        """The call's answer came (or not): free its token, learn from its latency."""
        self._outstanding -= 1
        if latency is not None:
            self.latency = 0.8 * self.latency + 0.2 * latency
        if self._token_freed is not None:
            self._token_freed.set()
            self._token_freed = None

    async def _wait_for_slot(self) -> None:
        await self._limiter.acquire()
        while True:
            # Checked and recorded with no await in between: concurrent callers that
            # wake together cannot both take the same slot.
            now = anyio.current_time()
            wait = max(self._paused_until - now, self._last_send + 1.0 / self.rate - now)
            if len(self._sends) == self.limit:
                wait = max(wait, self._sends[0] + self.window + self.margin - now)
            if wait <= 0:
                self._sends.append(now)
                self._last_send = now
                self.sends += 1
                return
            await anyio.sleep(wait)

    def close(self) -> None:
        """Refuse every further slot and release everyone waiting for one."""
        self._closed = True
        for scope in list(self._waiters):
            scope.cancel()

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None:
        """The server said slow down: cut the rate (once per cooldown), honour retry-after.

        A call sent before the last cut says nothing about the new rate: it only counts.
        """
        self.throttled += 1
        now = anyio.current_time()
        if retry_after:
            self._paused_until = max(self._paused_until, now + retry_after)
        stale = sent_at is not None and sent_at < self._last_throttle
        if not stale and now - self._last_throttle >= self.cooldown:
            new_rate = max(self.min_rate, self.rate * self.decrease)
            self.on_event(
                Throttled(
                    rate=round(self.rate, 3),
                    new_rate=round(new_rate, 3),
                    margin=round(self.margin + self.margin_step, 3),
                    retry_after=retry_after,
                    throttled_total=self.throttled,
                )
            )
            self._last_throttle = now
            self._throttled_rate = self.rate
            self.margin = min(self.max_margin, self.margin + self.margin_step)
            self._set_rate(max(self.min_rate, self.rate * self.decrease), now)

    def on_success(self) -> None:
        """A clean answer: after a clean cooldown, win back rate and margin step by step."""
        if self.rate >= self.ceiling and self.margin <= self.base_margin:
            return
        now = anyio.current_time()
        if now - self._last_change < self.cooldown or now - self._last_throttle < self.cooldown:
            return
        self.margin = max(self.base_margin, self.margin - self.margin_decay)
        step = (
            self.increase
            if self.rate + self.increase <= 0.97 * self._throttled_rate
            else self.probe
        )
        self._set_rate(min(self.ceiling, self.rate + step), now)

    def _set_rate(self, rate: float, now: float) -> None:
        self._last_change = now
        self.rate = rate
