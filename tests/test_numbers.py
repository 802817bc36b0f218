"""The account decides the numbers: every business number resolved against the account's
own WhatsApp numbers (QueryChatappPhoneNumbers) before any code is made."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest
from openpyxl import Workbook, load_workbook

import qrbatch
from qrbatch.cams.credentials import Credentials
from qrbatch.cli import main
from qrbatch.outputs.printing import items_from_results
from qrbatch.rows.phones import RowProblem, display, readings, resolve_phone
from qrbatch.run.exit_codes import ExitCode
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, World
from qrbatch.sandbox.server import SandboxThread

OWNED = {"6281234567001", "6281234567002", "6281234567003", "6281234567004"}
ACCOUNT = [
    ("6281234567001", "CONNECTED", "Kios Satu"),
    ("6281234567002", "CONNECTED", ""),
    ("6281234567003", "CONNECTED", "Toko Tiga"),
    ("6281234567004", "CONNECTED", ""),
    ("6281234567005", "BANNED", "Kios Lima"),
    ("6281234567006", "FLAGGED", "Kios Enam"),
]
SHEET = [
    ["Store", "PhoneNumber", "PrefilledMessage"],
    ["A", "0812-3456-7001", "Halo A"],
    ["B", "812-3456-7002", "Halo B"],
    ["C", 81234567003, "Halo C"],  # a number cell: Excel dropped the 0
    ["D", "+62 812 3456 7004", "Halo D"],
    ["E", "0812-3456-7999", "Halo E"],  # not the account's
    ["F", "0812-3456-7005", "Halo F"],  # banned
    ["G", "0812-3456-7006", "Halo G"],  # flagged
]
CREATE = "CreatePhoneMessageQrdl"


def workbook(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@contextlib.contextmanager
def account(numbers_query: str = "allowed") -> Iterator[SandboxThread]:
    """A sandbox whose account owns ACCOUNT (and no sample numbers of this sheet)."""
    world = World.demo(numbers=ACCOUNT)
    config = SandboxConfig(qps=200, numbers_query=numbers_query)  # type: ignore[arg-type]
    with SandboxThread(Sandbox(world, config)) as server:
        yield server


CREDENTIALS = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET, source="test")


def run(job: qrbatch.Job) -> qrbatch.RunResult:
    return anyio.run(lambda: qrbatch.run_batch(job, credentials=CREDENTIALS))


# Resolution rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0812-3456-7001", "6281234567001"),  # national, with the trunk 0
        ("812-3456-7002", "6281234567002"),  # national, the 0 lost
        ("81234567003", "6281234567003"),  # also Japanese (+81) as written: not the account's
        ("81234567003.0", "6281234567003"),  # a number cell read as a float
        ("+62 812 3456 7004", "6281234567004"),  # international
        ("0062 812 3456 7004", "6281234567004"),
    ],
)
def test_each_reading_finds_the_one_account_number(cell: str, expected: str) -> None:
    assert resolve_phone(cell, OWNED) == expected


def test_the_region_box_does_not_override_the_account() -> None:
    # With MX as the default region the digits would be Mexican; the account says +62.
    assert resolve_phone("81234567003", OWNED, default_region="MX") == "6281234567003"


def test_a_number_not_the_accounts_names_the_closest_of_them() -> None:
    with pytest.raises(RowProblem) as caught:
        resolve_phone("0812-3456-7009", OWNED)
    assert caught.value.code == "NotAccountNumber"
    assert "+62 812-3456-700" in caught.value.message
    assert "national number" in caught.value.message  # no region given: say to give it
    with pytest.raises(RowProblem) as caught:
        resolve_phone("0812-3456-7009", OWNED, default_region="ID")
    assert "national" not in caught.value.message  # a region was given: the closest alone


def test_two_account_numbers_a_cell_could_be_are_ambiguous() -> None:
    japanese = "81234567003"  # +81 23-456-7003 as written
    assert japanese in readings("81234567003", ["ID"])
    with pytest.raises(RowProblem) as caught:
        resolve_phone("81234567003", {japanese, "6281234567003"})
    assert caught.value.code == "AmbiguousPhone"
    assert display(japanese) in caught.value.message
    assert display("6281234567003") in caught.value.message


def test_the_rows_country_column_serves_when_the_account_cannot_be_asked(
    tmp_path: Path,
) -> None:
    source = workbook(
        tmp_path / "mx.xlsx",
        [
            ["Phone", "Message", "Negara"],
            ["55 1234 5678", "Hola", "MX"],
            ["0812-3456-7890", "Hi", "ID"],
        ],
    )
    validated = qrbatch.validate_input(qrbatch.Job(input=source))
    phones = [row.request.phone for row in validated.rows if row.request is not None]
    assert phones == ["525512345678", "6281234567890"]


def test_a_country_that_is_not_a_code_is_a_row_problem(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "x.xlsx", [["Phone", "Message", "Country"], ["0812", "Hi", "Indo"]]
    )
    validated = qrbatch.validate_input(qrbatch.Job(input=source))
    assert [r.error_code for r in validated.rows] == ["InvalidCountry"]


# A run on an account that answers the query ---------------------------------------------


def test_the_account_decides_every_number_before_any_create(tmp_path: Path) -> None:
    source = workbook(tmp_path / "shops.xlsx", SHEET)
    with account() as server:
        job = qrbatch.Job(input=source, endpoint=server.url, qps=100, images=False)
        result = run(job)
        stats = server.sandbox.stats
        queries = server.sandbox.world.accounts["demo"].number_queries
    rows = {cells[0]: r for cells, r in zip((s for s in SHEET[1:]), result.results, strict=True)}
    for store, phone in zip("ABCD", sorted(OWNED), strict=True):
        assert rows[store].status == "created", store
        assert rows[store].sent_phone == f"+{phone}"
    assert rows["A"].business_name == "Kios Satu"
    assert rows["C"].business_name == "Toko Tiga"
    assert (rows["E"].status, rows["E"].error_code) == ("invalid", "NotAccountNumber")
    assert (rows["F"].status, rows["F"].error_code) == ("invalid", "NumberNotUsable")
    assert "BANNED" in rows["F"].error_message
    assert (rows["G"].status, rows["G"].error_code) == ("created", "NumberWarning")
    assert "FLAGGED" in rows["G"].error_message
    # One query; a Create for each of the five numbers that get codes, none for E or F.
    assert queries == 1
    assert stats.accepted[CREATE] == 5
    assert result.summary.error_codes["NumberWarning"] == 1
    assert any("FLAGGED" in note for note in result.summary.notes)
    assert result.exit_code == ExitCode.ROWS_FAILED


def test_the_workbook_and_the_pdf_show_the_number_sent(tmp_path: Path) -> None:
    source = workbook(tmp_path / "shops.xlsx", SHEET[:3])
    with account() as server:
        job = qrbatch.Job(input=source, endpoint=server.url, qps=100, images=False)
        result = run(job)
    sheet = load_workbook(result.output, read_only=True)["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    sent = rows[0].index("SentPhoneNumber")
    assert [r[sent] for r in rows[1:]] == ["+6281234567001", "+6281234567002"]
    assert rows[1][rows[0].index("BusinessName")] == "Kios Satu"
    read = qrbatch.validate_input(job).sheet
    items = items_from_results(read, result.results)
    assert [i.phone for i in items] == ["+62 812-3456-7001", "+62 812-3456-7002"]


def test_a_denied_query_runs_by_the_written_rules_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = workbook(tmp_path / "shops.xlsx", SHEET)
    with account(numbers_query="denied") as server, caplog.at_level(logging.WARNING):
        job = qrbatch.Job(
            input=source, endpoint=server.url, qps=100, images=False, default_region="ID"
        )
        result = run(job)
    warnings = [r for r in caplog.records if "cams:QueryChatappPhoneNumbers" in r.getMessage()]
    assert len(warnings) == 1
    # As before the account could tell: digits valid both as written and as national
    # numbers are never guessed, and E is refused by the service at Create time.
    outcomes = [(r.status, r.error_code) for r in result.results]
    assert outcomes == [
        ("created", ""),
        ("invalid", "AmbiguousPhone"),
        ("invalid", "AmbiguousPhone"),
        ("created", ""),
        ("failed", "Unknown.ResourceOwnerId"),
        ("created", ""),
        ("created", ""),
    ]
    assert result.exit_code == ExitCode.ROWS_FAILED


def test_a_gateway_that_does_not_know_the_query_is_no_stop(tmp_path: Path) -> None:
    source = workbook(tmp_path / "d.xlsx", [SHEET[0], SHEET[4]])
    with account(numbers_query="unknown") as server:
        result = run(qrbatch.Job(input=source, endpoint=server.url, qps=100, images=False))
    assert [r.status for r in result.results] == ["created"]
    assert result.exit_code == ExitCode.OK


def test_the_in_process_sandbox_adopts_the_sheets_national_numbers(tmp_path: Path) -> None:
    source = workbook(tmp_path / "n.xlsx", [SHEET[0], ["A", "0812-3456-7111", "Halo"]])
    job = qrbatch.Job(input=source, endpoint="sandbox", default_region="ID", images=False)
    result = anyio.run(lambda: qrbatch.run_batch(job))
    assert [(r.status, r.sent_phone) for r in result.results] == [("created", "+6281234567111")]


def test_a_demo_number_that_lost_its_0_is_the_demo_number_not_a_new_one(
    tmp_path: Path,
) -> None:
    """81234567890 is 0812-3456-7890 with the 0 Excel dropped: the sandbox must not adopt
    its literal reading (+81 ...) and make the row ambiguous."""
    source = workbook(tmp_path / "n.xlsx", [SHEET[0], ["A", 81234567890, "Halo"]])
    job = qrbatch.Job(input=source, endpoint="sandbox", images=False)
    result = anyio.run(lambda: qrbatch.run_batch(job))
    assert [(r.status, r.sent_phone) for r in result.results] == [("created", "+6281234567890")]


# The commands -----------------------------------------------------------------------------


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_KEY_SECRET)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main.main(args=args, standalone_mode=False)
    return int(exited.value.code or 0), out.getvalue()


def test_qrbatch_numbers_lists_names_statuses_and_live_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "numbers.xlsx"
    with account() as server:
        code, out = cli(["numbers", "--endpoint", server.url, "-o", str(target)], monkeypatch)
    assert code == 0
    assert "Kios Satu" in out and "BANNED" in out and "FLAGGED" in out
    rows = list(load_workbook(target, read_only=True)["Numbers"].iter_rows(values_only=True))
    assert rows[0][:3] == ("PhoneNumber", "BusinessName", "Status")
    banned = next(r for r in rows if r[0] == "+6281234567005")
    assert banned[2] == "BANNED" and banned[6] == 0


def test_qrbatch_numbers_says_which_permission_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with account(numbers_query="denied") as server:
        code, _ = cli(["numbers", "--endpoint", server.url], monkeypatch)
    assert code == ExitCode.ACCOUNT


def test_validate_against_the_account_makes_exactly_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = workbook(tmp_path / "shops.xlsx", SHEET)
    with account() as server:
        code, _ = cli(
            ["validate", str(source), "--against-account", "--endpoint", server.url,
             "--log-format", "json"],
            monkeypatch,
        )  # fmt: skip
        calls = sum(server.sandbox.stats.accepted.values())
        queries = server.sandbox.world.accounts["demo"].number_queries
    assert (calls, queries) == (1, 1)
    assert code == ExitCode.ROWS_FAILED  # E and F
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    decided = {line["row"]: line["phone"] for line in lines if line["event"] == "row_number"}
    assert decided[2] == "+6281234567001" and decided[4] == "+6281234567003"
    problems = {line["row"]: line["code"] for line in lines if line["event"] == "row_problem"}
    assert problems == {6: "NotAccountNumber", 7: "NumberNotUsable"}


def test_a_code_made_before_its_number_was_banned_stays_in_the_results(tmp_path: Path) -> None:
    source = workbook(tmp_path / "shops.xlsx", SHEET[:3])
    with account() as server:
        job = qrbatch.Job(input=source, endpoint=server.url, qps=100, images=False)
        first = run(job)
        server.sandbox.world.accounts["demo"].register(("6281234567001", "BANNED", "Kios Satu"))
        again = run(job)
    assert [r.status for r in first.results] == ["created", "created"]
    assert [r.qrdl_code for r in again.results] == [r.qrdl_code for r in first.results]
    assert (again.results[0].status, again.results[0].error_code) == ("created", "NumberWarning")
    assert "BANNED" in again.results[0].error_message


def test_a_space_the_service_refuses_makes_its_rows_invalid_and_the_rest_run(
    tmp_path: Path,
) -> None:
    rows = [
        ["PhoneNumber", "PrefilledMessage", "CustSpaceId"],
        ["0812-3456-7001", "Halo", ""],
        ["0812-3456-7002", "Halo", "not-our-space"],
    ]
    source = workbook(tmp_path / "spaces.xlsx", rows)
    with account() as server:
        result = run(qrbatch.Job(input=source, endpoint=server.url, qps=100, images=False))
    assert [(r.status, r.error_code) for r in result.results] == [
        ("created", ""),
        ("invalid", "Unknown.ResourceOwnerId"),
    ]
    assert result.output.exists() and result.exit_code == ExitCode.ROWS_FAILED


def test_qrbatch_numbers_writes_its_workbook_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "numbers.xlsx"
    with account() as server:
        first, _ = cli(["numbers", "--endpoint", server.url, "-o", str(target)], monkeypatch)
        second, _ = cli(["numbers", "--endpoint", server.url, "-o", str(target)], monkeypatch)
    assert (first, second) == (0, 0)  # the command's own example, run twice
