"""The Python API as a user imports it: what ``qrbatch`` exports, and that it works."""

from __future__ import annotations

from pathlib import Path

import anyio

import qrbatch
from qrbatch.run.exit_codes import ExitCode
from tests.support.sheets import write_csv

EXPECTED = {
    "AccountError", "CamsError", "ConfigError", "Credentials", "CredentialsError", "Event",
    "EventBus", "ExitCode", "InputFileError", "Job", "JournalLockedError", "OutcomeUnknownError",
    "QrbatchError", "RetryableError", "RowError", "RowResult", "RunResult", "Summary",
    "ThrottledError", "TransientError", "UsageError", "Validated", "__version__",
    "delete_codes", "list_codes", "load_job_file", "read_code_sheet", "run_batch",
    "update_codes", "validate_input", "write_validation",
}  # fmt: skip


def test_all_names_the_public_api_and_each_name_exists() -> None:
    assert set(qrbatch.__all__) >= EXPECTED
    for name in qrbatch.__all__:
        assert hasattr(qrbatch, name), name


def test_the_exit_codes_are_the_documented_contract() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 69, 74, 75, 130]


def test_paths_may_be_text_and_the_summary_always_has_a_version(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", [["Phone", "Message"], ["6281234567890", "hi"]])
    job = qrbatch.Job(input=str(source), endpoint="sandbox", images=False)
    seen: list[qrbatch.Event] = []
    result = anyio.run(lambda: qrbatch.run_batch(job, events=seen.append))
    assert result.exit_code == ExitCode.OK
    assert result.summary.version
    assert [r.status for r in result.results] == ["created"]
    names = [type(e).__name__ for e in seen]
    assert names[0] == "RunStarted" and names[-1] == "RunEnded" and "RowFinished" in names
