"""The account registry: runs on one host share the account's rate and never create the
same code twice; a killed run frees its share and its claims; no state dir, no sharing.

Timing on virtual time (both runs' registries in one loop, on its clock); crashes and
the same sheet twice with real processes.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from qrbatch.engine.claims import NoClaims
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.registry import (
    AccountRegistry,
    SharedPacer,
    account_id,
    account_pacing,
    canonical_endpoint,
)
from qrbatch.errors import RegistryUnavailableError
from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    Sandbox,
    SandboxConfig,
    SandboxThread,
)
from tests.support.pacing import max_in_window
from tests.support.sheets import codes_by_message
from tests.support.virtual_time import run_virtual

KEY = "LTAI5testKey"
URL = "https://cams.ap-southeast-1.aliyuncs.com"


def join(state: Path, *, ceiling: float = 5.0, virtual: bool = True) -> AccountRegistry:
    return AccountRegistry(
        access_key_id=KEY,
        endpoint=URL,
        ceiling=ceiling,
        state_dir=state,
        **({"clock": anyio.current_time} if virtual else {}),
    )


async def _send(pacer: AdaptivePacer, calls: int, times: list[float], workers: int = 6) -> None:
    left = calls

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await pacer.acquire()
            times.append(anyio.current_time())
            await anyio.sleep(0.3)  # the answer's latency: other calls go meanwhile
            pacer.release(0.3)
            pacer.on_success()

    async with anyio.create_task_group() as tg:
        for _ in range(workers):
            tg.start_soon(worker)


# Pacing -------------------------------------------------------------------------------


def test_two_runs_together_keep_the_rate_and_share_it_evenly(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[float], list[float], float]:
        with join(tmp_path) as first, join(tmp_path) as second:
            a: list[float] = []
            b: list[float] = []
            start = anyio.current_time()
            async with anyio.create_task_group() as tg:
                tg.start_soon(_send, first.pacer(), 40, a)
                tg.start_soon(_send, second.pacer(), 40, b)
            return a, b, anyio.current_time() - start

    a, b, seconds = run_virtual(scenario)
    both = sorted(a + b)
    assert max_in_window(both, 1.0) <= 5  # together, never above the account's rate
    assert 80 / seconds >= 4.8  # and not much below it
    assert abs(max(a) - max(b)) <= 0.5  # each got half: they finish together
    halfway = both[40]
    assert abs(sum(t < halfway for t in a) - sum(t < halfway for t in b)) <= 2


def test_a_single_run_keeps_the_full_rate(tmp_path: Path) -> None:
    async def scenario() -> list[float]:
        times: list[float] = []
        with join(tmp_path) as alone:
            await _send(alone.pacer(), 50, times)
        return times

    times = run_virtual(scenario)
    assert 49 / (times[-1] - times[0]) >= 4.95
    assert max_in_window(times, 1.0) <= 5


def test_a_finished_runs_share_goes_to_the_other_at_the_next_slot(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[float], list[float]]:
        with join(tmp_path) as first, join(tmp_path) as second:
            a: list[float] = []
            b: list[float] = []
            async with anyio.create_task_group() as tg:
                tg.start_soon(_send, first.pacer(), 10, a)
                tg.start_soon(_send, second.pacer(), 40, b)
            return a, b

    a, b = run_virtual(scenario)
    after = [t for t in b if t > max(a)]
    gaps = [y - x for x, y in zip(after, after[1:], strict=False)]
    assert len(after) >= 25
    assert max(gaps) <= 0.25  # the whole rate, no more share kept for the finished run


def test_a_throttle_seen_by_one_run_slows_every_run(tmp_path: Path) -> None:
    async def scenario() -> tuple[float, float]:
        with join(tmp_path) as first, join(tmp_path) as second:
            one, other = first.pacer(), second.pacer()
            await one.acquire()
            one.release(None)
            one.on_throttled(None, anyio.current_time())
            one.on_throttled(None, anyio.current_time())  # the other run's, same second
            await other.acquire()
            other.release(None)
            return one.rate, other.rate

    one, other = run_virtual(scenario)
    assert one == other == pytest.approx(4.5)  # cut once, for both


def test_retry_after_seen_by_one_run_pauses_every_run(tmp_path: Path) -> None:
    async def scenario() -> float:
        with join(tmp_path) as first, join(tmp_path) as second:
            one, other = first.pacer(), second.pacer()
            await one.acquire()
            one.release(None)
            start = anyio.current_time()
            one.on_throttled(3.0)
            await other.acquire()
            other.release(None)
            return anyio.current_time() - start

    assert run_virtual(scenario) >= 3.0


def test_a_closed_pacer_frees_its_turn(tmp_path: Path) -> None:
    async def scenario() -> float:
        with join(tmp_path) as first, join(tmp_path) as second:
            one, other = first.pacer(), second.pacer()
            await one.acquire()
            one.release(None)

            async def blocked() -> None:
                with pytest.raises(Exception):  # noqa: B017 - PacerClosedError
                    await one.acquire()

            async with anyio.create_task_group() as tg:
                tg.start_soon(blocked)
                await anyio.sleep(0.01)  # it now waits for the next slot...
                one.close()  # ...and stops waiting
            start = anyio.current_time()
            await other.acquire()
            return anyio.current_time() - start

    assert run_virtual(scenario) <= 0.25


# Claims -------------------------------------------------------------------------------


def test_a_claim_settled_by_one_run_is_reused_by_a_run_waiting_for_it(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, str, float]:
        with join(tmp_path) as first, join(tmp_path) as second:
            granted = await first.claim("k")
            result = ""

            async def wait() -> None:
                nonlocal result
                claim = await second.claim("k")
                result = f"{claim.outcome} {claim.code} {claim.deep_link}"

            start = anyio.current_time()
            async with anyio.create_task_group() as tg:
                tg.start_soon(wait)
                await anyio.sleep(1.0)  # the first run's Create takes a second
                assert result == ""  # meanwhile the second waits
                first.settle("k", code="ABC", deep_link="https://wa.me/message/ABC")
            return granted.outcome, result, anyio.current_time() - start

    granted, result, seconds = run_virtual(scenario)
    assert granted == "granted"
    assert result == "settled ABC https://wa.me/message/ABC"
    assert seconds <= 1.1


def test_a_released_claim_goes_to_the_next_run_and_an_unknown_one_says_list_first(
    tmp_path: Path,
) -> None:
    async def scenario() -> list[str]:
        with join(tmp_path) as first, join(tmp_path) as second:
            await first.claim("failed")
            first.release("failed")  # an error answer: nothing was created
            await first.claim("lost")
            first.release("lost", outcome_unknown=True)  # a timeout: it may exist
            return [(await second.claim(k)).outcome for k in ("failed", "lost")]

    assert run_virtual(scenario) == ["granted", "orphaned"]


def test_a_claim_held_when_a_run_leaves_is_settled_by_list_not_forgotten(tmp_path: Path) -> None:
    async def scenario() -> str:
        with join(tmp_path) as second:
            first = join(tmp_path)
            await first.claim("k")
            first.close()  # interrupted mid-Create
            return (await second.claim("k")).outcome

    assert run_virtual(scenario) == "orphaned"


def test_a_run_started_after_a_code_was_settled_is_not_handed_it(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, str]:
        with join(tmp_path) as first:
            await first.claim("k")
            first.settle("k", code="OLD")
            await anyio.sleep(0.01)
            with join(tmp_path) as later:  # its own List sees OLD; --always-create wants new
                return (await later.claim("k")).outcome, (await later.claim("k")).outcome

    assert run_virtual(scenario) == ("granted", "granted")


def test_keys_of_one_service_share_claims_and_services_do_not(tmp_path: Path) -> None:
    """A business number belongs to one account: claims are keyed by the service and the
    request, not by the AccessKey (two RAM users or STS sessions of one account)."""

    async def scenario() -> tuple[str, str]:
        with (
            join(tmp_path) as first,
            AccountRegistry(
                access_key_id="STS.another",
                endpoint=URL,
                state_dir=tmp_path,
                clock=anyio.current_time,
            ) as other_key,
            AccountRegistry(
                access_key_id=KEY,
                endpoint="http://127.0.0.1:8080",
                state_dir=tmp_path,
                clock=anyio.current_time,
            ) as other_service,
        ):
            await first.claim("k")
            return other_key.take("k").outcome, other_service.take("k").outcome

    assert run_virtual(scenario) == ("busy", "granted")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://127.0.0.1:8080", "http://localhost:8080/"),
        ("http://[::1]:8080", "HTTP://LOCALHOST:8080"),
        (
            "https://cams.ap-southeast-1.aliyuncs.com",
            "https://CAMS.ap-southeast-1.aliyuncs.com:443/",
        ),
        ("http://example.com", "http://example.com:80"),
    ],
)
def test_spellings_of_one_endpoint_are_one_account(a: str, b: str) -> None:
    assert canonical_endpoint(a) == canonical_endpoint(b)
    assert account_id(KEY, a) == account_id(KEY, b)


def test_different_endpoints_and_keys_are_different_rates_unless_the_account_is_named() -> None:
    assert canonical_endpoint("http://localhost:8080") != canonical_endpoint(
        "http://localhost:8081"
    )
    assert canonical_endpoint("http://localhost") != canonical_endpoint("https://localhost")
    assert account_id(KEY, URL) != account_id("other", URL)
    assert account_id(KEY, URL, "1234") == account_id("other", URL, "1234")


# Leases -------------------------------------------------------------------------------


def test_a_frozen_holder_keeps_its_claim_for_its_lease_and_loses_it_after_grace(
    tmp_path: Path,
) -> None:
    """A stopped process (Ctrl-Z) keeps its lock but stops renewing its lease: after
    lease + grace its claims are orphaned (List first), all at once."""

    def registry() -> AccountRegistry:
        return AccountRegistry(
            access_key_id=KEY, endpoint=URL, state_dir=tmp_path, clock=anyio.current_time,
            lease=3.0, lease_grace=2.0,
        )  # fmt: skip

    async def scenario() -> tuple[list[str], float]:
        with registry() as frozen, registry() as other:
            frozen.take("a")
            frozen.take("b")
            seen = [other.take("a").outcome]  # alive: wait
            start = anyio.current_time()
            claim = await other.claim("a")  # waits on virtual time until lease + grace
            waited = anyio.current_time() - start
            seen += [claim.outcome, other.take("b").outcome]
            return seen, waited

    seen, waited = run_virtual(scenario)
    assert seen == ["busy", "orphaned", "orphaned"]
    assert 4.0 <= waited <= 5.0 + 0.2  # lease 3 s from the take, grace 2 s


def test_a_live_run_that_renews_its_lease_keeps_its_claims(tmp_path: Path) -> None:
    async def scenario() -> str:
        with (
            AccountRegistry(
                access_key_id=KEY, endpoint=URL, state_dir=tmp_path, clock=anyio.current_time,
                lease=3.0, lease_grace=2.0,
            ) as holder,
            join(tmp_path) as other,
        ):  # fmt: skip
            holder.take("k")
            for _ in range(10):
                await anyio.sleep(1.0)
                holder.beat()
            return other.take("k").outcome

    assert run_virtual(scenario) == "busy"


def test_a_waiting_run_says_for_whom_it_waits_once(tmp_path: Path) -> None:
    records = _Records()
    logger = logging.getLogger("qrbatch")
    logger.addHandler(records)

    async def scenario() -> None:
        with join(tmp_path) as first, join(tmp_path) as second:
            first.take("a")
            first.take("b")
            async with anyio.create_task_group() as tg:
                tg.start_soon(second.wait_turn, "a")
                tg.start_soon(second.wait_turn, "b")
                await anyio.sleep(1.0)
                first.settle("a", code="A")
                first.settle("b", code="B")

    try:
        run_virtual(scenario)
    finally:
        logger.removeHandler(records)
    waits = [m for m in records.messages if m.startswith("waiting for another qrbatch run")]
    assert len(waits) == 1
    assert f"pid {os.getpid()}" in waits[0]


# Crashes (real processes) -------------------------------------------------------------

_CHILD = """
import sys, time
from qrbatch.engine.registry import AccountRegistry
registry = AccountRegistry(access_key_id={key!r}, endpoint={url!r}, state_dir={state!r})
assert registry.claim  # joined
import anyio
anyio.run(registry.claim, "k")                    # mid-Create of k
registry.take_slot(1.0, 0.12)                     # one send...
wait, _ = registry.take_slot(1.0, 0.12)           # ...and now waiting for the next slot
assert wait > 0
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def child(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    code = _CHILD.format(key=KEY, url=URL, state=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_a_killed_run_frees_its_share_and_its_claims_within_2_s(
    tmp_path: Path, child: subprocess.Popen[str]
) -> None:
    survivor = join(tmp_path, virtual=False)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"

        async def after_the_kill() -> tuple[str, float]:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            killed = time.monotonic()
            claim = await survivor.claim("k")
            pacer = survivor.pacer()
            for _ in range(3):  # the dead run's turn is not waited for
                await pacer.acquire()
                pacer.release(None)
            return claim.outcome, time.monotonic() - killed

        outcome, seconds = anyio.run(after_the_kill)
    finally:
        survivor.close()
    assert outcome == "orphaned"  # its Create may have landed: List first
    assert seconds < 2.0


# The same sheet twice at once (two real qrbatch processes) -----------------------------


def test_the_same_sheet_run_twice_at_once_creates_each_code_once(tmp_path: Path) -> None:
    sheet = tmp_path / "campaign.csv"
    rows = ["PhoneNumber,Message"]
    rows += [f"{DEMO_NUMBERS[i % 2]},same sheet message {i}" for i in range(16)]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
        "QRBATCH_STATE_DIR": str(tmp_path / "state"),
    }
    sandbox = Sandbox(config=SandboxConfig(qps=40, latency=(0.05, 0.3)))
    with SandboxThread(sandbox) as server:
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "qrbatch", "run", str(sheet), "-o", str(output),
                 "--endpoint", server.url, "--qps", "40", "--no-progress", "--no-images", "-q"],
                env=env,
                cwd=tmp_path,
            )
            for output in (tmp_path / "a.xlsx", tmp_path / "b.xlsx")
        ]  # fmt: skip
        codes = [run.wait(timeout=60) for run in runs]
    assert codes == [0, 0]
    account = sandbox.world.accounts["demo"]
    assert account.duplicates() == 0
    assert account.created == 16
    # both runs hand out the same codes
    assert codes_by_message(tmp_path / "a.xlsx") == codes_by_message(tmp_path / "b.xlsx")


