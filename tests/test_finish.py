"""Outputs are checked before the first call (plan) and never lost after it (finish)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qrbatch.sandbox import SandboxThread
from tests.support.cli import ROOT, qrbatch, qrbatch_process
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import results, write_csv, write_xlsx


def campaign(tmp_path: Path, n: int = 2) -> Path:
    return write_csv(
        tmp_path / "c.csv", [["Phone", "Message"], *([PHONE, f"m{i}"] for i in range(n))]
    )


@pytest.mark.parametrize(
    ("output", "words"),
    [
        ("folder", "is a folder"),
        ("c.csv", "overwrite the input"),
        ("afile/out.xlsx", "cannot write there"),
        ("out.pdf", "must end in .xlsx or .csv"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_call(
    tmp_path: Path, sandbox_thread: SandboxThread, output: str, words: str
) -> None:
    source = campaign(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x")
    done = qrbatch(
        "run", str(source), "-o", str(tmp_path / output), "--endpoint", sandbox_thread.url,
        env=creds(),
    )  # fmt: skip
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_validate_never_overwrites_its_input(tmp_path: Path) -> None:
    source = campaign(tmp_path)
    before = source.read_bytes()
    done = qrbatch("validate", str(source), "-o", str(source))
    assert done.returncode == 2
    assert source.read_bytes() == before


@pytest.mark.parametrize("qps", ["nan", "inf", "0", "-1"])
def test_insane_options_are_refused_before_any_call(
    tmp_path: Path, sandbox_thread: SandboxThread, qps: str
) -> None:
    done = qrbatch(
        "run", str(campaign(tmp_path)), "--qps", qps, "--endpoint", sandbox_thread.url,
        env=creds(),
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_a_corrupt_journal_is_a_clear_error_and_no_call(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = campaign(tmp_path)
    (tmp_path / "c.results.qrbatch.db").write_bytes(b"this is not sqlite" * 100)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 2
    assert "journal cannot be read" in done.stderr and "--fresh" in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}
    fresh = qrbatch("run", str(source), "--fresh", "--endpoint", sandbox_thread.url, env=creds())
    assert fresh.returncode == 0, fresh.stderr


def test_a_full_disk_after_the_calls_loses_nothing_and_the_rerun_writes_without_a_call(
    tmp_path: Path, sandbox_thread: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qrbatch.run.finish as finish

    source = campaign(tmp_path, 3)
    real = finish.write_workbook

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(finish, "write_workbook", full)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "--no-images", env=creds())
    assert done.returncode == 74
    assert "No space left" in done.stderr and "rerun the same command" in done.stderr
    calls = dict(sandbox_thread.sandbox.stats.accepted)
    assert calls.get("CreatePhoneMessageQrdl") == 3
    monkeypatch.setattr(finish, "write_workbook", real)
    again = qrbatch(
        "run", str(source), "--endpoint", sandbox_thread.url, "--no-images", env=creds()
    )
    assert again.returncode == 0, again.stderr
    assert dict(sandbox_thread.sandbox.stats.accepted) == calls  # no call at all
    assert [r["Status"] for r in results(tmp_path / "c.results.xlsx")] == ["created"] * 3


def test_a_temp_file_left_by_a_killed_save_is_cleaned_up(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    stale = tmp_path / ".c.results.xlsx.abc123.tmp"
    stale.write_bytes(b"half a workbook")
    done = qrbatch(
        "run", str(campaign(tmp_path)), "--endpoint", sandbox_thread.url, "--no-images",
        env=creds(),
    )  # fmt: skip
    assert done.returncode == 0
    assert not stale.exists()


def wait_until_it_opens(pid: int, path: Path) -> None:
    """Until the process has the lock file open (it then waits on it at once)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if any(
                os.readlink(f"/proc/{pid}/fd/{fd}") == str(path)
                for fd in os.listdir(f"/proc/{pid}/fd")
            ):
                time.sleep(0.2)  # from open() to flock() is a few lines
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("the run never opened the journal's lock")


