"""Progress for people: subscribers to the engine's events (a rich bar on a terminal, a
bar in a notebook, or plain lines).

From the first second it says what the run is doing ("checking the live codes of 12
numbers", then "creating"), then rows done of total, rows per second, elapsed and ETA.
A resumed run starts at the rows already done (the engine reports them first), and every
bar ends at what the run's summary counts as settled: the total, unless it was stopped.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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

from qrbatch.engine.events import (
    Event,
    NumbersListed,
    PhaseChanged,
    RowFinished,
    RunEnded,
    RunStarted,
    Subscriber,
)

if TYPE_CHECKING:
    from qrbatch.outputs.results import Summary

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
        elif isinstance(event, NumbersListed):
            self._progress.update(self._task, description=listed_text(event))
        elif isinstance(event, RowFinished):
            self._progress.advance(self._task, event.rows)
        elif isinstance(event, RunEnded):
            task = self._progress.tasks[0]
            self._progress.update(self._task, completed=settled(event.summary, task.completed))
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
        elif isinstance(event, NumbersListed):
            if now - self._last >= self.every or event.done == event.total:
                self._last = now
                print(f"qrbatch: {listed_text(event)}", file=sys.stderr)
        elif isinstance(event, RowFinished):
            self.done += event.rows
            if now - self._last >= self.every:
                self._last = now
                print(f"qrbatch: {self.done}/{self.total} rows", file=sys.stderr)
        elif isinstance(event, RunEnded):
            print(f"qrbatch: {event.summary.line()}", file=sys.stderr)


def listed_text(event: NumbersListed) -> str:
    """The listing phase as it goes: one List call per number, at the account's pace."""
    return f"checking existing codes: {event.done} of {event.total} numbers"


def settled(summary: Summary, counted: float) -> int:
    """The rows a finished run settled (created, reused or failed): where a bar ends,
    whatever events it missed (outputs an earlier run could not write, written now)."""
    statuses = summary.statuses
    return max(int(counted), statuses["created"] + statuses["reused"] + statuses["failed"])


class NotebookBar:
    """Progress in a notebook cell, redrawn in place: an ipywidgets bar when ipywidgets is
    there, else one line of text in a display that is updated (the kernel's own display
    protocol, nothing to install). It may be fed from another thread (``create_codes``
    runs the engine in one): both forms only send messages to the kernel's output.

    Drawn at most every ``every`` seconds, and always at the end; ``clock`` is injected so
    tests need not wait.
    """

    def __init__(
        self,
        view: Callable[[], BarView] | None = None,
        *,
        every: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make_view = view or notebook_view
        self._view: BarView | None = None
        self.every = every
        self.clock = clock
        self.total = 0
        self.done = 0
        self.verb = "Working"
        self.description = "Starting"
        self._started = 0.0
        self._sending_from: tuple[float, int] | None = None  # (time, rows done) when sending began
        self._drawn = float("-inf")

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.verb = VERBS.get(event.action, "Working")
            self.total = event.valid_rows or event.rows
            self._started = self.clock()
            self._view = self._make_view()
        elif self._view is None:
            return
        elif isinstance(event, PhaseChanged):
            self.description = event.description if event.phase == "listing" else self.verb
            if event.phase == "sending":
                self._sending_from = (self.clock(), self.done)
            self._draw(final=True)  # a new phase is drawn at once (with the rows done so far)
            return
        elif isinstance(event, RowFinished):
            self.done += event.rows
        elif isinstance(event, RunEnded):
            self.done = min(self.total, settled(event.summary, self.done)) or self.done
            self.description = self.verb
            self._draw(final=True)
            self._view = None
            return
        self._draw()

    def rate(self, now: float) -> float | None:
        """Rows per second since sending began (rows done before it, a resumed run's, are
        not counted), once there is a second of it."""
        if self._sending_from is None:
            return None
        since, before = self._sending_from
        if now - since < 1.0:
            return None
        return (self.done - before) / (now - since)

    def detail(self, now: float) -> str:
        """Beside the bar: "120/200  23.1 rows/s  0:05  ETA 0:03"."""
        rate = self.rate(now)
        parts = [f"{self.done}/{self.total}"]
        if rate is not None:
            parts.append(f"{rate:.1f} rows/s")
        parts.append(_clock(now - self._started))
        if rate and self.done < self.total:
            parts.append(f"ETA {_clock((self.total - self.done) / rate)}")
        return "  ".join(parts)

    def _draw(self, *, final: bool = False) -> None:
        now = self.clock()
        if not final and now - self._drawn < self.every:
            return
        self._drawn = now
        assert self._view is not None
        self._view.show(self.description, self.done, self.total, self.detail(now))


BAR_WIDTH = 30


def _clock(seconds: float) -> str:
    """0:05, 12:30, 1:02:03."""
    whole = int(max(0.0, seconds))
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


def text_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """██████░░░░: ``done`` of ``total`` in ``width`` characters."""
    filled = round(width * min(done, total) / total) if total > 0 else 0
    return "█" * filled + "░" * (width - filled)


class BarView:
    """Where a NotebookBar draws."""

    def show(self, description: str, done: int, total: int, detail: str) -> None:
        raise NotImplementedError


class TextView(BarView):
    """One line of text in a display of the cell, updated in place (no ipywidgets):
    "Creating QR codes  ██████░░░░  120/200  23.1 rows/s  0:05  ETA 0:03"."""

    def __init__(self) -> None:
        self._handle: Any = None

    def show(self, description: str, done: int, total: int, detail: str) -> None:
        from IPython.display import display

        data = {"text/plain": f"{description}  {text_bar(done, total)}  {detail}"}
        if self._handle is None:
            self._handle = display(data, raw=True, display_id=True)  # type: ignore[no-untyped-call]
        else:
            self._handle.update(data, raw=True)


class WidgetView(BarView):
    """An ipywidgets progress bar, what it is doing before it and the counts after it."""

    def __init__(self) -> None:
        import ipywidgets
        from IPython.display import display

        self.what = ipywidgets.Label("")
        self.bar = ipywidgets.IntProgress(value=0, min=0, max=1)
        self.detail = ipywidgets.Label("")
        display(ipywidgets.HBox([self.what, self.bar, self.detail]))  # type: ignore[no-untyped-call]

    def show(self, description: str, done: int, total: int, detail: str) -> None:
        self.what.value = description
        self.bar.max = max(total, 1)
        self.bar.value = min(done, self.bar.max)
        self.detail.value = detail


def notebook_view() -> BarView:
    """A widget bar when ipywidgets can be imported, else the text bar."""
    try:
        return WidgetView()
    except ImportError:
        return TextView()


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
    if _in_notebook():
        return NotebookBar()
    if sys.stderr.isatty():
        return ProgressBar()
    return LineProgress()
