"""Checks on the send times a pacer let through."""

from __future__ import annotations


def max_in_window(times: list[float], window: float) -> int:
    """The most calls any sliding window of ``window`` seconds holds."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