def test_sigterm_while_waiting_for_the_journal_exits_130(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = campaign(tmp_path)
    lock = open(tmp_path / "c.results.qrbatch.db.lock", "a+")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)  # another run holds the journal
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD")}
    process = subprocess.Popen(
        [sys.executable, "-m", "qrbatch", "run", str(source), "--wait", "--endpoint",
         sandbox_thread.url],
        env={**env, **creds(), "HOME": str(tmp_path)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        wait_until_it_opens(process.pid, tmp_path / "c.results.qrbatch.db.lock")
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    finally:
        lock.close()
    assert process.returncode == 130, err
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_two_inputs_with_one_stem_never_share_results(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    csv_input = campaign(tmp_path)
    first = qrbatch("run", str(csv_input), "--endpoint", sandbox_thread.url, "--no-images",
                    env=creds())  # fmt: skip
    assert first.returncode == 0
    before = (tmp_path / "c.results.xlsx").read_bytes()
    xlsx = tmp_path / "c.xlsx"
    write_xlsx(xlsx, [["Phone", "Message"], [PHONE, "other"]])
    second = qrbatch("run", str(xlsx), "--endpoint", sandbox_thread.url, "--no-images",
                     env=creds())  # fmt: skip
    assert second.returncode == 2
    assert "belong to c.csv" in second.stderr and "-o" in second.stderr
    assert (tmp_path / "c.results.xlsx").read_bytes() == before


def test_a_nan_print_size_is_refused_before_any_call(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    done = qrbatch("run", str(campaign(tmp_path)), "--pdf", "--pdf-size", "nan", "--endpoint",
                   sandbox_thread.url, env=creds())  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_quiet_prints_only_the_closing_line(tmp_path: Path, sandbox_thread: SandboxThread) -> None:
    done = qrbatch("run", str(campaign(tmp_path)), "-q", "--pdf", "--endpoint",
                   sandbox_thread.url, env=creds())  # fmt: skip
    assert done.returncode == 0
    assert done.stdout.strip().splitlines() == [done.stdout.strip().splitlines()[-1]]
    assert done.stdout.startswith("2 rows: 2 created")


def test_usage_errors_are_json_when_the_log_is(tmp_path: Path) -> None:
    done = qrbatch_process("run", "x.csv", "--qps", "abc", "--log-format", "json")
    assert done.returncode == 2
    error = json.loads(done.stderr)
    assert error["event"] == "error" and "--qps" in error["message"]


def test_sandbox_pdfs_say_so_on_every_page(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    done = qrbatch("run", str(campaign(tmp_path)), "--pdf", "--endpoint", "sandbox")
    assert done.returncode == 0, done.stderr
    again = qrbatch("pdf", str(tmp_path / "c.results.xlsx"), "-o", str(tmp_path / "again.pdf"))
    assert again.returncode == 0, again.stderr
    for pdf in ("c.results.pdf", "again.pdf"):  # the run's, and one made later from it
        for page in pdfium.PdfDocument(tmp_path / pdf):
            assert "SANDBOX" in page.get_textpage().get_text_bounded()


def test_a_sandbox_run_never_replaces_a_real_runs_results(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = campaign(tmp_path)
    real = qrbatch(
        "run", str(source), "--endpoint", sandbox_thread.url, "--no-images", env=creds()
    )  # fmt: skip  (a separate server: a "real" endpoint)
    assert real.returncode == 0
    before = (tmp_path / "c.results.xlsx").read_bytes()
    dry = qrbatch("run", str(source), "--endpoint", "sandbox", "--no-images")
    assert dry.returncode == 2 and "holds the results of a real run" in dry.stderr
    assert (tmp_path / "c.results.xlsx").read_bytes() == before
    assert (tmp_path / "c.results.qrbatch.db").exists()  # the real journal untouched
