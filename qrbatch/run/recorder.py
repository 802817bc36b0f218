"""The run's Summary, made from its events: a subscriber gathers the facts as the stages
emit them (``RunStarted``, ``SendingEnded``, ``ImagesPlaced``, ``OutputsPrinted``), and
``summary`` makes the Summary once, at the end, with the client's call counts and the
rows' results. No stage patches a Summary, and the workbook writer only reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qrbatch.engine.events import (
    Event,
    ImagesPlaced,
    NumbersQueried,
    OutputsPrinted,
    RunStarted,
    SendingEnded,
)
from qrbatch.outputs.results import RowResult, Summary
from qrbatch.version import VERSION
from qrbatch.words import Words, said

if TYPE_CHECKING:
    from qrbatch.cams.client import CallStats
    from qrbatch.errors import AccountError
    from qrbatch.outputs.images import ImageCounts


@dataclass(slots=True, kw_only=True)
class SummaryRecorder:
    """What one run's events said; the header facts are the run's own (``open_run``)."""

    action: str
    input_file: str
    output_file: str
    sheet: str | None
    endpoint: str  # as people read it ("sandbox (http://127.0.0.1:...)" for the sandbox)
    sandbox: bool
    language: str = "en"
    input_name: str = ""
    output_name: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    notes: list[str] = field(default_factory=list)
    send_seconds: float = 0.0
    images: ImageCounts | None = None
    images_folder: str = ""
    printed: list[str] = field(default_factory=list)
    print_module_mm: float | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.notes = [*event.notes, *self.notes]
        elif isinstance(event, NumbersQueried):
            statuses = ", ".join(f"{n} {status}" for status, n in event.by_status.items())
            self.notes.append(
                said(
                    "workbook.note.numbers_space" if event.space else "workbook.note.numbers",
                    space=event.space,
                    statuses=statuses or Words("workbook.note.none"),
                )
            )
        elif isinstance(event, SendingEnded):
            self.send_seconds += event.seconds
        elif isinstance(event, ImagesPlaced):
            self.images, self.images_folder = event.counts, event.folder
        elif isinstance(event, OutputsPrinted):
            self.printed.extend(event.paths)
            if event.module_mm is not None:
                self.print_module_mm = event.module_mm

    def summary(
        self,
        results: Sequence[RowResult],
        *,
        unique_requests: int,
        stats: CallStats,
        stopped: AccountError | None,
    ) -> Summary:
        """The Summary of what was recorded so far, with the rows' results counted."""
        summary = Summary(
            input_file=self.input_file,
            sheet=self.sheet,
            output_file=self.output_file,
            endpoint=self.endpoint,
            sandbox=self.sandbox,
            version=VERSION,
            started=self.started,
            finished=datetime.now(UTC),
            unique_requests=unique_requests,
            calls=stats.total_calls,
            throttled=stats.throttled,
            calls_timeline=stats.timeline(),
            send_seconds=self.send_seconds,
            stopped_by=str(stopped) if stopped is not None else "",
            stop_fix=stopped.fix if stopped is not None else "",
            images=self.images,
            images_folder=self.images_folder,
            action=self.action,
            notes=list(self.notes),
            printed=list(self.printed),
            print_module_mm=self.print_module_mm,
            language=self.language,
            input_name=self.input_name,
            output_name=self.output_name,
        )
        summary.count(results)
        return summary
