"""The journal's binding to one account: another account's journal is refused once the
service acted on one of its requests, and taken over when it acted on none."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrbatch.engine.journal import Journal
from qrbatch.errors import ConfigError
from qrbatch.rows.checks import QrRequest

TYPO = "https://cams.example key LTAI5sandboxDemoKy"
RIGHT = "https://cams.example key LTAI5sandboxDemoKey"
REQUEST = QrRequest("6281234567890", "promo", "PNG")


def journal_of(tmp_path: Path, state: str | None) -> Path:
    path = tmp_path / "j.qrbatch.db"
    with Journal(path) as journal:
        journal.bind(TYPO)
        journal.set_meta("input", "campaign.csv")
        journal.set_meta("account_numbers", "{}")  # the other account's numbers
        if state is not None:
            journal.add_pending([REQUEST])
            journal.mark(REQUEST.key, state)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize("state", [None, "pending", "failed"])
def test_a_journal_the_account_acted_on_nowhere_is_bound_to_the_new_key(
    tmp_path: Path, state: str | None
) -> None:
    path = journal_of(tmp_path, state)
    with Journal(path) as journal:
        journal.bind(RIGHT)
        assert journal.get_meta("account") == RIGHT
        assert journal.get_meta("input") == "campaign.csv"
        assert journal.get_meta("account_numbers") is None  # nothing of the other stays
    with Journal(path) as journal:
        journal.bind(RIGHT)  # and it stays bound to it


@pytest.mark.parametrize("state", ["done", "inflight", "unknown"])
def test_a_journal_of_codes_made_or_maybe_made_under_another_key_is_refused(
    tmp_path: Path, state: str
) -> None:
    path = journal_of(tmp_path, state)
    with Journal(path) as journal, pytest.raises(ConfigError, match="records a run against"):
        journal.bind(RIGHT)
    with Journal(path) as journal:
        assert journal.get_meta("account") == TYPO
