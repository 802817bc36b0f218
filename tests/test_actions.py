"""Update and Delete through the one executor, in process, against the real sandbox:
what a user of ``qrbatch update``/``delete`` would see in the results, call by call."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials
from qrbatch.engine.actions import Create, Delete, Update
from qrbatch.engine.executor import ExecutionReport, ExecutionSettings, Executor
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.retry import RetryPolicy
from qrbatch.outputs.outcomes import Entry
from qrbatch.rows.checks import QrRequest
from qrbatch.rows.codes import CodeRequest, check_codes
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Faults, Sandbox, SandboxConfig
from qrbatch.sandbox.server import running_sandbox
from qrbatch.sheets.read import InputRow, Sheet

pytestmark = pytest.mark.anyio
PHONE = "6281234567890"
FAST = RetryPolicy(max_attempts=6, initial=0.01, maximum=0.02, max_seconds=30)
DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)


async def execute(
    sandbox: Sandbox,
    action: Create | Update | Delete,
    requests: list[QrRequest] | list[CodeRequest],
    journal: Journal,
    creds: Credentials = DEMO,
    qps: float = 500,
) -> ExecutionReport:
    async with running_sandbox(sandbox) as (_, url):
        pacer = AdaptivePacer(qps)
        async with CamsClient(credentials=creds, pacer=pacer, endpoint=url, timeout=2) as client:
            executor = Executor(
                action=action,
                client=client,
                pacer=pacer,
                journal=journal,
                settings=ExecutionSettings(concurrency=8, retry=FAST),
            )
            return await executor.execute(requests)


def live(sandbox: Sandbox) -> dict[str, str]:
    return {c.code: c.message for c in sandbox.world.accounts["demo"].all_codes()}


def calls(sandbox: Sandbox, action: str) -> int:
    return sandbox.stats.accepted.get(action, 0)


async def make_codes(sandbox: Sandbox, messages: list[str]) -> dict[str, str]:
    with Journal(":memory:") as journal:
        await execute(sandbox, Create(), [QrRequest(PHONE, m, "PNG") for m in messages], journal)
    return {message: code for code, message in live(sandbox).items()}


def entries(journal: Journal, requests: list[CodeRequest]) -> list[Entry]:
    found = journal.entries()
    return [found[r.key] for r in requests]


async def test_update_of_a_code_that_is_not_live_is_not_found_and_sends_no_update() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    await make_codes(sandbox, ["a"])
    request = CodeRequest("update", PHONE, "NOSUCHCODE1234", "new", "PNG")
    with Journal(":memory:") as journal:
        report = await execute(sandbox, Update(), [request], journal)
        (entry,) = entries(journal, [request])
    assert (entry.status, entry.error_code) == ("notfound", "NotFound")
    assert calls(sandbox, "UpdatePhoneMessageQrdl") == 0
    assert report.failed == 1


async def test_an_unchanged_message_is_skipped_without_a_call() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    codes = await make_codes(sandbox, ["same"])
    request = CodeRequest("update", PHONE, codes["same"], "same", "PNG")
    with Journal(":memory:") as journal:
        await execute(sandbox, Update(), [request], journal)
        (entry,) = entries(journal, [request])
    assert (entry.status, entry.error_code) == ("skipped", "Unchanged")
    assert calls(sandbox, "UpdatePhoneMessageQrdl") == 0


async def test_an_update_whose_answer_is_lost_is_settled_by_list_never_resent() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    codes = await make_codes(sandbox, ["old"])
    sandbox.config = SandboxConfig(
        qps=500,
        faults=Faults(drop_after_commit=1.0, actions=frozenset({"UpdatePhoneMessageQrdl"})),
    )
    request = CodeRequest("update", PHONE, codes["old"], "new message", "PNG")
    with Journal(":memory:") as journal:
        report = await execute(sandbox, Update(), [request], journal)
        (entry,) = entries(journal, [request])
    assert calls(sandbox, "UpdatePhoneMessageQrdl") == 1  # landed once, never resent
    assert entry.status == "updated"
    assert live(sandbox)[entry.qrdl_code] == "new message"  # the code that is live now
    assert report.reconciled == 1


async def test_a_delete_whose_answer_is_lost_is_settled_by_list() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    codes = await make_codes(sandbox, ["bye"])
    sandbox.config = SandboxConfig(
        qps=500,
        faults=Faults(drop_after_commit=1.0, actions=frozenset({"DeletePhoneMessageQrdl"})),
    )
    request = CodeRequest("delete", PHONE, codes["bye"])
    with Journal(":memory:") as journal:
        await execute(sandbox, Delete(), [request], journal)
        (entry,) = entries(journal, [request])
    assert entry.status == "deleted"
    assert live(sandbox) == {}
    assert calls(sandbox, "DeletePhoneMessageQrdl") == 1


async def test_a_code_the_service_does_not_know_is_not_reported_deleted() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    request = CodeRequest("delete", PHONE, "UNKNOWNCODE123")
    with Journal(":memory:") as journal:
        report = await execute(sandbox, Delete(), [request], journal)
        (entry,) = entries(journal, [request])
    assert entry.status == "notfound"
    assert "another account" in entry.error_message
    assert report.failed == 1


async def test_an_account_refusal_stops_update_and_delete_after_one_call() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    codes = await make_codes(sandbox, [f"m{i}" for i in range(5)])
    wrong = Credentials(DEMO_KEY_ID, "not-the-secret")
    for action, requests in (
        (Delete(), [CodeRequest("delete", PHONE, c) for c in codes.values()]),
        (Update(), [CodeRequest("update", PHONE, c, "x", "PNG") for c in codes.values()]),
    ):
        with Journal(":memory:") as journal:
            # at the account's real pace: the refusal is back before the next slot
            report = await execute(sandbox, action, requests, journal, creds=wrong, qps=5)
        assert report.stopped_by is not None
        assert report.stopped_by.code == "SignatureDoesNotMatch"
        assert report.statuses.total() <= 1  # the first refusal stops the run
    assert sum(sandbox.stats.refused.values()) <= 2  # one refused call per action
    assert len(live(sandbox)) == 5  # nothing changed


async def test_done_codes_that_died_are_recreated_not_reported_live() -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=500))
    requests = [QrRequest(PHONE, f"promo {i}", "PNG") for i in range(3)]
    with Journal(":memory:") as journal:
        await execute(sandbox, Create(), requests, journal)
        first = {r.key: journal.entries()[r.key].qrdl_code for r in requests}
        dead = first[requests[0].key]
        sandbox.world.accounts["demo"].codes[PHONE].pop(dead)  # deleted by hand meanwhile
        report = await execute(sandbox, Create(), requests, journal)
        again = journal.entries()
    assert report.already_done == 2 and report.created == 1
    assert again[requests[0].key].qrdl_code != dead
    assert again[requests[0].key].qrdl_code in live(sandbox)
    assert f"earlier code {dead} is no longer live" in again[requests[0].key].error_message


def test_a_sheet_that_asks_two_things_of_one_code_is_refused_row_by_row() -> None:
    sheet = Sheet(
        path=Path("codes.xlsx"),
        sheet_name="Results",
        header_row=1,
        columns=("PhoneNumber", "QrdlCode", "PrefilledMessage"),
        rows=[
            InputRow(2, (PHONE, "CODE1", "first wish")),
            InputRow(3, (PHONE, "CODE1", "second wish")),
            InputRow(4, (PHONE, "CODE2", "fine")),
        ],
    )
    checked = check_codes(sheet, "update")
    assert [c.state for c in checked] == ["invalid", "invalid", "ok"]
    assert checked[0].error_code == "ConflictingRows"
    assert "rows 2, 3" in checked[0].error_message
