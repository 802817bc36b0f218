"""Server-side rate limiters the sandbox can enforce per account.

The real gateway's algorithm is undocumented, so the sandbox offers the three usual
ones. Only accepted calls count against the quota.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Literal, Protocol

LimiterKind = Literal["sliding", "fixed", "bucket"]
LIMITER_KINDS: tuple[LimiterKind, ...] = ("sliding", "fixed", "bucket")


class Limiter(Protocol):
    def try_acquire(self, now: float) -> bool:
        """Accept (and count) one call at ``now``, or refuse it."""
        ...


class SlidingWindow:
    """At most ``limit`` accepted calls in any window of ``window`` seconds."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._accepted: deque[float] = deque()

    def try_acquire(self, now: float) -> bool:
        while self._accepted and self._accepted[0] <= now - self.window:
            self._accepted.popleft()
        if len(self._accepted) >= self.limit:
            return False
        self._accepted.append(now)
        return True


class FixedWindow:
    """At most ``limit`` accepted calls in each whole second of the server's clock."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._slot = -1
        self._count = 0

    def try_acquire(self, now: float) -> bool:
        slot = math.floor(now / self.window)
        if slot != self._slot:
            self._slot, self._count = slot, 0
        if self._count >= self.limit:
            return False
        self._count += 1
        return True


class TokenBucket:
    """Tokens refill at ``rate`` per second up to ``burst``; a call takes one."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._last: float | None = None

    def try_acquire(self, now: float) -> bool:
        if self._last is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


def make_limiter(kind: LimiterKind, qps: float) -> Limiter:
    """A fresh limiter of ``kind`` allowing ``qps`` calls per second."""
    limit = max(1, math.floor(qps))
    if kind == "sliding":
        return SlidingWindow(limit)
    if kind == "fixed":
        return FixedWindow(limit)
    return TokenBucket(qps, float(limit))
