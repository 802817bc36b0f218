"""The terminal progress bar: a subscriber to the engine's events (rich).

From the first second it says what the run is doing ("checking the live codes of 12
numbers", then "creating"), then rows done of total, calls per second, elapsed and ETA.
"""

from __future__ import annotations

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

from qrbatch.events import Event, PhaseChanged, RowFinished, RunEnded, RunStarted

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
