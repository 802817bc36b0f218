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

Rate and margin adapt to what the server says (AIMD, in ``RateControl``). Throttling, at
most once per ``cooldown``, cuts the rate and widens the margin by ``margin_step`` (arrival
jitter needs a wider window; another program on the account needs a lower rate). The
cut is ``decrease`` when the limit is unknown (at the ceiling, or after a fast climb),
but only ``settle`` when the throttle came while probing: the limit is then known to be
right there, and a deep cut would waste it. After ``hold`` clean seconds (a rate just
over the limit is not throttled every second), each clean ``cooldown`` raises the rate
fast, by ``increase``, up to ``settle`` x the rate last throttled, then probes by
``probe``: slowly below that rate, because each probe that reaches it costs a throttled
call or two (beside another program taking a fifth of the quota, one throttle per 20 s
keeps throttling near 1% and the rate within 1.5% of what is left), and doubling each
clean cooldown above it (the other program may have stopped), up to the ceiling. The
margin shrinks back by ``margin_decay``. ``x-acs-retry-after`` pauses every sender until
it has passed.

The control state is a small value (``RateControl``) so that the host-wide account
registry (``qrbatch.engine.registry``) can keep one per account, shared by every run.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

import anyio
from aiolimiter import AsyncLimiter

from qrbatch.engine.events import Event, Throttled, no_events
from qrbatch.errors import QrbatchError

DEFAULT_QPS = 5.0
DEFAULT_MARGIN = 0.01
MIN_RATE = 0.5


def window_limit(ceiling: float, window: float) -> int:
    """How many sends the window guard lets into one ``window`` at ``ceiling`` calls/s."""
    return max(1, math.floor(ceiling * window + 1e-9))


def slot_due(
    *,
    last_send: float,
    rate: float,
    paused_until: float,
    window_start: float | None,
    window: float,
    margin: float,
) -> float:
    """The scheduling rule: when the next send may go. Written once, for one process
    (``AdaptivePacer``) and for every run of the account on the host (the registry).

    ``1/rate`` after the last send (even spacing), not before a retry-after pause ends,
    and, once the window holds ``window_limit`` sends, not before ``window + margin``
    after the oldest of them (``window_start``): the window guard.
    """
    due = max(paused_until, last_send + 1.0 / rate)
    if window_start is not None:
        due = max(due, window_start + window + margin)
    return due


# What must hold just before this task's send, once its slot is taken: the executor takes
# (or, on Redis, checks again) the claim of a Create or Update here, awaited, so the local
# registry's claims are held only by requests about to go. It may raise: nothing is sent.
before_send: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "before_send", default=None
)