# Fallback -----------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_an_unusable_state_dir_falls_back_to_a_pacer_of_its_own_with_a_warning(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    records = _Records()
    logger = logging.getLogger("qrbatch")
    logger.addHandler(records)
    try:
        pacing = account_pacing(access_key_id=KEY, endpoint=URL, state_dir=blocker / "qrbatch")
    finally:
        logger.removeHandler(records)
    assert not pacing.shared
    assert type(pacing.pacer) is AdaptivePacer
    assert isinstance(pacing.claims, NoClaims)
    assert any("account registry unavailable" in m for m in records.messages)
    anyio.run(pacing.close)


def test_the_registry_can_be_switched_off_and_is_on_by_default(tmp_path: Path) -> None:
    off = account_pacing(
        access_key_id=KEY, endpoint=URL, state_dir=tmp_path, env={"QRBATCH_REGISTRY": "off"}
    )
    on = account_pacing(access_key_id=KEY, endpoint=URL, state_dir=tmp_path, env={})
    try:
        assert not off.shared and type(off.pacer) is AdaptivePacer
        assert on.shared and isinstance(on.pacer, SharedPacer)
    finally:
        anyio.run(on.close)
        anyio.run(off.close)


def test_the_state_dir_comes_from_the_environment(tmp_path: Path) -> None:
    pacing = account_pacing(
        access_key_id=KEY, endpoint=URL, env={"QRBATCH_STATE_DIR": str(tmp_path / "s")}
    )
    anyio.run(pacing.close)
    assert (tmp_path / "s" / "accounts.sqlite").exists()


