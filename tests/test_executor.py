"""The pipeline against the real sandbox: faults, reuse, the cap, account stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials
from qrbatch.engine.actions import Create
from qrbatch.engine.executor import ExecutionReport, ExecutionSettings, Executor
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.retry import RetryPolicy
from qrbatch.rows.checks import QrRequest
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Faults, Sandbox, SandboxConfig, World
from qrbatch.sandbox.server import running_sandbox
from qrbatch.sandbox.state import Code

pytestmark = pytest.mark.anyio
PHONES = ["6281234567890", "6281298765432", "6591234567"]
FAST_RETRY = RetryPolicy(max_attempts=12, initial=0.01, maximum=0.05, max_seconds=60)


def requests(n: int, prefix: str = "msg") -> list[QrRequest]:
    return [QrRequest(PHONES[i % len(PHONES)], f"{prefix} {i}", "PNG") for i in range(n)]


async def run(
    sandbox: Sandbox,
    batch: list[QrRequest],
    journal: Journal,
    *,
    creds: Credentials | None = None,
    timeout: float = 5.0,
    reuse: bool = True,
    qps: float = 400.0,
    clock_skew: float = 0.0,
) -> tuple[ExecutionReport, CamsClient]:
    def clock() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=clock_skew)

    async with running_sandbox(sandbox) as (_, url):
        pacer = AdaptivePacer(qps)
        async with CamsClient(
            credentials=creds or Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET),
            pacer=pacer,
            endpoint=url,
            timeout=timeout,
            clock=clock,
        ) as client:
            runner = Executor(
                action=Create(reuse_existing=reuse),
                client=client,
                pacer=pacer,
                journal=journal,
                settings=ExecutionSettings(concurrency=32, retry=FAST_RETRY),
            )
            report = await runner.execute(batch)
    return report, client


def codes_by_message(sandbox: Sandbox) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for code in sandbox.world.accounts["demo"].all_codes():
        counts[(code.phone, code.message)] = counts.get((code.phone, code.message), 0) + 1
    return counts


async def test_every_request_is_created_once() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    with Journal(":memory:") as journal:
        report, _ = await run(sandbox, requests(60), journal)
        entries = journal.entries()
    assert report.created == 60
    assert all(e.state == "done" and e.qrdl_code for e in entries.values())
    assert set(codes_by_message(sandbox).values()) == {1}


async def test_faults_lose_nothing_and_duplicate_nothing() -> None:
    # Issue 4's mix: 5% 5xx (half before, half after acting), 2% connections dropped
    # before the commit, 2% after it, 1% answers slower than the client's timeout.
    faults = Faults(
        unavailable=0.025,
        internal_after_commit=0.025,
        drop_before_commit=0.02,
        drop_after_commit=0.02,
        slow=0.01,
        slow_seconds=1.0,
    )
    sandbox = Sandbox(config=SandboxConfig(qps=2000, faults=faults, seed=7))
    batch = requests(1000)
    with Journal(":memory:") as journal:
        report, client = await run(sandbox, batch, journal, timeout=0.3, qps=2000)
        entries = journal.entries()
    created = codes_by_message(sandbox)
    assert report.failed == 0
    assert {e.state for e in entries.values()} == {"done"}
    assert len(created) == 1000 and set(created.values()) == {1}, "a duplicate or a lost row"
    assert {e.qrdl_code for e in entries.values()} == {
        c.code for c in sandbox.world.accounts["demo"].all_codes()
    }
    assert report.reconciled > 0  # some outcomes were unknown and settled by List
    assert client.stats.errors  # faults really happened


async def test_throttling_is_retried_until_done() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=20))
    with Journal(":memory:") as journal:
        report, client = await run(sandbox, requests(40), journal, qps=100)
    assert report.created == 40
    assert client.stats.throttled > 0
    assert sandbox.stats.throttled == client.stats.throttled


async def test_live_codes_with_the_same_message_are_reused() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    account = sandbox.world.accounts["demo"]
    account.codes[PHONES[0]] = {
        "EXISTING000001": Code("EXISTING000001", PHONES[0], "msg 0", "PNG", "")
    }
    with Journal(":memory:") as journal:
        report, _ = await run(sandbox, requests(6), journal)
        entry = journal.get(QrRequest(PHONES[0], "msg 0", "PNG").key)
    assert (report.reused, report.created) == (1, 5)
    assert entry is not None and (entry.status, entry.qrdl_code) == ("reused", "EXISTING000001")


async def test_always_create_ignores_existing_codes() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    account = sandbox.world.accounts["demo"]
    account.codes[PHONES[0]] = {
        "EXISTING000001": Code("EXISTING000001", PHONES[0], "msg 0", "PNG", "")
    }
    with Journal(":memory:") as journal:
        report, client = await run(sandbox, requests(3), journal, reuse=False)
    assert (report.reused, report.created) == (0, 3)
    assert client.stats.calls["ListPhoneMessageQrdl"] == len(PHONES)  # for the cap only


async def test_the_2000_cap_fails_excess_rows_without_calling() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    account = sandbox.world.accounts["demo"]
    account.codes[PHONES[0]] = {
        f"C{i:013d}": Code(f"C{i:013d}", PHONES[0], f"old {i}", "PNG", "") for i in range(1998)
    }
    batch = [QrRequest(PHONES[0], f"new {i}", "PNG") for i in range(5)]
    with Journal(":memory:") as journal:
        report, client = await run(sandbox, batch, journal)
        entries = journal.entries()
    assert report.created == 2 and report.failed == 3
    assert client.stats.calls["CreatePhoneMessageQrdl"] == 2
    capped = [e for e in entries.values() if e.error_code == "QrdlLimitExceeded"]
    assert len(capped) == 3 and "1998" in capped[0].error_message


@pytest.mark.parametrize(
    ("key", "secret", "skew", "code", "fix"),
    [
        ("LTAInobody", "x", 0, "InvalidAccessKeyId.NotFound", "ACCESS_KEY_ID"),
        ("DEMO", "wrong-secret", 0, "SignatureDoesNotMatch", "ACCESS_KEY_SECRET"),
        ("LTAIlistonly", "s2", 0, "Forbidden.RAM", "cams:CreatePhoneMessageQrdl"),
        ("LTAIdisabled", "s3", 0, "Forbidden.AccessKeyDisabled", "enable the key"),
        ("LTAIunsub", "s4", 0, "Product.Unsubscript", "activate CAMS"),
        ("DEMO", DEMO_KEY_SECRET, 20 * 60, "InvalidTimeStamp.Expired", "NTP"),
    ],
)
async def test_account_errors_stop_the_run_at_once(
    key: str, secret: str, skew: float, code: str, fix: str
) -> None:
    world = World.demo()
    world.add_key("LTAIlistonly", "s2", "demo", actions={"ListPhoneMessageQrdl"})
    world.add_key("LTAIdisabled", "s3", "demo", enabled=False)
    world.add_account("unsubscribed", numbers=PHONES, subscribed=False)
    world.add_key("LTAIunsub", "s4", "unsubscribed")
    sandbox = Sandbox(world, SandboxConfig(qps=1000))
    creds = Credentials(DEMO_KEY_ID if key == "DEMO" else key, secret)
    with Journal(":memory:") as journal:
        report, client = await run(
            # 10/s: a call goes out every 100 ms, so only a loaded machine's slow answer
            # could let a second one leave before the first refusal is read
            sandbox, requests(50), journal, creds=creds, qps=10, clock_skew=skew
        )
        states = [e.state for e in journal.entries().values()]
    assert report.stopped_by is not None and report.stopped_by.code == code
    assert fix in report.stopped_by.fix
    # After the first refusal no further call goes out: only those already in flight.
    assert client.stats.total_calls - client.stats.calls.get("ListPhoneMessageQrdl", 0) <= 2
    assert states.count("pending") >= 45


async def test_a_rerun_resumes_and_sends_nothing_twice(tmp_path: Path) -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    batch = requests(30)
    with Journal(tmp_path / "j.db") as journal:
        await run(sandbox, batch[:10], journal)
    with Journal(tmp_path / "j.db") as journal:
        report, client = await run(sandbox, batch, journal)
    assert (report.already_done, report.created) == (10, 20)
    assert client.stats.calls["CreatePhoneMessageQrdl"] == 20
    assert set(codes_by_message(sandbox).values()) == {1}


async def test_rows_left_in_flight_are_reconciled_before_sending(tmp_path: Path) -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=1000))
    landed, lost = QrRequest(PHONES[0], "landed", "PNG"), QrRequest(PHONES[0], "lost", "PNG")
    sandbox.world.accounts["demo"].create(landed.phone, landed.message, "PNG", "")
    with Journal(tmp_path / "j.db") as journal:  # a crash left both in flight
        journal.add_pending([landed, lost])
        journal.mark(landed.key, "inflight", attempts=1)
        journal.mark(lost.key, "inflight", attempts=1)
    with Journal(tmp_path / "j.db") as journal:
        report, client = await run(sandbox, [landed, lost], journal, reuse=False)
        landed_entry = journal.get(landed.key)
    assert report.reconciled == 1 and report.created == 2
    assert landed_entry is not None and landed_entry.status == "created"
    assert client.stats.calls["CreatePhoneMessageQrdl"] == 1
    assert set(codes_by_message(sandbox).values()) == {1}


@pytest.mark.parametrize("reuse", [False, True], ids=["create", "list first"])
async def test_stop_cuts_a_retrys_wait_short_and_sends_nothing_after_it(reuse: bool) -> None:
    # The service answers every call 503; Stop is pressed at the first retry, whose wait
    # here never ends by itself: the run still ends, and nothing more goes out.
    import anyio

    from qrbatch.engine.events import Event, Retrying

    actions = frozenset({"CreatePhoneMessageQrdl", "ListPhoneMessageQrdl"})
    faults = Faults(unavailable=1.0, actions=actions)
    sandbox = Sandbox(config=SandboxConfig(qps=1000, faults=faults))

    async def forever(seconds: float) -> None:
        await anyio.sleep_forever()

    async with running_sandbox(sandbox) as (_, url):
        pacer = AdaptivePacer(100)
        creds = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
        async with CamsClient(credentials=creds, pacer=pacer, endpoint=url) as client:

            def events(item: Event) -> None:
                if isinstance(item, Retrying):
                    runner.request_stop()

            with Journal(":memory:") as journal:
                runner = Executor(
                    action=Create(reuse_existing=reuse),
                    client=client,
                    pacer=pacer,
                    journal=journal,
                    settings=ExecutionSettings(concurrency=1, retry=FAST_RETRY),
                    sleep=forever,
                    events=events,
                )
                with anyio.fail_after(10):  # a bound, not the measure: it ends at once
                    report = await runner.execute(requests(1))
                states = [e.state for e in journal.entries().values()]
    assert report.interrupted and report.created == 0
    assert client.stats.total_calls == 1  # the one that failed; none after the press
    assert states == ["pending"]
