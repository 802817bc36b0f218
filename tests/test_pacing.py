"""The pacer, on virtual time: even spacing, the window guard, AIMD, retry-after, close."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import pytest

from qrbatch.engine.pacing import AdaptivePacer, PacerClosedError
from qrbatch.sandbox.limiters import SlidingWindow
from tests.support.pacing import max_in_window
from tests.support.virtual_time import VirtualTimeLoop, _JumpingSelector, run_virtual


async def _send_times(pacer: AdaptivePacer, calls: int, *, workers: int = 8) -> list[float]:
    times: list[float] = []

    async def worker(n: int) -> None:
        for _ in range(n):
            await pacer.acquire()
            times.append(anyio.current_time())
            pacer.release(None)

    async with anyio.create_task_group() as tg:
        per = calls // workers
        for _ in range(workers):
            tg.start_soon(worker, per)
    return sorted(times)


def test_calls_are_spaced_evenly_without_a_first_second_burst() -> None:
    times = run_virtual(lambda: _send_times(AdaptivePacer(5.0), 40))
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.2 - 1e-6
    assert sum(t < times[0] + 1.0 for t in times) == 5  # AsyncLimiter(5, 1) would allow 9
    assert times[-1] - times[0] == pytest.approx(39 / 5, rel=0.03)


def test_at_most_limit_sends_in_any_window_plus_margin() -> None:
    pacer = AdaptivePacer(5.0, margin=0.02)
    times = run_virtual(lambda: _send_times(pacer, 80))
    assert max_in_window(times, 1.0 + 0.02 - 1e-9) <= 5


def test_window_guard_holds_when_the_loop_ran_late() -> None:
    async def scenario() -> list[float]:
        pacer = AdaptivePacer(5.0, margin=0.05)
        times = []
        for i in range(30):
            await pacer.acquire()
            times.append(anyio.current_time())
            pacer.release(None)
            if i % 7 == 3:
                await anyio.sleep(0.9)  # a stalled loop, then a catch-up
        return times

    times = run_virtual(scenario)
    assert max_in_window(times, 1.05 - 1e-9) <= 5


def test_throttling_cuts_the_rate_once_per_cooldown_then_it_recovers() -> None:
    async def scenario() -> tuple[float, float, float]:
        pacer = AdaptivePacer(
            5.0, decrease=0.5, settle=0.97, increase=0.5, probe=0.1, cooldown=1.0, hold=2.0
        )
        pacer.on_throttled(None)
        pacer.on_throttled(None)  # same second: no second cut
        after_cut = pacer.rate
        await anyio.sleep(1.5)
        pacer.on_success()  # not yet clean for ``hold`` seconds
        early = pacer.rate
        climb = []
        for _ in range(20):
            await anyio.sleep(1.0)
            pacer.on_success()
            climb.append(pacer.rate)
        return after_cut, early, climb

    after_cut, early, climb = run_virtual(scenario)
    assert after_cut == 2.5
    assert early == 2.5
    # fast back to just below the throttled rate, then slow probing up to the ceiling
    assert climb[:4] == [3.0, 3.5, 4.0, 4.5]
    assert climb[4] == pytest.approx(4.85)  # 0.97 x the throttled 5.0
    assert climb[5] == pytest.approx(4.95)
    assert climb[-1] == 5.0


def test_a_throttle_while_probing_only_settles_just_below_the_known_limit() -> None:
    async def scenario() -> list[float]:
        pacer = AdaptivePacer(5.0, decrease=0.8, settle=0.98, increase=0.5, probe=0.01, hold=1.0)
        pacer.on_throttled(None)  # at the ceiling: the limit is unknown, a deep cut
        rates = [pacer.rate]
        for _ in range(3):
            await anyio.sleep(1.0)
            pacer.on_success()  # fast back to 0.98 x 5.0, then a probe
        rates.append(pacer.rate)
        pacer.on_throttled(None)  # while probing: the limit is right here
        rates.append(pacer.rate)
        return rates

    deep, probing, settled = run_virtual(scenario)
    assert deep == pytest.approx(4.0)
    assert probing == pytest.approx(4.91)
    assert settled == pytest.approx(4.91 * 0.98)


def test_throttling_widens_the_window_margin_and_clean_time_narrows_it() -> None:
    async def scenario() -> tuple[float, float]:
        pacer = AdaptivePacer(5.0, margin=0.01, margin_step=0.05, margin_decay=0.01, max_margin=0.5)
        for _ in range(3):
            pacer.on_throttled(None)
            await anyio.sleep(1.0)
        widened = pacer.margin
        for _ in range(30):
            await anyio.sleep(1.0)
            pacer.on_success()
        return widened, pacer.margin

    widened, narrowed = run_virtual(scenario)
    assert widened == pytest.approx(0.16)
    assert narrowed == pytest.approx(0.01)


def test_retry_after_pauses_every_sender() -> None:
    async def scenario() -> float:
        pacer = AdaptivePacer(5.0)
        await pacer.acquire()
        pacer.release(None)
        start = anyio.current_time()
        pacer.on_throttled(3.0)
        await pacer.acquire()
        return anyio.current_time() - start

    assert run_virtual(scenario) >= 3.0


def test_close_releases_waiters_and_refuses_new_slots() -> None:
    async def scenario() -> int:
        pacer = AdaptivePacer(1.0)
        refused = 0

        async def caller() -> None:
            nonlocal refused
            try:
                await pacer.acquire()
            except PacerClosedError:
                refused += 1

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(caller)
            await anyio.sleep(2.5)
            pacer.close()
        with pytest.raises(PacerClosedError):
            await pacer.acquire()
        return refused

    assert run_virtual(scenario) >= 6


@pytest.mark.parametrize(("latency", "limit"), [(0.05, 4), (1.0, 10), (2.0, 17), (30.0, 64)])
def test_the_in_flight_cap_follows_rate_times_latency_within_bounds(
    latency: float, limit: int
) -> None:
    async def scenario() -> tuple[int, int]:
        pacer = AdaptivePacer(5.0, margin=0.0)
        most = 0

        async def call() -> None:
            nonlocal most
            await pacer.acquire()
            most = max(most, pacer.in_flight)
            await anyio.sleep(latency)
            pacer.release(latency)

        async with anyio.create_task_group() as tg:
            for _ in range(120):
                tg.start_soon(call)
        return pacer.in_flight_limit, most

    learned, most = run_virtual(scenario)
    assert learned == limit
    assert most <= max(limit, 10)  # never more outstanding than the cap allowed


def test_a_throttle_of_a_call_sent_before_the_last_cut_is_not_cut_again() -> None:
    async def scenario() -> tuple[float, float]:
        pacer = AdaptivePacer(5.0, decrease=0.5, cooldown=1.0)
        sent_early = anyio.current_time()
        await anyio.sleep(0.5)
        pacer.on_throttled(None, sent_at=sent_early)
        await anyio.sleep(1.5)
        pacer.on_throttled(None, sent_at=sent_early)  # answered late, sent before the cut
        stale = pacer.rate
        pacer.on_throttled(None, sent_at=anyio.current_time())
        return stale, pacer.rate

    stale, fresh = run_virtual(scenario)
    assert stale == 2.5
    assert fresh == 1.25


T = TypeVar("T")


class _NudgingSelector(_JumpingSelector):
    """Moves virtual time a nanosecond when the loop polls with nothing ready: a leaky
    bucket can ask to be woken at a time that float rounding makes "now" forever, which
    real time gets past by itself."""

    def select(self, timeout: float | None = None) -> list[Any]:
        events = super().select(timeout)
        if not events and timeout is not None and timeout <= 0:
            self._clock.now += 1e-9
        return events


class _NudgingLoop(VirtualTimeLoop):
    def __init__(self) -> None:
        super().__init__()
        self._selector = _NudgingSelector(self._virtual)


def run_long_virtual(func: Callable[[], Awaitable[T]]) -> T:
    return anyio.run(func, backend="asyncio", backend_options={"loop_factory": _NudgingLoop})


async def _against_a_sliding_window(
    pacer: AdaptivePacer, rows: int, *, foreign_qps: float, seed: int
) -> tuple[float, float]:
    """``rows`` creates through ``pacer`` against a 5/s sliding window shared with another
    program taking ``foreign_qps``; answers after 50-800 ms; throttled calls retried after
    a jittered backoff, as the runner does. Returns (accepted/s, throttled share)."""
    rnd = random.Random(seed)
    server = SlidingWindow(5)
    accepted: list[float] = []
    throttled = 0
    left = rows

    async def foreign() -> None:
        await anyio.sleep(rnd.uniform(0, 1))
        while True:
            server.try_acquire(anyio.current_time())
            await anyio.sleep(1.0 / foreign_qps)

    async def worker() -> None:
        nonlocal left, throttled
        while left:
            left -= 1
            failures = 0
            while True:
                await pacer.acquire()
                sent = anyio.current_time()
                if server.try_acquire(sent + 0.001):
                    await anyio.sleep(rnd.uniform(0.05, 0.8))
                    pacer.release(anyio.current_time() - sent)
                    pacer.on_success()
                    accepted.append(sent)
                    break
                await anyio.sleep(0.002)
                pacer.release(0.002)
                throttled += 1
                pacer.on_throttled(None, sent)
                failures += 1
                await anyio.sleep(rnd.uniform(0, 0.5 * 2 ** min(failures - 1, 4)))

    async with anyio.create_task_group() as tg:
        if foreign_qps:
            tg.start_soon(foreign)
        async with anyio.create_task_group() as workers:
            for _ in range(15):
                workers.start_soon(worker)
        tg.cancel_scope.cancel()
    rate = (len(accepted) - 1) / (max(accepted) - min(accepted))
    return rate, throttled / (throttled + len(accepted))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beside_another_program_taking_1_call_per_second_it_holds_3_9_per_second(
    seed: int,
) -> None:
    rate, throttled = run_long_virtual(
        lambda: _against_a_sliding_window(AdaptivePacer(5.0), 300, foreign_qps=1.0, seed=seed)
    )
    assert rate >= 3.88  # the limit left is 4.0; the first seconds learn it
    assert throttled <= 0.025


def test_alone_it_holds_the_full_rate_without_a_throttle() -> None:
    rate, throttled = run_long_virtual(
        lambda: _against_a_sliding_window(AdaptivePacer(5.0), 150, foreign_qps=0.0, seed=0)
    )
    assert rate >= 4.9
    assert throttled == 0
