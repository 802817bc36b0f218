"""What a person at a terminal sees while a run goes: from the first second, in words."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from qrbatch.engine.events import NumbersListed, PhaseChanged, RowFinished, RunEnded, RunStarted
from qrbatch.outputs.outcomes import Entry
from qrbatch.outputs.results import Summary
from qrbatch.run.progress import NotebookBar, ProgressBar, TextView, notebook_view, text_bar
from qrbatch.sandbox import SandboxThread
from tests.support.cli import qrbatch
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import write_csv


def screen() -> tuple[ProgressBar, io.StringIO]:
    out = io.StringIO()
    return ProgressBar(Console(file=out, force_terminal=True, width=120)), out


def test_the_bar_says_what_it_does_before_the_first_row() -> None:
    bar, out = screen()
    bar(RunStarted("create", 25, 20, "in.csv", "out.xlsx", "sandbox", 5.0, valid_rows=25))
    bar(PhaseChanged("listing", "checking the live codes of 3 numbers", 3))
    bar._progress.refresh()
    assert "checking the live codes of 3 numbers" in out.getvalue()
    bar(PhaseChanged("sending", "create: 20 calls", 20))
    bar(RowFinished(Entry("k", "done", "created"), 2))
    bar._progress.refresh()
    assert "Creating QR codes" in out.getvalue() and "2/25" in out.getvalue()
    bar.stop()


def test_the_bar_counts_the_numbers_whose_codes_are_listed() -> None:
    bar, out = screen()
    bar(RunStarted("create", 25, 20, "in.csv", "out.xlsx", "sandbox", 5.0, valid_rows=25))
    bar(PhaseChanged("listing", "checking the live codes of 40 numbers", 40))
    bar(NumbersListed(12, 40))
    bar._progress.refresh()
    assert "checking existing codes: 12 of 40 numbers" in out.getvalue()
    bar.stop()


@pytest.mark.anyio
async def test_the_engine_says_each_number_listed(tmp_path: Path) -> None:
    from qrbatch.run.commands import run_batch
    from qrbatch.run.settings import Job

    phones = ["6281234567890", "6281298765432", "6281311112222"]
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], *[[p, "hi"] for p in phones]])
    seen: list[NumbersListed] = []
    job = Job(input=source, output=tmp_path / "out.xlsx", endpoint="sandbox", progress=False)

    def keep(event: object) -> None:
        if isinstance(event, NumbersListed):
            seen.append(event)

    await run_batch(job, events=keep, env={})
    assert seen == [NumbersListed(n, 3) for n in (1, 2, 3)]


def test_one_call_is_not_140_calls_per_second() -> None:
    summary = Summary("in.csv", None, "out.xlsx", "e", False, "1", datetime.now(UTC))
    summary.calls, summary.send_seconds = 1, 0.007
    assert summary.calls_per_second == 1.0


def test_a_person_reads_sentences_the_closing_line_once_and_where_the_images_went(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], [PHONE, "hi"]])
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 0, done.stderr
    closing = "1 rows: 1 created"
    assert (done.stdout + done.stderr).count(closing) == 1
    assert " INFO " not in done.stderr  # no levels or timestamps for a person
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", done.stderr)
    assert f"QR images: {tmp_path / 'c.results_qr'}" in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith(closing)


class Drawn:
    """A notebook bar's view that keeps what it was asked to draw."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, int, int, str]] = []

    def show(self, description: str, done: int, total: int, detail: str) -> None:
        self.shown.append((description, done, total, detail))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ended(created: int, *, reused: int = 0, failed: int = 0) -> RunEnded:
    summary = Summary("in.csv", None, "out.xlsx", "e", False, "1", datetime.now(UTC))
    summary.statuses.update(created=created, reused=reused, failed=failed)
    return RunEnded("create", summary, 0)


def notebook_bar() -> tuple[NotebookBar, Drawn, Clock]:
    view, clock = Drawn(), Clock()
    return NotebookBar(lambda: view, clock=clock), view, clock  # type: ignore[arg-type, return-value]


def test_the_notebook_bar_starts_at_the_rows_already_done_and_ends_at_the_total() -> None:
    bar, view, clock = notebook_bar()
    bar(RunStarted("create", 12, 10, "DataFrame", "out.xlsx", "sandbox", 5.0, valid_rows=10))
    for _ in range(4):  # a resumed run: the journal's done rows come first
        bar(RowFinished(Entry("k", "done", "created"), 1))
    bar(PhaseChanged("sending", "create: 6 calls", 6))
    assert view.shown[-1][1] == 4  # drawn from the start, before any call
    for _ in range(6):
        clock.now += 0.5
        bar(RowFinished(Entry("k", "done", "created"), 1))
    bar(ended(10))
    description, done, total, detail = view.shown[-1]
    assert (description, done, total) == ("Creating QR codes", 10, 10)
    assert detail.startswith("10/10  2.0 rows/s")  # 6 rows in 3 s: the resumed 4 not counted


def test_the_notebook_bar_ends_at_what_the_summary_settled() -> None:
    bar, view, _ = notebook_bar()
    bar(RunStarted("create", 5, 5, "DataFrame", "out.xlsx", "sandbox", 5.0, valid_rows=5))
    bar(ended(4, failed=1))  # outputs an earlier run could not write: no row events
    assert view.shown[-1][1:3] == (5, 5)
    stopped, view, _ = notebook_bar()
    stopped(RunStarted("create", 5, 5, "DataFrame", "out.xlsx", "sandbox", 5.0, valid_rows=5))
    stopped(RowFinished(Entry("k", "done", "created"), 2))
    stopped(ended(2))  # stopped: the bar says how far it got
    assert view.shown[-1][1:3] == (2, 5)


def test_the_notebook_bar_draws_a_few_times_a_second_not_on_every_row() -> None:
    bar, view, clock = notebook_bar()
    bar(RunStarted("create", 500, 500, "DataFrame", "out.xlsx", "sandbox", 5.0, valid_rows=500))
    for _ in range(500):
        clock.now += 0.01
        bar(RowFinished(Entry("k", "done", "created"), 1))
    bar(ended(500))
    assert len(view.shown) <= 5 / 0.2 + 3 and view.shown[-1][1] == 500


def test_without_ipywidgets_the_notebook_bar_is_a_line_of_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # not installed
    assert isinstance(notebook_view(), TextView)
    assert text_bar(3, 12, width=8) == "██░░░░░░"


def test_the_terminal_bar_ends_at_the_total_too() -> None:
    bar, out = screen()
    bar(RunStarted("create", 3, 3, "in.csv", "out.xlsx", "sandbox", 5.0, valid_rows=3))
    bar(ended(3))
    assert "3/3" in out.getvalue()