def test_a_registry_failing_mid_run_paces_alone_but_grants_no_claim(tmp_path: Path) -> None:
    """Fail closed: List and Delete go on, paced by the run alone; no Create or Update
    gets a claim (the executor stops with exit 69), and it is said once."""
    records = _Records()
    logger = logging.getLogger("qrbatch")
    logger.addHandler(records)

    async def scenario() -> tuple[list[float], list[str]]:
        registry = join(tmp_path)
        pacer = registry.pacer()
        times: list[float] = []
        await _send(pacer, 5, times)
        assert registry._db is not None
        registry._db.close()  # as if the disk failed
        await _send(pacer, 10, times)
        pacer.on_throttled(None)
        causes = []
        for _ in range(2):
            with pytest.raises(RegistryUnavailableError) as caught:
                registry.take("k")
            causes.append(str(caught.value))
        with pytest.raises(RegistryUnavailableError):
            await registry.wait_turn("k")
        registry.settle("k", code="X")  # softly: the run is stopping anyway
        return times, causes

    try:
        times, causes = run_virtual(scenario)
    finally:
        logger.removeHandler(records)
    assert len(times) == 15
    assert max_in_window(sorted(times), 1.0) <= 5
    assert str(tmp_path) in causes[0] and "closed" in causes[0] and causes[0] == causes[1]
    assert sum("account registry in" in m and "failed" in m for m in records.messages) == 1


