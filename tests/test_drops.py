"""Drop folders: a job whose input is a folder takes each new file once, retries a night
the service was down, gives up after three, and never takes its own outputs as input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from qrbatch.sandbox import Faults, SandboxConfig, SandboxThread
from tests.support.cli import qrbatch
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import write_csv


def drop_file(folder: Path, name: str, messages: list[str]) -> None:
    write_csv(folder / name, [["Phone", "Message"], *(["6281234567890", m] for m in messages)])


def test_a_drop_folder_job_takes_only_the_new_files_on_each_run(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    job = tmp_path / "nightly.toml"
    job.write_text(
        f'[job]\ninput = "drop"\noutput = "out/{{input_stem}}-{{date}}.xlsx"\n'
        f'endpoint = "{sandbox_thread.url}"\nqps = 50\nimages = false\nsettle-seconds = 0\n'
    )
    drop_file(drop, "monday.csv", ["a", "b"])
    first = qrbatch("run", str(job), env=creds())
    assert first.returncode == 0, first.stderr
    drop_file(drop, "tuesday.csv", ["c"])
    second = qrbatch("run", str(job), env=creds())
    assert second.returncode == 0, second.stderr
    third = qrbatch("run", str(job), env=creds())
    today = dt.date.today().isoformat()
    assert "monday" in first.stdout and "tuesday" not in first.stdout
    assert "tuesday" in second.stdout and "monday" not in second.stdout
    assert "nothing new" in third.stdout
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == [
        f"monday-{today}.xlsx",
        f"tuesday-{today}.xlsx",
    ]
    assert sandbox_thread.sandbox.world.accounts["demo"].created == 3


def nightly(tmp_path: Path, url: str, extra: str = "") -> Path:
    job = tmp_path / "nightly.toml"
    job.write_text(
        f'[job]\ninput = "drop"\noutput = "out/{{input_stem}}-{{date}}.xlsx"\n'
        f'endpoint = "{url}"\nqps = 50\nimages = false\nsettle-seconds = 0\n'
        f"max-attempts = 1\n{extra}"
    )
    (tmp_path / "drop").mkdir(exist_ok=True)
    return job


def test_a_night_with_the_service_down_is_retried_the_next_night(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    drop_file(tmp_path / "drop", "shop.csv", ["a", "b"])
    sandbox = sandbox_thread.sandbox
    sandbox.config = SandboxConfig(qps=200, faults=Faults(unavailable=1.0))
    down = qrbatch("run", str(job), "--log-format", "json", env=creds())
    assert down.returncode == 1
    assert any(json.loads(line)["event"] == "drop_retry" for line in down.stderr.splitlines())
    sandbox.config = SandboxConfig(qps=200)
    up = qrbatch("run", str(job), "--log-format", "json", env=creds())
    assert up.returncode == 0, up.stderr
    lines = [json.loads(line) for line in up.stderr.splitlines()]
    end = next(line for line in reversed(lines) if line["event"] == "run_end")
    assert (end["event"], end["created"]) == ("run_end", 2)
    assert (lines[-1]["event"], lines[-1]["exit_code"]) == ("job_end", 0)  # the night's last
    assert sandbox.world.accounts["demo"].created == 2
    assert "nothing new" in qrbatch("run", str(job), env=creds()).stdout


def test_a_file_still_failing_after_three_nights_is_given_up_and_reported(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    drop_file(tmp_path / "drop", "shop.csv", ["a"])
    sandbox_thread.sandbox.config = SandboxConfig(qps=200, faults=Faults(unavailable=1.0))
    nights = [qrbatch("run", str(job), "--log-format", "json", env=creds()) for _ in range(4)]
    assert [n.returncode for n in nights[:3]] == [1, 1, 1]
    events = [json.loads(line)["event"] for line in nights[2].stderr.splitlines()]
    assert "drop_gave_up" in events
    last = [json.loads(line)["event"] for line in nights[3].stderr.splitlines()]
    assert last == ["nothing_new", "job_end"]


def test_permanent_row_errors_are_not_retried(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    write_csv(tmp_path / "drop" / "bad.csv", [["Phone", "Message"], ["12", "too short a number"]])
    assert qrbatch("run", str(job), env=creds()).returncode == 1
    assert "nothing new" in qrbatch("run", str(job), env=creds()).stdout


def test_outputs_in_the_drop_folder_are_never_taken_as_input(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = tmp_path / "nightly.toml"
    job.write_text(
        f'[job]\ninput = "drop"\noutput = "drop/{{input_stem}}-done.xlsx"\n'
        f'endpoint = "{sandbox_thread.url}"\nqps = 50\nimages = false\nsettle-seconds = 0\n'
    )
    (tmp_path / "drop").mkdir()
    drop_file(tmp_path / "drop", "shop.csv", ["a"])
    assert qrbatch("run", str(job), env=creds()).returncode == 0
    again = qrbatch("run", str(job), env=creds())
    assert "nothing new" in again.stdout
    assert not list((tmp_path / "drop").glob("*-done-done*"))


def test_the_same_name_dropped_again_the_same_day_keeps_both_results(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    drop_file(tmp_path / "drop", "shop.csv", ["first"])
    assert qrbatch("run", str(job), env=creds()).returncode == 0
    drop_file(tmp_path / "drop", "shop.csv", ["second"])
    assert qrbatch("run", str(job), env=creds()).returncode == 0
    today = dt.date.today().isoformat()
    names = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert names == [f"shop-{today}-2.xlsx", f"shop-{today}.xlsx"]


def test_a_file_named_like_a_pattern_is_a_file(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "promo [final].csv", [["Phone", "Message"], [PHONE, "hi"]])
    done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "--no-images", env=creds())
    assert done.returncode == 0, done.stderr
    assert sandbox_thread.sandbox.world.accounts["demo"].created == 1


def test_move_processed_moves_finished_files_and_validate_checks_the_next_night(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url, "move-processed = true\n")
    drop_file(tmp_path / "drop", "good.csv", ["a"])
    write_csv(tmp_path / "drop" / "bad.csv", [["Phone", "Message"], ["12", "x"]])
    checked = qrbatch("validate", str(job))
    assert checked.returncode == 1
    assert "bad.csv: row 2" in checked.stdout + checked.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}
    done = qrbatch("run", str(job), env=creds())
    assert done.returncode == 1
    assert sorted(p.name for p in (tmp_path / "drop" / "processed").iterdir()) == [
        "bad.csv",
        "good.csv",
    ]


def test_an_unusable_file_beside_a_good_one_is_exit_1_not_2(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    drop_file(tmp_path / "drop", "good.csv", ["a"])
    (tmp_path / "drop" / "broken.xlsx").write_bytes(b"not a workbook")
    done = qrbatch("run", str(job), env=creds())
    assert done.returncode == 1
    assert "broken.xlsx" in done.stderr


def test_an_unusable_file_given_up_says_so_and_how_to_take_it_again(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    job = nightly(tmp_path, sandbox_thread.url)
    (tmp_path / "drop" / "broken.xlsx").write_bytes(b"not a workbook")
    nights = [qrbatch("run", str(job), "--log-format", "json", env=creds()) for _ in range(3)]
    assert [n.returncode for n in nights] == [2, 2, 2]
    events = [json.loads(line) for line in nights[-1].stderr.splitlines() if line.startswith("{")]
    gave_up = [e for e in events if e["event"] == "drop_gave_up"]
    assert len(gave_up) == 1 and gave_up[0]["tries"] == 3
    assert f"qrbatch drop retry {job}" in gave_up[0]["message"]
    assert not any(e["event"] == "drop_gave_up" for n in nights[:2] for e in
                   (json.loads(x) for x in n.stderr.splitlines() if x.startswith("{")))  # fmt: skip
