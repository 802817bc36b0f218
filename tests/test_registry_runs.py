"""The account registry end to end: real qrbatch processes against one sandbox, sharing
one state folder. Each test reproduces a way two runs used to create the same codes
twice (or stall) and shows it closed: the registry fails closed (exit 69, rows pending,
a rerun finishes), one service is one registry whatever its spelling, keys of one account
share claims, a stopped run frees its claims after lease + grace, and a killed one costs
at most one List per number.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qrbatch.engine.registry import AccountRegistry
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_NUMBERS, Sandbox, SandboxConfig
from qrbatch.sandbox.server import SandboxThread

ROWS = 30
LIST = "ListPhoneMessageQrdl"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and signals")


def write_sheet(folder: Path, rows: int = ROWS) -> Path:
    sheet = folder / "campaign.csv"
    lines = ["PhoneNumber,Message"]
    lines += [f"{DEMO_NUMBERS[i % 2]},registry message {i}" for i in range(rows)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sheet


def environment(
    state: Path, key: str = DEMO_KEY_ID, secret: str = DEMO_KEY_SECRET, **extra: str
) -> dict[str, str]:
    return {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": key,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret,
        "QRBATCH_STATE_DIR": str(state),
        **extra,
    }


def start(
    sheet: Path, output: Path, url: str, env: dict[str, str], qps: int = 10
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qrbatch", "run", str(sheet), "-o", str(output),
         "--endpoint", url, "--qps", str(qps), "--no-progress", "--no-images", "-q"],
        env=env, cwd=sheet.parent, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(run: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str]:
    _, err = run.communicate(timeout=timeout)
    return run.returncode, err


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def per_request(sandbox: Sandbox) -> dict[tuple[str, str], int]:
    """How many codes the sandbox holds per (phone, message)."""
    counts: dict[tuple[str, str], int] = {}
    for code in sandbox.world.accounts["demo"].all_codes():
        counts[(code.phone, code.message)] = counts.get((code.phone, code.message), 0) + 1
    return counts


@contextmanager
def locked(state: Path) -> Iterator[None]:
    """Another process holding a write transaction on the registry (as a run stopped
    mid-transaction does)."""
    AccountRegistry(access_key_id="setup", endpoint="http://setup", state_dir=state).close()
    holder = sqlite3.connect(str(state / "accounts.sqlite"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(config=SandboxConfig(qps=40, latency=(0.05, 0.3)))
    with SandboxThread(sandbox) as server:
        yield sandbox, server.url


def test_a_registry_locked_from_the_start_is_69_before_any_call(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    sheet = write_sheet(tmp_path)
    state = tmp_path / "state"
    env = environment(state, QRBATCH_REGISTRY_WAIT="1")
    outputs = (tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    # Locked from the start: no run joins, no call is made.
    with locked(state):
        ends = [finish(run) for run in [start(sheet, out, url, env) for out in outputs]]
    assert [code for code, _ in ends] == [69, 69]
    assert all(str(state) in err and "locked" in err for _, err in ends)
    assert world.stats.accepted == {}


def test_a_locked_registry_stops_creates_with_exit_69_and_a_rerun_finishes(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    sheet = write_sheet(tmp_path)
    state = tmp_path / "state"
    env = environment(state, QRBATCH_REGISTRY_WAIT="1")
    outputs = (tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    # Locked mid-run (a run frozen mid-transaction): both stop, nothing twice.
    runs = [start(sheet, out, url, env) for out in outputs]
    wait_until(lambda: world.world.accounts["demo"].created >= 6)
    with locked(state):
        ends = [finish(run) for run in runs]
    assert [code for code, _ in ends] == [69, 69], ends[0][1][-3000:]
    assert max(per_request(world).values()) == 1
    assert world.world.accounts["demo"].created < ROWS  # the rest stayed pending
    # Once the lock is gone, a rerun of both finishes every row, each code once.
    runs = [start(sheet, out, url, env) for out in outputs]
    assert [finish(run)[0] for run in runs] == [0, 0]
    counts = per_request(world)
    assert len(counts) == ROWS and set(counts.values()) == {1}


def test_two_spellings_of_one_endpoint_are_one_registry(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    port = url.rsplit(":", 1)[1].rstrip("/")
    sheet = write_sheet(tmp_path)
    env = environment(tmp_path / "state")
    runs = [
        start(sheet, tmp_path / "a.xlsx", f"http://127.0.0.1:{port}", env),
        start(sheet, tmp_path / "b.xlsx", f"http://localhost:{port}/", env),
    ]
    assert [finish(run)[0] for run in runs] == [0, 0]
    counts = per_request(world)
    assert len(counts) == ROWS and set(counts.values()) == {1}


def test_two_keys_of_one_account_create_each_code_once(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    world.world.add_key("LTAI5secondRamUser", "second-secret", "demo")
    sheet = write_sheet(tmp_path)
    state = tmp_path / "state"
    runs = [
        start(sheet, tmp_path / "a.xlsx", url, environment(state)),
        start(
            sheet,
            tmp_path / "b.xlsx",
            url,
            environment(state, "LTAI5secondRamUser", "second-secret"),
        ),
    ]
    assert [finish(run)[0] for run in runs] == [0, 0]
    counts = per_request(world)
    assert len(counts) == ROWS and set(counts.values()) == {1}


LEASE, GRACE = 1.5, 1.0


def test_a_stopped_run_holds_the_other_up_no_longer_than_lease_and_grace(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    sheet = write_sheet(tmp_path)
    env = environment(
        tmp_path / "state", QRBATCH_REGISTRY_LEASE=str(LEASE), QRBATCH_REGISTRY_GRACE=str(GRACE)
    )
    created_before = world.world.accounts["demo"].created
    frozen = start(sheet, tmp_path / "a.xlsx", url, env)
    try:
        wait_until(lambda: world.world.accounts["demo"].created - created_before >= 4)
        frozen.send_signal(signal.SIGSTOP)  # Ctrl-Z, mid-run, with calls in flight
        began = time.monotonic()
        code, err = finish(start(sheet, tmp_path / "b.xlsx", url, env))
        waited = time.monotonic() - began
        assert code == 0, err
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert finish(frozen)[0] == 0
    # Alone, the run takes ROWS / 10 calls/s plus its start (about 2 s here); the
    # stopped run's claims cost it lease + grace at most.
    assert waited < ROWS / 10 + 4.0 + LEASE + GRACE
    counts = per_request(world)
    assert len(counts) == ROWS and set(counts.values()) == {1}


def test_a_killed_run_costs_the_other_at_most_one_list_per_number(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    world, url = sandbox
    sheet = write_sheet(tmp_path)
    env = environment(tmp_path / "state")
    killed = start(sheet, tmp_path / "a.xlsx", url, env)
    wait_until(lambda: world.world.accounts["demo"].created >= 4)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    lists_before = world.stats.accepted.get(LIST, 0)
    code, err = finish(start(sheet, tmp_path / "b.xlsx", url, env))
    assert code == 0, err
    numbers = 2
    # One List per number at the start, at most one more per number for the dead run's
    # orphaned claims (was one per claim: up to 64).
    assert world.stats.accepted.get(LIST, 0) - lists_before <= 2 * numbers
    counts = per_request(world)
    assert len(counts) == ROWS and set(counts.values()) == {1}
