"""Progress for people: subscribers to the engine's events (a rich bar, or plain lines).

From the first second it says what the run is doing ("checking the live codes of 12
numbers", then "creating"), then rows done of total, calls per second, elapsed and ETA.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from qrbatch.engine.events import Event, PhaseChanged, RowFinished, RunEnded, RunStarted, Subscriber

VERBS = {"create": "Creating QR codes", "update": "Updating codes", "delete": "Deleting codes"}


class RateColumn(ProgressColumn):
    """Rows per second, once rich has measured a speed."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.2f} rows/s", style="progress.data.speed")


class ProgressBar:
    """Draws the run on stderr; the CLI subscribes it on a terminal only."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._task: TaskID | None = None
        self._verb = "Working"

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._verb = VERBS.get(event.action, "Working")
            self._progress.start()
            self._task = self._progress.add_task("Starting", total=event.valid_rows or event.rows)
        elif self._task is None:
            return
        elif isinstance(event, PhaseChanged):
            text = event.description if event.phase == "listing" else self._verb
            self._progress.update(self._task, description=text)
        elif isinstance(event, RowFinished):
            self._progress.advance(self._task, event.rows)
        elif isinstance(event, RunEnded):
            self.stop()

    def stop(self) -> None:
        if self._task is not None:
            self._progress.stop()
            self._task = None


class LineProgress:
    """Progress as plain lines on stderr (a log, a terminal without a bar): at most one
    line every few seconds, and the end."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.total = 0
        self.done = 0
        self._last = 0.0

    def __call__(self, event: Event) -> None:
        now = time.monotonic()
        if isinstance(event, RunStarted):
            self.total, self.done, self._last = event.valid_rows, 0, now
            print(f"qrbatch: {event.action}: {event.valid_rows} rows", file=sys.stderr)
        elif isinstance(event, PhaseChanged):
            print(f"qrbatch: {event.description}", file=sys.stderr)
        elif isinstance(event, RowFinished):
            self.done += event.rows
            if now - self._last >= self.every:
                self._last = now
                print(f"qrbatch: {self.done}/{self.total} rows", file=sys.stderr)
        elif isinstance(event, RunEnded):
            print(f"qrbatch: {event.summary.line()}", file=sys.stderr)


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None) if shell else None
    return bool(get and get() is not None and "IPKernelApp" in get().config)


def progress_for(progress: bool | Subscriber) -> Subscriber | None:
    """A bar in Jupyter or on a terminal, plain lines elsewhere, nothing when False."""
    if isinstance(progress, bool):
        if not progress:
            return None
    else:
        return progress
    if _in_notebook() or sys.stderr.isatty():
        return ProgressBar()
    return LineProgress()
