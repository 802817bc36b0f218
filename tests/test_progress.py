"""What a person at a terminal sees while a run goes: from the first second, in words."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from qrbatch.engine.events import PhaseChanged, RowFinished, RunStarted
from qrbatch.outputs.outcomes import Entry
from qrbatch.outputs.results import Summary
from qrbatch.run.progress import ProgressBar
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