class PacerClosedError(QrbatchError):
    """The run is stopping: no further call may be sent."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Tuning:
    """How fast the rate and margin react; see the module docstring."""

    decrease: float = 0.9
    settle: float = 0.985
    increase: float = 0.25
    probe: float = 0.0025
    cooldown: float = 1.0
    hold: float = 2.0
    min_rate: float = MIN_RATE
    margin_step: float = 0.02
    margin_decay: float = 0.004
    max_margin: float = 0.12


@dataclass(slots=True, kw_only=True)
class RateControl:
    """The adaptive part of a pacer: rate and window margin, and when they last moved.

    A plain value with no clock of its own: ``throttled`` and ``succeeded`` take ``now``,
    so one process keeps it in memory and the account registry keeps it in SQLite.
    """

    ceiling: float
    rate: float
    margin: float
    base_margin: float
    last_change: float = -math.inf
    last_throttle: float = -math.inf
    throttled_rate: float = math.inf
    probing: bool = False
    probes_above: int = 0

    @classmethod
    def fresh(cls, ceiling: float, margin: float = DEFAULT_MARGIN) -> RateControl:
        return cls(ceiling=ceiling, rate=ceiling, margin=margin, base_margin=margin)

    def throttled(self, tuning: Tuning, now: float, sent_at: float | None = None) -> bool:
        """A throttle answer at ``now``: cut (True) unless within the cooldown of the last
        cut or sent before it (such a call says nothing about the new rate)."""
        stale = sent_at is not None and sent_at < self.last_throttle
        if stale or now - self.last_throttle < tuning.cooldown:
            return False
        factor = tuning.settle if self.probing else tuning.decrease
        self.last_throttle = now
        self.throttled_rate = self.rate
        self.probing = False
        self.probes_above = 0
        self.margin = min(tuning.max_margin, self.margin + tuning.margin_step)
        self._set(max(min(tuning.min_rate, self.ceiling), self.rate * factor), now)
        return True

    def succeeded(self, tuning: Tuning, now: float) -> bool:
        """A clean answer at ``now``: after a clean cooldown, one step back up (True)."""
        if not self.wants_step(tuning, now):
            return False
        self.margin = max(self.base_margin, self.margin - tuning.margin_decay)
        target = tuning.settle * self.throttled_rate
        if self.rate < target:
            step = min(tuning.increase, target - self.rate)
            self.probing = False
        elif self.rate < self.throttled_rate:
            step = tuning.probe
            self.probing = True
        else:
            step = tuning.probe * 2**self.probes_above
            self.probes_above += 1
            self.probing = True
        self._set(min(self.ceiling, self.rate + step), now)
        return True

    def wants_step(self, tuning: Tuning, now: float) -> bool:
        """Whether ``succeeded`` would change anything now (cheap: no side effect)."""
        if self.rate >= self.ceiling and self.margin <= self.base_margin:
            return False
        return now - self.last_change >= tuning.cooldown and now - self.last_throttle >= tuning.hold

    def _set(self, rate: float, now: float) -> None:
        self.last_change = now
        self.rate = rate


class AdaptivePacer:
    """Even, window-guarded, adaptive pacing of one account's calls."""

    def __init__(
        self,
        ceiling: float = DEFAULT_QPS,
        *,
        window: float = 1.0,
        margin: float = DEFAULT_MARGIN,
        max_in_flight: int = 64,
        **tuning: float,
    ) -> None:
        """``tuning``: any field of ``Tuning`` (its defaults are the pacer's)."""
        if ceiling <= 0:
            raise ValueError("the rate ceiling must be positive")
        self.ceiling = ceiling
        self.window = window
        self.tuning = Tuning(**tuning)
        self.control = RateControl.fresh(ceiling, margin)
        self.limit = window_limit(ceiling, window)
        self._limiter = AsyncLimiter(1, 1.0 / ceiling)
        self._sends: deque[float] = deque(maxlen=self.limit)
        self._paused_until = 0.0
        self._last_send = -math.inf
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
    def rate(self) -> float:
        """The adaptive rate now (calls/s), at most the ceiling."""
        return self.control.rate

    @property
    def margin(self) -> float:
        """Seconds added to the guarded window now."""
        return self.control.margin

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
                    await self.next_slot()
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
        check = before_send.get()
        if check is not None:
            try:
                await check()
            except BaseException:
                self.release(None)
                raise

    def release(self, latency: float | None) -> None:
        """The call's answer came (or not): free its token, learn from its latency."""
        self._outstanding -= 1
        if latency is not None:
            self.latency = 0.8 * self.latency + 0.2 * latency
        if self._token_freed is not None:
            self._token_freed.set()
            self._token_freed = None

    async def next_slot(self) -> None:
        """Wait for this call's send slot: the extension point of the schedule. Here it
        is this process's own (``own_slot``); ``SharedPacer`` takes it from the account
        registry, shared by every run on the host, and falls back to ``own_slot``."""
        await self.own_slot()

    async def own_slot(self) -> None:
        """The slot by this process's own schedule (``slot_due`` on its own sends)."""
        await self._limiter.acquire()
        while True:
            # Checked and recorded with no await in between: concurrent callers that
            # wake together cannot both take the same slot.
            now = anyio.current_time()
            due = slot_due(
                last_send=self._last_send,
                rate=self.rate,
                paused_until=self._paused_until,
                window_start=self._sends[0] if len(self._sends) == self.limit else None,
                window=self.window,
                margin=self.margin,
            )
            wait = due - now
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
        before = self.rate
        if self.control.throttled(self.tuning, now, sent_at):
            self.on_event(cut_event(before, self.control, retry_after, self.throttled))

    def on_success(self) -> None:
        """A clean answer: after a clean cooldown, win back rate and margin step by step."""
        self.control.succeeded(self.tuning, anyio.current_time())


def cut_event(
    before: float, control: RateControl, retry_after: float | None, total: int
) -> Throttled:
    """The ``Throttled`` event of a rate cut, for the run's event stream."""
    return Throttled(
        rate=round(before, 3),
        new_rate=round(control.rate, 3),
        margin=round(control.margin, 3),
        retry_after=retry_after,
        throttled_total=total,
    )
