"""Retries: only what a predicate calls transient, bounded in attempts and in time.

Throttling is the account's pace, not the request's fault: it is bounded by the time
budget only. Every other retryable failure also counts against ``max_attempts``. The
wait is jittered exponential backoff, never shorter than the server's retry-after.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import anyio
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_random_exponential,
)

from qrbatch.engine.events import Event, Retrying, no_events
from qrbatch.errors import RetryableError, ThrottledError

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Bounded, jittered exponential backoff for retryable errors."""

    max_attempts: int = 8
    max_seconds: float = 300.0
    initial: float = 0.5
    maximum: float = 30.0


OnRetry = Callable[[Event], None]


def _retrying_event(error: BaseException | None, attempt: int, wait: float) -> Retrying:
    return Retrying(
        code=getattr(error, "code", type(error).__name__),
        action=getattr(error, "action", ""),
        attempt=attempt,
        wait_seconds=round(wait, 3),
        error=str(error),
    )


def retrying(
    policy: RetryPolicy, sleep: Sleep = anyio.sleep, on_retry: OnRetry = no_events
) -> AsyncRetrying:
    """A tenacity loop: retry RetryableError with jittered backoff, within the policy."""
    backoff = wait_random_exponential(multiplier=policy.initial, max=policy.maximum)

    def wait(state: RetryCallState) -> float:
        delay = float(backoff(state))
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableError) and error.retry_after:
            delay = max(delay, error.retry_after)
        return delay

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        on_retry(_retrying_event(error, state.attempt_number, wait))

    failures = 0

    def stop(state: RetryCallState) -> bool:
        # Throttling is the account's pace, not the row's fault: only the time budget
        # bounds it. Other failures also count against max_attempts.
        nonlocal failures
        error = state.outcome.exception() if state.outcome else None
        if not isinstance(error, ThrottledError):
            failures += 1
        spent = state.seconds_since_start or 0.0
        return failures >= policy.max_attempts or spent >= policy.max_seconds

    return AsyncRetrying(
        stop=stop,
        wait=wait,
        retry=retry_if_exception_type(RetryableError),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )


T = TypeVar("T")


async def call_with_retries(
    policy: RetryPolicy,
    attempt: Callable[[], Awaitable[T]],
    sleep: Sleep = anyio.sleep,
    *,
    on_retry: OnRetry = no_events,
) -> T:
    """``attempt()`` under ``policy``. The first try runs outside tenacity, so the common
    case (it works) costs one await; only a retryable failure builds the retry loop."""
    try:
        return await attempt()
    except RetryableError as error:
        first = error
    counted = 0 if isinstance(first, ThrottledError) else 1
    if policy.max_attempts - counted < 1:
        raise first
    wait = max(random.uniform(0, policy.initial), first.retry_after or 0.0)
    on_retry(_retrying_event(first, 1, wait))
    await sleep(wait)
    rest = replace(policy, max_attempts=policy.max_attempts - counted)
    async for retry in retrying(rest, sleep, on_retry):
        with retry:
            return await attempt()
    raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover
