"""The command line, as users and cron scripts run it: exit codes, words, files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image

from qrbatch.cli.commands import main
from qrbatch.sandbox import Sandbox, SandboxConfig, SandboxThread
from tests.support.cli import ROOT, qrbatch, qrbatch_process
from tests.support.sandbox import creds
from tests.support.sheets import results, write_csv, write_xlsx

GOOD = [
    ["Store", "Phone Number", "Message"],
    ["A", 6281234567890, "Hello 1"],
    ["B", "+62 812-9876-5432", "Halo 2"],
    ["A", 6281234567890, "Hello 1"],
]


def test_run_against_a_separate_sandbox_creates_one_code_per_unique_row(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_xlsx(tmp_path / "campaign.xlsx", GOOD)
    done = qrbatch(
        "run",
        str(source),
        "--endpoint",
        sandbox_thread.url,
        "--no-progress",
        "--qps",
        "50",
        env=creds(),
    )
    assert done.returncode == 0, done.stderr
    rows = results(tmp_path / "campaign.results.xlsx")
    assert [r["Status"] for r in rows] == ["created"] * 3
    assert rows[0]["Phone Number"] == "6281234567890"
    assert rows[0]["QrdlCode"] == rows[2]["QrdlCode"]  # a duplicate row is sent once
    assert sandbox_thread.sandbox.world.accounts["demo"].created == 2
    assert "3 created" in done.stdout.strip().splitlines()[-1]
    images = sorted(p.name for p in (tmp_path / "campaign.results_qr").glob("row*.png"))
    assert images == [
        f"row00002_6281234567890_{rows[0]['QrdlCode']}.png",
        f"row00003_6281298765432_{rows[1]['QrdlCode']}.png",
        f"row00004_6281234567890_{rows[0]['QrdlCode']}.png",
    ]
    served = Image.open(tmp_path / "campaign.results_qr" / images[0])
    assert [c.text for c in zxingcpp.read_barcodes(served)] == [rows[0]["DeepLinkUrl"]]
    workbook = load_workbook(tmp_path / "campaign.results.xlsx")
    assert len(workbook["Results"]._images) == 3


def test_missing_credentials_exit_2_with_how_to_fix_and_no_call(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_xlsx(tmp_path / "c.xlsx", GOOD)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url)
    assert done.returncode == 2
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in done.stderr and "--endpoint sandbox" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c.results.xlsx").exists()
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_account_error_exit_3_writes_the_workbook_and_never_shows_the_secret(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    secret = "wrong-secret-8d1f0c2a"
    source = write_xlsx(tmp_path / "c.xlsx", GOOD)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "-v", env=creds(secret))
    assert done.returncode == 3
    assert (
        "SignatureDoesNotMatch" in done.stderr and "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in done.stderr
    )
    workbook = tmp_path / "c.results.xlsx"
    assert workbook.exists()
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret not in done.stdout + done.stderr
    assert secret.encode() not in written


def test_an_account_stop_names_the_key_it_used_even_when_quiet(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    """-q (the documented crontab line) hides the log's credentials line: the stop says it."""
    source = write_xlsx(tmp_path / "c.xlsx", GOOD)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "-q",
                   env=creds("wrong-secret-8d1f0c2a"))  # fmt: skip
    assert done.returncode == 3
    assert "(the key used: environment, AccessKey ID LTAI5sandboxDemoKey)" in done.stderr
    assert "the log names" not in done.stderr and "wrong-secret" not in done.stderr


@pytest.mark.parametrize(
    ("name", "content", "extra", "words"),
    [
        ("missing.csv", None, (), "no such file"),
        ("empty.csv", b"", (), "the file is empty"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", (), "not a readable Excel workbook"),
        ("notes.pdf", b"%PDF-1.4", (), "not a spreadsheet"),
        ("contacts.csv", b"Name,Email\nA,a@example.com\n", (), "'Name', 'Email'"),
        ("campaign.xlsx", "xlsx", ("--sheet", "Nope"), "Sheets: 'Sheet1'"),
    ],
)
def test_bad_input_files_exit_2_name_the_file_and_call_nothing(
    tmp_path: Path,
    sandbox_thread: SandboxThread,
    name: str,
    content: bytes | str | None,
    extra: tuple[str, ...],
    words: str,
) -> None:
    source = tmp_path / name
    if content == "xlsx":
        write_xlsx(source, GOOD)
    elif isinstance(content, bytes):
        source.write_bytes(content)
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, *extra, env=creds())
    assert done.returncode == 2
    assert name in done.stderr and words in done.stderr
    assert "Traceback" not in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_invalid_rows_exit_1_with_the_reason_in_the_workbook(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "c.csv",
        [["Phone", "Message"], ["6281234567890", "ok"], ["6281234567890", "x" * 141]],
    )
    done = qrbatch("run", str(source), "--endpoint", "sandbox", "--no-progress")
    assert done.returncode == 1, done.stderr
    rows = results(tmp_path / "c.results.xlsx")
    assert [r["Status"] for r in rows] == ["created", "invalid"]
    assert rows[1]["ErrorCode"] == "MessageTooLong"
    assert "sandbox" in done.stderr


