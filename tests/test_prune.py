"""Old notebook journals removed from the state folder (``qrbatch.frames.prune``,
``qrbatch state prune``): never one a run holds, and nothing created twice after."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

import qrbatch
from qrbatch.engine.journal import Journal
from qrbatch.run.prune import prune_journals
from qrbatch.sandbox import SandboxThread
from qrbatch.state_home import frames_state_dir
from tests.support.cli import qrbatch as cli
from tests.support.sandbox import PHONE, creds

NOW = 2_000_000_000.0
DAY = 86_400


def journal(folder: Path, name: str, days_old: float, now: float = NOW) -> Path:
    """A journal last written ``days_old`` days before ``now``."""
    path = folder / f"{name}.qrbatch.db"
    Journal(path).close()
    for file in folder.glob(f"{name}.qrbatch.db*"):
        os.utime(file, (now - days_old * DAY, now - days_old * DAY))
    return path


def test_old_journals_go_new_ones_and_those_in_use_stay(tmp_path: Path) -> None:
    old, recent, held = (
        journal(tmp_path, n, d) for n, d in (("old", 40), ("new", 2), ("held", 90))
    )
    running = Journal(held)  # a run holds it
    try:
        pruned = prune_journals(timedelta(days=30), folder=tmp_path, now=lambda: NOW)
    finally:
        running.close()
    assert pruned.removed == (old,) and pruned.in_use == (held,) and pruned.kept == 1
    assert not list(tmp_path.glob("old.qrbatch.db*"))  # the database, its log, its lock
    assert recent.exists() and held.exists()
    assert pruned.freed > 0 and "removed 1 notebook journals" in pruned.line()


def test_a_dry_run_only_says(tmp_path: Path) -> None:
    old = journal(tmp_path, "old", 40)
    pruned = prune_journals(30, dry_run=True, folder=tmp_path, now=lambda: NOW)
    assert pruned.removed == (old,) and old.exists()
    assert pruned.line().startswith("would remove 1 notebook journals")
    assert prune_journals(folder=tmp_path / "none").removed == ()  # no folder: nothing to do


def test_after_pruning_a_rerun_creates_nothing_again(sandbox_thread: SandboxThread) -> None:
    df = pd.DataFrame({"Phone": [PHONE] * 2, "Message": ["prune a", "prune b"]})
    first = qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=creds(), progress=False)
    creates = sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"]
    pruned = qrbatch.frames.prune(older_than=0)
    assert len(pruned.removed) >= 1 and not list(frames_state_dir().glob("*.qrbatch.db"))
    again = qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=creds(), progress=False)
    assert sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"] == creates
    assert list(again["QrdlCode"]) == list(first["QrdlCode"])  # found again by listing
    assert list(again["Status"]) == ["reused", "reused"]


def test_the_command_says_what_it_removed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    journal(state / "frames", "dataframe-abc", 400, now=time.time())
    env = {"QRBATCH_STATE_DIR": str(state)}
    looked = cli("state", "prune", "--dry-run", env=env)
    assert looked.returncode == 0, looked.stderr
    assert "dataframe-abc.qrbatch.db" in looked.stdout and "would remove 1" in looked.stdout
    done = cli("state", "prune", "--older-than", "365", env=env)
    assert done.returncode == 0 and "removed 1 notebook journals" in done.stdout
    assert not list((state / "frames").iterdir())


@pytest.mark.parametrize("older_than", [-1, "30", float("nan"), timedelta(days=-1)])
def test_prune_refuses_an_age_that_is_not_days_in_its_own_name(older_than: object) -> None:
    with pytest.raises(qrbatch.ConfigError, match=r"prune\(older_than=\) must be"):
        qrbatch.frames.prune(older_than=older_than)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^prune\(\) got an unexpected keyword"):
        qrbatch.frames.prune(older_thn=0)  # type: ignore[call-arg]
