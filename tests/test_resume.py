"""Crashes, kills and signals: a rerun of the same command finishes the job, and every
row ends up created exactly once on the (separately running) sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxThread,
)
from tests.support.sheets import write_csv

ROOT = Path(__file__).resolve().parent.parent
PHONES = ["6281234567890", "6281298765432", "6591234567", "14155550123"]


def campaign(tmp_path: Path, rows: int) -> Path:
    data = [["Phone", "Message"]] + [[PHONES[i % 4], f"Promo {i} 🎉"] for i in range(rows)]
    return write_csv(tmp_path / "campaign.csv", data)


def start(source: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD", "QRBATCH"))}
    env |= {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
        "QRBATCH_STATE_DIR": os.environ["QRBATCH_STATE_DIR"],  # the test session's registry
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qrbatch",
            "run",
            str(source),
            "--endpoint",
            url,
            "--no-progress",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_created(sandbox: Sandbox, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while sandbox.world.accounts["demo"].created < count and process.poll() is None:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.01)


def assert_exactly_once(sandbox: Sandbox, rows: int) -> None:
    account = sandbox.world.accounts["demo"]
    messages = sorted(code.message for code in account.all_codes())
    assert messages == sorted(f"Promo {i} 🎉" for i in range(rows)), "a row lost or created twice"
    assert account.duplicates() == 0


def statuses(path: Path) -> list[str]:
    rows = list(load_workbook(path)["Results"].iter_rows(min_row=2, values_only=True))
    return [str(row[2]) for row in rows]


@pytest.mark.parametrize("kill_after", [3, 37, 88])
def test_sigkill_at_any_point_then_rerun_creates_every_row_once(
    tmp_path: Path, kill_after: int
) -> None:
    rows = 120
    faults = Faults(drop_after_commit=0.03, unavailable=0.03)
    with SandboxThread(
        Sandbox(config=SandboxConfig(qps=60, faults=faults, seed=kill_after))
    ) as server:
        source = campaign(tmp_path, rows)
        process = start(source, server.url, "--qps", "60")
        wait_for_created(server.sandbox, kill_after, process)
        process.kill()
        process.wait(timeout=30)
        rerun = start(source, server.url, "--qps", "60")
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        assert_exactly_once(server.sandbox, rows)
    assert statuses(tmp_path / "campaign.results.xlsx") == ["created"] * rows


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_cleanly_with_exit_130_and_the_rerun_resumes(
    tmp_path: Path, signum: int
) -> None:
    rows = 80
    with SandboxThread(Sandbox(config=SandboxConfig(qps=20))) as server:
        source = campaign(tmp_path, rows)
        process = start(source, server.url, "--qps", "20")
        wait_for_created(server.sandbox, 10, process)
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert "rerun resumes" in err and "Traceback" not in err
        first = statuses(tmp_path / "campaign.results.xlsx")
        assert 10 <= first.count("created") < rows
        assert set(first) <= {"created", "skipped"}
        made_before = server.sandbox.world.accounts["demo"].created
        rerun = start(source, server.url, "--qps", "20")
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        assert server.sandbox.world.accounts["demo"].created == rows
        assert made_before >= first.count("created")
        assert_exactly_once(server.sandbox, rows)
    assert statuses(tmp_path / "campaign.results.xlsx") == ["created"] * rows


def test_a_second_run_on_the_same_journal_refuses_to_start(tmp_path: Path) -> None:
    with SandboxThread(Sandbox(config=SandboxConfig(qps=5))) as server:
        source = campaign(tmp_path, 30)
        first = start(source, server.url)
        wait_for_created(server.sandbox, 1, first)
        second = start(source, server.url)
        _, err = second.communicate(timeout=30)
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert second.returncode == 75  # ExitCode.LOCKED: try later
    assert "in use by qrbatch pid" in err


def test_wait_queues_behind_the_running_job_and_then_has_nothing_left(tmp_path: Path) -> None:
    with SandboxThread(Sandbox(config=SandboxConfig(qps=20))) as server:
        source = campaign(tmp_path, 60)
        first = start(source, server.url, "--qps", "20")
        wait_for_created(server.sandbox, 1, first)
        second = start(source, server.url, "--qps", "20", "--wait")
        _, first_err = first.communicate(timeout=60)
        _, err = second.communicate(timeout=60)
        assert (first.returncode, second.returncode) == (0, 0), first_err + err
        assert "waiting for it to finish" in err
        assert server.sandbox.world.accounts["demo"].created == 60


def test_fresh_starts_over_and_says_what_it_dropped(tmp_path: Path) -> None:
    with SandboxThread(Sandbox(config=SandboxConfig(qps=50))) as server:
        source = campaign(tmp_path, 5)
        assert start(source, server.url, "--qps", "50").wait(timeout=60) == 0
        again = start(source, server.url, "--qps", "50", "--fresh")
        _, err = again.communicate(timeout=60)
    assert again.returncode == 0
    assert "dropped a journal of 5 done" in err
    # reuse still prevents duplicates: the live codes are found by List and reused
    assert statuses(tmp_path / "campaign.results.xlsx") == ["reused"] * 5


def test_a_mistyped_key_id_does_not_block_the_corrected_key(tmp_path: Path) -> None:
    from tests.support.cli import qrbatch as cli

    source = campaign(tmp_path, 3)
    with SandboxThread(Sandbox(config=SandboxConfig(qps=100))) as server:
        run = ("run", str(source), "--endpoint", server.url, "--no-images", "--no-progress")
        typo = {"ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID[:-1]}
        right = {"ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID}
        secret = {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET}
        refused = cli(*run, env={**typo, **secret}, cwd=tmp_path)
        fixed = cli(*run, env={**right, **secret}, cwd=tmp_path)
    assert refused.returncode == 3 and "InvalidAccessKeyId" in refused.stderr
    assert fixed.returncode == 0, fixed.stderr
    assert "3 created" in fixed.stdout
