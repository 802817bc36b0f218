"""list, update and delete round trips against the sandbox, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qrbatch.sandbox import Sandbox, SandboxConfig, SandboxThread
from tests.support.cli import qrbatch
from tests.support.sandbox import creds
from tests.support.sheets import results, write_csv, write_xlsx

PHONES = ["6281234567890", "6591234567"]


def make_codes(tmp_path: Path, server: SandboxThread) -> Path:
    rows = [["Phone", "Message"]] + [[PHONES[i % 2], f"Offer {i}"] for i in range(6)]
    source = write_csv(tmp_path / "campaign.csv", rows)
    done = qrbatch(
        "run", str(source), "--endpoint", server.url, "--qps", "50", "--no-images", env=creds()
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "campaign.results.xlsx"


def live(server: SandboxThread) -> dict[str, str]:
    return {c.code: c.message for c in server.sandbox.world.accounts["demo"].all_codes()}


def test_list_exports_every_live_code_of_the_numbers(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    make_codes(tmp_path, sandbox_thread)
    out = tmp_path / "codes.xlsx"
    done = qrbatch("list", *PHONES, "-o", str(out), "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 0, done.stderr
    rows = results(out)
    assert {r["QrdlCode"]: r["PrefilledMessage"] for r in rows} == live(sandbox_thread)
    assert {r["Status"] for r in rows} == {"listed"}
    assert "2 numbers: 6 live codes listed" in done.stdout


def test_update_changes_only_edited_messages(tmp_path: Path, sandbox_thread: SandboxThread) -> None:
    make_codes(tmp_path, sandbox_thread)
    out = tmp_path / "codes.xlsx"
    assert (
        qrbatch(
            "list", *PHONES, "-o", str(out), "--endpoint", sandbox_thread.url, env=creds()
        ).returncode
        == 0
    )
    workbook = load_workbook(out)
    sheet = workbook["Results"]
    header = [c.value for c in sheet[1]]
    message_col = header.index("PrefilledMessage") + 1
    edited_code = sheet.cell(row=2, column=header.index("QrdlCode") + 1).value
    sheet.cell(row=2, column=message_col).value = "New offer 🎉"
    workbook.save(out)
    done = qrbatch("update", str(out), "--yes", "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 0, done.stderr
    rows = results(tmp_path / "codes.updated.xlsx")
    assert [r["Status"] for r in rows].count("updated") == 1
    assert [r["ErrorCode"] for r in rows].count("Unchanged") == 5
    updated = next(r for r in rows if r["Status"] == "updated")
    assert live(sandbox_thread)[str(updated["QrdlCode"])] == "New offer 🎉"  # the new code
    assert str(edited_code) not in live(sandbox_thread)  # the old one is retired
    assert str(edited_code) in str(updated["ErrorMessage"])  # and named, for the record


def test_delete_removes_the_codes_of_a_results_workbook_and_a_rerun_is_harmless(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    workbook = make_codes(tmp_path, sandbox_thread)
    done = qrbatch("delete", str(workbook), "--yes", "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 0, done.stderr
    assert live(sandbox_thread) == {}
    assert {r["Status"] for r in results(tmp_path / "campaign.results.deleted.xlsx")} == {"deleted"}
    calls = dict(sandbox_thread.sandbox.stats.accepted)
    again = qrbatch("delete", str(workbook), "--yes", "--endpoint", sandbox_thread.url, env=creds())
    assert again.returncode == 0, again.stderr  # this journal deleted them: done, no call
    assert dict(sandbox_thread.sandbox.stats.accepted) == calls
    forgotten = qrbatch(
        "delete", str(workbook), "--yes", "--fresh", "--endpoint", sandbox_thread.url, env=creds()
    )
    assert forgotten.returncode == 1  # a code the service does not know is not "deleted"
    rows = results(tmp_path / "campaign.results.deleted.xlsx")
    assert {r["Status"] for r in rows} == {"notfound"}
    assert "6 not found" in forgotten.stdout


def test_delete_off_a_terminal_refuses_without_yes_and_sends_nothing(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_xlsx(
        tmp_path / "codes.xlsx", [["PhoneNumber", "QrdlCode"], [PHONES[0], "ABCDEFGHIJKLMN"]]
    )
    done = qrbatch("delete", str(source), "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 2
    assert "--yes" in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_update_records_the_new_code_and_delete_of_that_workbook_removes_it(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    make_codes(tmp_path, sandbox_thread)
    out = tmp_path / "codes.xlsx"
    assert qrbatch("list", PHONES[0], "-o", str(out), "--endpoint", sandbox_thread.url,
                   env=creds()).returncode == 0  # fmt: skip
    workbook = load_workbook(out)
    sheet = workbook["Results"]
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=header.index("PrefilledMessage") + 1)
        cell.value = f"{cell.value} (new)"
    workbook.save(out)
    old = set(live(sandbox_thread))
    assert qrbatch("update", str(out), "--yes", "--endpoint", sandbox_thread.url,
                   env=creds()).returncode == 0  # fmt: skip
    updated = results(tmp_path / "codes.updated.xlsx")
    new_codes = {str(r["QrdlCode"]) for r in updated}
    assert new_codes <= set(live(sandbox_thread)) and not new_codes & old
    done = qrbatch("delete", str(tmp_path / "codes.updated.xlsx"), "--yes", "--endpoint",
                   sandbox_thread.url, env=creds())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {r["Status"] for r in results(tmp_path / "codes.updated.deleted.xlsx")} == {"deleted"}
    assert not new_codes & set(live(sandbox_thread))  # the codes update answered with are gone


@pytest.mark.parametrize(
    ("config", "key_actions", "code"),
    [
        ({"ram_denial_code": "NoPermission"}, ("ListPhoneMessageQrdl",), "NoPermission"),
        ({}, ("ListPhoneMessageQrdl",), "Forbidden.RAM"),
        ({"api_version": "2099-01-01"}, None, "InvalidVersion"),
        (
            {"missing_actions": frozenset({"DeletePhoneMessageQrdl"})},
            None,
            "InvalidAction.NotFound",
        ),
    ],
)
def test_an_account_level_refusal_stops_delete_with_exit_3_after_one_call(
    tmp_path: Path, config: dict[str, object], key_actions: tuple[str, ...] | None, code: str
) -> None:
    source = write_xlsx(
        tmp_path / "codes.xlsx",
        [["PhoneNumber", "QrdlCode"], *([PHONES[0], f"CODE{i:010d}"] for i in range(5))],
    )
    sandbox = Sandbox(config=SandboxConfig(qps=200, **config))  # type: ignore[arg-type]
    if key_actions is not None:
        sandbox.world.add_key("LTAI5limited", "limited-secret", "demo", actions=key_actions)
    env = (
        {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5limited",
         "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "limited-secret"}
        if key_actions is not None
        else creds()
    )  # fmt: skip
    with SandboxThread(sandbox) as server:
        done = qrbatch("delete", str(source), "--yes", "--endpoint", server.url,
                       "--log-format", "json", env=env)  # fmt: skip
    assert done.returncode == 3, done.stderr
    rows = results(tmp_path / "codes.deleted.xlsx")  # written for what was done
    assert [r["ErrorCode"] for r in rows].count(code) == 1  # stopped after the first refusal
    assert [r["ErrorCode"] for r in rows].count("NotSent") == 4
    stop = next(json.loads(line) for line in done.stderr.splitlines()
                if json.loads(line)["event"] == "account_stop")  # fmt: skip
    assert stop["code"] == code and stop["fix"]
    assert "limited-secret" not in done.stderr + done.stdout


def test_run_then_delete_then_run_again_recreates_and_never_reports_dead_codes(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    workbook = make_codes(tmp_path, sandbox_thread)
    first = {str(r["QrdlCode"]) for r in results(workbook)}
    gone = qrbatch("delete", str(workbook), "--yes", "--endpoint", sandbox_thread.url,
                   "-o", str(tmp_path / "gone.xlsx"), env=creds())  # fmt: skip
    assert gone.returncode == 0 and live(sandbox_thread) == {}
    again = qrbatch("run", str(tmp_path / "campaign.csv"), "--endpoint", sandbox_thread.url,
                    "--no-images", env=creds())  # fmt: skip
    assert again.returncode == 0, again.stderr
    rows = results(workbook)
    assert {r["Status"] for r in rows} == {"created"}
    assert {str(r["QrdlCode"]) for r in rows} == set(live(sandbox_thread))  # live, all of them
    assert not first & set(live(sandbox_thread))
    assert all("no longer live" in str(r["ErrorMessage"]) for r in rows)