def test_a_run_that_creates_does_not_start_without_the_registry(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(RegistryUnavailableError) as caught:
        account_pacing(
            access_key_id=KEY, endpoint=URL, state_dir=blocker / "qrbatch", fail_closed=True
        )
    assert caught.value.exit_code == 69
    assert str(blocker / "qrbatch") in str(caught.value)


def test_a_locked_database_is_unavailable_after_the_wait(tmp_path: Path) -> None:
    """A run frozen mid-transaction (SIGSTOP while it holds BEGIN IMMEDIATE): the others
    wait ``busy_timeout``, then refuse to claim."""
    import sqlite3

    registry = AccountRegistry(
        access_key_id=KEY, endpoint=URL, state_dir=tmp_path, busy_timeout=0.1
    )
    holder = sqlite3.connect(str(tmp_path / "accounts.sqlite"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(RegistryUnavailableError) as caught:
            registry.take("k")
        assert "locked" in caught.value.cause
        holder.execute("ROLLBACK")
        with pytest.raises(RegistryUnavailableError):
            registry.take("k")  # once failed, this run grants itself nothing more
    finally:
        holder.close()
        registry.close()


def test_runs_started_at_the_same_instant_all_join(tmp_path: Path) -> None:
    """A new database refuses a second process switching it to WAL at the same moment."""
    import threading

    joined: list[bool] = []

    def start(state: Path, barrier: threading.Barrier) -> None:
        barrier.wait()
        pacing = account_pacing(access_key_id=KEY, endpoint=URL, state_dir=state)
        joined.append(pacing.shared)
        anyio.run(pacing.close)

    for attempt in range(20):
        barrier = threading.Barrier(4)
        threads = [
            threading.Thread(target=start, args=(tmp_path / str(attempt), barrier))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert joined == [True] * 80


def test_a_run_whose_lock_file_was_deleted_under_it_joins_again(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, int]:
        with join(tmp_path) as first, join(tmp_path) as second:
            await first.claim("k")
            os.unlink(first.lock_path)  # a cleaner emptied the folder: first looks dead
            orphaned = (await second.claim("k")).outcome
            pacer = first.pacer()
            await pacer.acquire()  # first goes on, and is back among the runs
            pacer.release(None)
            assert second._db is not None
            runs = second._db.execute("SELECT COUNT(*) FROM participants").fetchone()[0]
            return orphaned, runs

    assert run_virtual(scenario) == ("orphaned", 2)


def test_the_registry_is_the_users_alone(tmp_path: Path) -> None:
    import stat

    with join(tmp_path / "state", virtual=False) as registry:
        assert stat.S_IMODE(registry.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(registry.folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(Path(registry.lock_path).stat().st_mode) == 0o600


def test_a_registry_deleted_during_the_run_takes_no_more_claims(tmp_path: Path) -> None:
    import shutil

    with join(tmp_path / "state", virtual=False) as registry:
        registry.take("before")
        shutil.rmtree(tmp_path / "state")  # a cleanup script, a person
        with pytest.raises(RegistryUnavailableError, match="deleted or replaced"):
            registry.take("after")


def test_accounts_shows_the_runs_of_this_host(tmp_path: Path) -> None:
    from qrbatch.engine.registry import local_accounts

    assert local_accounts(tmp_path / "none") == []
    with join(tmp_path, virtual=False) as registry:
        registry.take("k")
        (view,) = local_accounts(tmp_path)
        assert view.account == registry.account and view.ceiling == 5.0
        (run,) = view.runs
        assert (run.pid, run.claims_held) == (os.getpid(), 1)
        assert run.lease_left is not None and 0 < run.lease_left <= 15
    assert local_accounts(tmp_path) == []