def test_validate_checks_without_calling_and_writes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write_csv(tmp_path / "good.csv", [["Phone", "Message"], ["6281234567890", "ok"]])
    bad = write_csv(
        tmp_path / "bad.csv", [["Phone", "Message"], ["12", "ok"], ["6281234567890", ""]]
    )
    ok = runner.invoke(main, ["validate", str(good)])
    failed = runner.invoke(main, ["validate", str(bad)])
    assert ok.exit_code == 0 and "1 valid, 0 invalid" in ok.output
    assert failed.exit_code == 1
    assert "row 2: InvalidPhone" in failed.output and "row 3: MissingMessage" in failed.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "good.csv"]


def test_a_job_file_with_an_unknown_key_exits_2(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text('[job]\ninput = "x.csv"\nqsp = 5\n')
    done = CliRunner().invoke(main, ["run", str(job)])
    assert done.exit_code == 2
    assert "unknown key 'qsp'" in done.output and "qps" in done.output


def test_the_demo_job_runs_on_the_built_in_sandbox(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    done = qrbatch("run", "jobs/demo.toml", "-o", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert {r["Status"] for r in results(out)} == {"created"}


def test_every_command_and_option_is_in_the_readme() -> None:
    readme = (ROOT / "docs" / "commands.md").read_text()
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        assert f"qrbatch {name}" in readme, name
        help_text = CliRunner().invoke(main, [name, "--help"]).output
        assert "Example:" in help_text, name
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert re.search(re.escape(opt) + r"\b", readme), f"{name} {opt}"


def test_json_logs_are_one_object_per_line_with_the_events_a_scheduler_needs(
    tmp_path: Path,
) -> None:
    rows = [["Phone", "Message"]] + [["6281234567890", f"m{i}"] for i in range(12)]
    source = write_csv(tmp_path / "c.csv", rows)
    with SandboxThread(Sandbox(config=SandboxConfig(qps=4))) as server:
        done = qrbatch(
            "run",
            str(source),
            "--endpoint",
            server.url,
            "--qps",
            "12",
            "--log-format",
            "json",
            "--no-images",
            env=creds(),
        )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    names = [e["event"] for e in events]
    assert names[:2] == ["sheet", "run_start"] and names[-1] == "run_end"
    assert events[0]["columns"] == "phone 'Phone' (A), message 'Message' (B)"
    assert "throttled" in names and "retry" in names
    end = events[-1]
    assert (end["created"], end["failed"], end["exit_code"]) == (12, 0, 0)
    assert end["throttled"] >= 1


def test_an_account_stop_is_a_json_event_without_the_secret(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    secret = "json-secret-5b7e"
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    done = qrbatch(
        "run",
        str(source),
        "--endpoint",
        sandbox_thread.url,
        "--log-format",
        "json",
        env=creds(secret),
    )
    assert done.returncode == 3
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    stop = next(e for e in events if e["event"] == "account_stop")
    assert stop["code"] == "SignatureDoesNotMatch" and "ACCESS_KEY_SECRET" in stop["fix"]
    assert secret not in done.stderr + done.stdout


def test_a_dry_try_on_the_sandbox_works_with_any_business_numbers(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "mine.csv", [["Phone", "Message"], ["+1 212 555 0199", "hi"]])
    done = qrbatch("run", str(source), "--endpoint", "sandbox", "--no-images")
    assert done.returncode == 0, done.stderr
    assert [r["Status"] for r in results(tmp_path / "mine.results.xlsx")] == ["created"]


def test_validate_with_output_writes_the_checked_rows(tmp_path: Path) -> None:
    bad = write_csv(
        tmp_path / "bad.csv", [["Phone", "Message"], ["12", "ok"], ["6281234567890", "fine"]]
    )
    done = CliRunner().invoke(main, ["validate", str(bad), "-o", str(tmp_path / "checked.xlsx")])
    assert done.exit_code == 1
    rows = results(tmp_path / "checked.xlsx")
    assert [(r["Status"], r["ErrorCode"]) for r in rows] == [
        ("invalid", "InvalidPhone"),
        ("skipped", "NotSent"),
    ]


def test_bare_qrbatch_prints_help_and_exits_0() -> None:
    done = qrbatch()
    assert done.returncode == 0
    assert "Commands:" in done.stdout and "run" in done.stdout


@pytest.mark.parametrize(
    "name", ["run", "validate", "list", "update", "delete", "sandbox", "serve"]
)
def test_every_command_takes_the_common_options_with_the_same_help(name: str) -> None:
    command = main.commands[name]  # type: ignore[attr-defined]
    helps = {
        opt: param.help
        for param in command.params
        for opt in getattr(param, "opts", [])
        if opt in ("-q", "-v", "--log-format", "--no-progress")
    }
    assert set(helps) == {"-q", "-v", "--log-format", "--no-progress"}
    reference = main.commands["run"].params  # type: ignore[attr-defined]
    for param in reference:
        for opt in getattr(param, "opts", []):
            if opt in helps:
                assert helps[opt] == param.help, (name, opt)


def test_options_shared_by_commands_have_one_help_text() -> None:
    seen: dict[str, str | None] = {}
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            long = max(getattr(param, "opts", [""]), key=len)
            if long in ("--output", "--qps", "--port"):
                continue  # the workbook each command writes; the sandbox's own rate and port
            help_text = getattr(param, "help", None)
            assert seen.setdefault(long, help_text) == help_text, (name, long)


def test_update_help_names_its_default_output_in_words() -> None:
    assert "<input stem>.updated.xlsx" in qrbatch("update", "--help").stdout
    assert "<action>" not in qrbatch("update", "--help").stdout


def test_json_logs_are_json_on_every_line_even_when_the_run_cannot_start(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    for args, env, code in (
        (["run", str(source), "--log-format", "json"], {}, 2),  # no credentials
        (["run", str(tmp_path / "missing.csv"), "--log-format", "json"], creds(), 2),
        (["validate", str(source), "--log-format", "json"], {}, 0),
        (
            ["run", str(source), "--endpoint", "sandbox", "--log-format", "json", "--no-images"],
            {},
            0,
        ),
    ):
        done = qrbatch(*args, env=env)
        assert done.returncode == code, (args, done.stderr)
        lines = done.stderr.splitlines()
        assert lines, args
        for line in lines:
            json.loads(line)  # every line a machine reads is JSON


def test_delete_json_log_ends_with_run_end_and_its_counts(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(
        tmp_path / "c.csv", [["Phone", "Message"]] + [["6281234567890", f"m{i}"] for i in range(3)]
    )
    made = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "--no-images", env=creds())
    assert made.returncode == 0, made.stderr
    done = qrbatch(
        "delete",
        str(tmp_path / "c.results.xlsx"),
        "--yes",
        "--endpoint",
        sandbox_thread.url,
        "--log-format",
        "json",
        "--no-progress",
        "-q",
        env=creds(),
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events] == ["run_end"]  # -q: warnings, errors, the closing line
    loud = qrbatch(
        "delete",
        str(tmp_path / "c.results.xlsx"),
        "--yes",
        "--endpoint",
        sandbox_thread.url,
        "--log-format",
        "json",
        "-v",
        env=creds(),
    )
    end = [json.loads(line) for line in loud.stderr.splitlines()][-1]
    assert end["event"] == "run_end" and end["action"] == "delete"
    assert (end["deleted"], end["notfound"], end["failed"]) == (3, 0, 0)
    assert "created" not in end and "reused" not in end
    assert "3 deleted" in end["message"] and "created" not in end["message"]
    assert loud.stdout == ""  # with JSON logs, the whole log is JSON


def test_update_and_delete_workbooks_have_one_status_and_one_code_column(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    assert (
        qrbatch("run", str(source), "--endpoint", sandbox_thread.url, env=creds()).returncode == 0
    )
    done = qrbatch(
        "delete",
        str(tmp_path / "c.results.xlsx"),
        "--yes",
        "--endpoint",
        sandbox_thread.url,
        env=creds(),
    )
    assert done.returncode == 0, done.stderr
    header = list(
        load_workbook(tmp_path / "c.results.deleted.xlsx")["Results"].iter_rows(
            max_row=1, values_only=True
        )
    )[0]
    assert header.count("Status") == 1 and header.count("QrdlCode") == 1
    assert "Previous QrdlCode" in header


def test_the_package_runs_as_python_dash_m(tmp_path: Path) -> None:
    done = qrbatch_process("--version")
    assert done.returncode == 0 and "qrbatch" in done.stdout


def test_a_sheet_lacking_only_its_phone_column_is_asked_for_it_then_for_the_region(
    tmp_path: Path,
) -> None:
    sheet = write_xlsx(
        tmp_path / "toko.xlsx",
        [("Nama Toko", "Kontak Toko", "Isi Pesan"), ("Toko Sinar", "0812-3000-1000", "Halo")],
        title="Kontak",
    )
    refused = qrbatch("run", str(sheet), "--endpoint", "sandbox")
    assert refused.returncode == 2
    assert "Name the phone column PhoneNumber, or pass --phone-column NAME." in refused.stderr
    assert "--message-column" not in refused.stderr
    qrbatch("run", str(sheet), "--endpoint", "sandbox", "--phone-column", "Kontak Toko")
    (row,) = results(tmp_path / "toko.results.xlsx")
    assert row["ErrorCode"] == "NotAccountNumber"
    assert "national number" in str(row["ErrorMessage"])
    assert "pass --default-region CC" in str(row["ErrorMessage"])
