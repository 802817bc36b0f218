"""An outage ends a run early: when the service keeps failing for a passing cause, the
run stops sending instead of retrying every row for hours, keeps every unsent row
pending in the journal, writes its results and exits 69; the next run resumes.

Watched from the run's events against the client's own counts: a failure is an answer
the service gave for a passing cause (unavailable, internal error, timeout, no
connection; throttling is the service answering, and is paced, not an outage), of any
call, List included. Tripped by ``max_failures`` such failures in a row (no call
accepted in between), or by ``quiet_seconds`` with failures and no call accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from qrbatch.cams.client import CallStats
from qrbatch.cams.errors import advice_for
from qrbatch.engine.events import Event, Retrying, RowFinished
from qrbatch.run.logs import event
from qrbatch.run.settings import DEFAULT_OUTAGE_FAILURES, DEFAULT_OUTAGE_SECONDS

PASSING = ("transient", "unknown")


def _passing(code: str) -> bool:
    """A failure whose cause passes: the service down, not the row or the account."""
    advice = advice_for(code) if code else None
    return advice is not None and advice.kind in PASSING


class OutageWatch:
    """A subscriber of the run's events that calls ``stop`` once, at an outage."""

    def __init__(
        self,
        stats: CallStats,
        *,
        clock: Callable[[], float],
        stop: Callable[[], None],
        max_failures: int = DEFAULT_OUTAGE_FAILURES,
        quiet_seconds: float = DEFAULT_OUTAGE_SECONDS,
    ) -> None:
        self._stats = stats
        self._clock = clock
        self._stop = stop
        self.max_failures = max_failures
        self.quiet_seconds = quiet_seconds
        self._started = clock()
        self._accepted = 0
        self._failures_before = 0
        self._rows_failed = 0
        self.tripped = False

    def _failures(self) -> int:
        return sum(count for code, count in self._stats.errors.items() if _passing(code))

    def __call__(self, item: Event) -> None:
        if self.tripped or not isinstance(item, (Retrying, RowFinished)):
            return
        accepted = len(self._stats.accepted_at)
        if accepted != self._accepted:  # a call went through: the failures start again
            self._accepted, self._failures_before = accepted, self._failures()
            if isinstance(item, Retrying) and _passing(item.code):
                self._failures_before -= 1  # this event's own failure came after it
            self._rows_failed = 0
        if isinstance(item, RowFinished) and _passing(item.entry.error_code):
            # rows given up for a passing cause without a call of their own (the List
            # that decides whether to create failed): the service is down for them too
            self._rows_failed += item.rows
        in_a_row = self._failures() - self._failures_before + self._rows_failed
        if not in_a_row:
            return
        last = self._stats.accepted_at[-1] if self._stats.accepted_at else self._started
        quiet = self._clock() - last
        if in_a_row >= self.max_failures or quiet >= self.quiet_seconds:
            self.tripped = True
            event(
                logging.ERROR,
                "outage",
                f"the service keeps failing ({in_a_row} failures in a row, no call accepted "
                f"for {quiet:.0f} s): stopping; every row not sent stays pending and the "
                "next run resumes",
                failures=in_a_row,
                quiet_seconds=round(quiet, 1),
            )
            self._stop()
