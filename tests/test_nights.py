"""Nights an on-call can trust: only finished files, results where the job says whatever
the working folder, a log a machine can group and alert on, files that cannot be used
given up, one file retried by hand, and metrics for monitoring."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from qrbatch.sandbox import Faults, SandboxConfig, SandboxThread
from tests.support.cli import qrbatch
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import write_csv


def job_file(folder: Path, url: str, extra: str = "") -> Path:
    """A nightly job as the docs show it: paths relative to the job file, in jobs/."""
    (folder / "jobs").mkdir(exist_ok=True)
    (folder / "drop").mkdir(exist_ok=True)
    job = folder / "jobs" / "nightly.toml"
    job.write_text(
        '[job]\ninput = "../drop"\noutput = "../results/{input_stem}.xlsx"\n'
        f'endpoint = "{url}"\nqps = 50\nimages = false\nmax-attempts = 1\n{extra}'
    )
    return job


def drop_file(folder: Path, name: str, messages: list[str], age: float = 120.0) -> Path:
    path = write_csv(
        folder / "drop" / name, [["Phone", "Message"], *(["6281234567890", m] for m in messages)]
    )
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def lines(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines()]


def test_a_file_still_being_written_waits_for_the_next_night(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = job_file(tmp_path, sandbox_thread.url)
    growing = drop_file(tmp_path, "shops.csv", ["a"], age=1.0)
    (tmp_path / "drop" / "shops.xlsx.part").write_bytes(b"half")
    (tmp_path / "drop" / "~$shops.xlsx").write_bytes(b"lock")
    first = qrbatch("run", str(job), "--log-format", "json", env=creds())
    events = [line["event"] for line in lines(first.stderr)]
    assert "drop_waiting" in events and "run_end" not in events
    assert first.returncode == 0
    then = time.time() - 120
    os.utime(growing, (then, then))
    second = qrbatch("run", str(job), "--log-format", "json", env=creds())
    assert second.returncode == 0
    assert (tmp_path / "results" / "shops.xlsx").exists()
    assert sandbox_thread.sandbox.world.accounts["demo"].created == 1


def test_a_retry_from_another_folder_writes_beside_the_jobs_results(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = job_file(tmp_path, sandbox_thread.url)
    drop_file(tmp_path, "shops.csv", ["a", "b"])
    sandbox = sandbox_thread.sandbox
    sandbox.config = SandboxConfig(qps=200, faults=Faults(unavailable=1.0))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    down = qrbatch("run", str(job), env=creds(), cwd=tmp_path)
    assert down.returncode == 1
    sandbox.config = SandboxConfig(qps=200)
    up = qrbatch("run", str(job), env=creds(), cwd=elsewhere)  # a unit without a workdir
    assert up.returncode == 0, up.stderr
    assert not (elsewhere / "results").exists()
    assert (tmp_path / "results" / "shops.xlsx").exists()
    assert sandbox.world.accounts["demo"].created == 2


def test_every_line_of_a_night_is_json_with_one_run_id_ending_with_job_end(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = job_file(tmp_path, sandbox_thread.url)
    drop_file(tmp_path, "good.csv", ["a"])
    write_csv(tmp_path / "drop" / "bad.csv", [["Phone", "Message"], ["12", "x"]])
    old = time.time() - 120
    os.utime(tmp_path / "drop" / "bad.csv", (old, old))
    night = qrbatch("run", str(job), "--log-format", "json", env=creds())
    assert night.returncode == 1
    parsed = lines(night.stderr)
    assert {line["run_id"] for line in parsed} == {parsed[0]["run_id"]}
    assert all(line["pid"] and line["host"] for line in parsed)
    end = parsed[-1]
    assert (end["event"], end["exit_code"], end["level"]) == ("job_end", 1, "warning")
    runs = [line for line in parsed if line["event"] == "run_end"]
    assert {line["level"] for line in runs} == {"info", "warning"}  # good: 0, bad: 1
    other = qrbatch("run", str(job), "--log-format", "json", env=creds())
    assert lines(other.stderr)[0]["run_id"] != parsed[0]["run_id"]


def test_an_unusable_file_is_given_up_after_three_nights_and_can_be_retried_alone(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = job_file(tmp_path, sandbox_thread.url)
    broken = tmp_path / "drop" / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    old = time.time() - 120
    os.utime(broken, (old, old))
    nights = [qrbatch("run", str(job), "--log-format", "json", env=creds()) for _ in range(4)]
    assert [n.returncode for n in nights] == [2, 2, 2, 0]
    states = [[line.get("files") for line in lines(n.stderr) if line["event"] == "job_end"]
              for n in nights[:3]]  # fmt: skip
    assert [next(iter(s[0].values()))["state"] for s in states] == ["retry", "retry", "gave_up"]
    again = qrbatch("drop", "retry", str(job), str(broken), env=creds())
    assert again.returncode == 0 and "takes it again" in again.stdout
    assert qrbatch("run", str(job), env=creds()).returncode == 2  # taken again


def test_the_metrics_file_parses_and_says_the_nights_outcome(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    metrics = tmp_path / "textfile" / "qrbatch.prom"
    job = job_file(tmp_path, sandbox_thread.url, f'metrics-file = "{metrics}"\n')
    drop_file(tmp_path, "shops.csv", ["a", "b"])
    write_csv(tmp_path / "drop" / "bad.csv", [["Phone", "Message"], ["12", "x"]])
    old = time.time() - 120
    os.utime(tmp_path / "drop" / "bad.csv", (old, old))
    assert qrbatch("run", str(job), env=creds()).returncode == 1
    samples = {
        (sample.name, sample.labels.get("status", "")): sample.value
        for family in text_string_to_metric_families(metrics.read_text())
        for sample in family.samples
    }
    assert samples[("qrbatch_last_run_exit_code", "")] == 1
    assert samples[("qrbatch_rows", "created")] == 2
    assert samples[("qrbatch_rows", "invalid")] == 1
    assert samples[("qrbatch_calls_total", "")] >= 2
    assert abs(samples[("qrbatch_last_run_timestamp_seconds", "")] - time.time()) < 60
    families = {f.name: f for f in text_string_to_metric_families(metrics.read_text())}
    assert families["qrbatch_rows"].samples[0].labels["job"] == "nightly"


def test_a_full_disk_before_any_call_is_74_with_the_true_cause(
    tmp_path: Path, sandbox_thread: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import qrbatch.engine.journal as journal

    def full(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(journal.sqlite3, "connect", full)
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, env=creds())
    assert done.returncode == 74
    assert "disk is full" in done.stderr and "--fresh" not in done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_an_error_no_command_caught_is_one_json_line_and_a_full_disk_is_74(
    tmp_path: Path,
    sandbox_thread: SandboxThread,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno
    import sys

    import qrbatch.outputs.images as images
    from qrbatch.cli import entry

    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(images.ImageStore, "place", no_room)
    for name, value in creds().items():
        monkeypatch.setenv(name, value)
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    argv = ["qrbatch", "run", str(source), "--endpoint", sandbox_thread.url, "--log-format", "json"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        entry()
    assert exited.value.code == 74
    parsed = lines(capsys.readouterr().err)  # every line JSON: no traceback
    assert parsed[-1]["event"] == "error" and "No space left" in str(parsed[-1]["message"])


def test_the_cron_page_shows_a_crontab_line_and_a_systemd_pair_that_parse() -> None:
    import configparser
    import re
    import shlex

    from qrbatch.cli import main
    from tests.support.cli import ROOT

    page = (ROOT / "docs" / "cron.md").read_text(encoding="utf-8")
    assert "mkdir -p logs" in page
    crontab = next(line for line in page.splitlines() if re.match(r"\s+0 2 \* \* \* ", line))
    unit, timer = (
        re.search(rf"# /etc/systemd/system/qrbatch\.{kind}\n((?:    .*\n|\n)+?)(?:\n    #|\n\S)",
                  page).group(1)  # type: ignore[union-attr]
        for kind in ("service", "timer")
    )  # fmt: skip
    service = configparser.ConfigParser(interpolation=None)
    service.read_string("\n".join(line.removeprefix("    ") for line in unit.splitlines()))
    schedule = configparser.ConfigParser(interpolation=None)
    schedule.read_string("\n".join(line.removeprefix("    ") for line in timer.splitlines()))
    assert service["Service"]["Type"] == "oneshot" and service["Service"]["WorkingDirectory"]
    assert schedule["Timer"]["Persistent"] == "true" and schedule["Timer"]["OnCalendar"]
    commands = [
        shlex.split(service["Service"]["ExecStart"]),
        shlex.split(crontab.split("&&", 1)[1].split(">>", 1)[0]),
    ]
    for argv in commands:
        assert argv[0].endswith("qrbatch") and argv[1] == "run"
        main.commands["run"].make_context("run", argv[2:])  # type: ignore[attr-defined]


def test_the_outage_watch_trips_on_failures_in_a_row_or_a_quiet_minute() -> None:
    from qrbatch.cams.client import CallStats
    from qrbatch.engine.events import Retrying
    from qrbatch.run.outage import OutageWatch

    stats, now, stops = CallStats(), [0.0], []
    watch = OutageWatch(stats, clock=lambda: now[0], stop=lambda: stops.append(now[0]),
                        max_failures=3, quiet_seconds=60)  # fmt: skip
    retry = Retrying("ServiceUnavailable", "CreatePhoneMessageQrdl", 1, 0.5, "503")
    throttled = Retrying("System.LimitControl", "CreatePhoneMessageQrdl", 1, 0.5, "429")

    def failure(code: str = "ServiceUnavailable") -> None:
        stats.errors[code] = stats.errors.get(code, 0) + 1
        watch(retry if code == "ServiceUnavailable" else throttled)

    failure(), failure(), failure("System.LimitControl"), failure("System.LimitControl")
    assert not stops  # two failures; throttling is the service answering
    stats.accepted_at.append(1.0)  # a call went through: counting starts again
    failure(), failure()
    assert not stops
    failure()
    assert stops == [0.0] and watch.tripped  # three in a row since the accepted call
    quiet = OutageWatch(stats, clock=lambda: now[0], stop=lambda: stops.append(now[0]),
                        max_failures=100, quiet_seconds=60)  # fmt: skip
    stats.errors["ServiceUnavailable"] = 6
    now[0] = 30.0
    quiet(retry)
    assert stops == [0.0]
    stats.errors["ServiceUnavailable"] = 7
    now[0] = 61.5
    quiet(retry)
    assert stops == [0.0, 61.5]


def test_a_night_with_the_service_down_stops_early_with_69_and_the_next_resumes(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = job_file(tmp_path, sandbox_thread.url, "concurrency = 4\n").read_text()
    nightly = tmp_path / "jobs" / "nightly.toml"
    nightly.write_text(job.replace("max-attempts = 1", "max-attempts = 3"))
    drop_file(tmp_path, "shops.csv", [f"promo {n}" for n in range(200)])
    sandbox = sandbox_thread.sandbox
    down_actions = frozenset({"CreatePhoneMessageQrdl", "ListPhoneMessageQrdl"})
    sandbox.config = SandboxConfig(qps=200, faults=Faults(unavailable=1.0, actions=down_actions))
    started = time.monotonic()
    down = qrbatch("run", str(tmp_path / "jobs" / "nightly.toml"), "--log-format", "json",
                   env=creds())  # fmt: skip
    assert down.returncode == 69, (down.returncode, down.stderr[-3000:])
    assert time.monotonic() - started < 90
    parsed = lines(down.stderr)
    assert "outage" in [line["event"] for line in parsed]
    end = next(line for line in parsed if line["event"] == "run_end")
    assert end["skipped"] + end["failed"] == 200 and end["created"] == 0
    assert sandbox.stats.accepted.get("CreatePhoneMessageQrdl", 0) < 200  # stopped early
    sandbox.config = SandboxConfig(qps=200)
    up = qrbatch("run", str(tmp_path / "jobs" / "nightly.toml"), env=creds())
    assert up.returncode == 0, up.stderr
    codes = list(sandbox.world.accounts["demo"].all_codes())
    assert len(codes) == 200 == len({c.message for c in codes})  # each once


def test_rows_the_outage_left_unsettled_say_why_and_what_to_do(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    """A 503 may have been acted on: such a row is not 'failed' with no reason, it says
    the outcome is unknown and that the rerun settles it (found by an on-call engineer)."""
    import anyio

    import qrbatch
    from tests.support.sheets import results

    source = write_csv(
        tmp_path / "shops.csv",
        [("PhoneNumber", "Message"), *((PHONE, f"promo {n}") for n in range(12))],
    )
    sandbox_thread.sandbox.config = SandboxConfig(qps=200, faults=Faults(unavailable=1.0))
    job = qrbatch.Job(
        input=source, endpoint=sandbox_thread.url, qps=100, concurrency=4, max_attempts=2,
        outage_failures=4, images=False, progress=False,
    )  # fmt: skip
    done = anyio.run(lambda: qrbatch.run_batch(job, env=creds()))
    rows = results(tmp_path / "shops.results.xlsx")
    assert done.exit_code in (1, 69)  # rows failed, or the outage stopped the run first
    assert all(row["ErrorCode"] and row["ErrorMessage"] for row in rows), rows
    assert {row["ErrorCode"] for row in rows} <= {"NotSent", "OutcomeUnknown", "ServiceUnavailable"}
