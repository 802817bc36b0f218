"""Drop folders: a job whose input is a folder (or a glob) takes each new file once.

A small SQLite ledger beside the job's state remembers, by path and content hash, what
became of each file:

    started   a run began (its output is kept, so the rerun resumes the same journal)
    finished  every row done, or failed for good (invalid, not your number...)
    retry     rows failed for a passing cause (service down, throttled, cut short): the
              next run sends them again, up to MAX_TRIES runs in all
    gave_up   still failing after MAX_TRIES runs: reported, no longer retried

A file's own outputs (even when they land in the drop folder) are never taken as new
input, a file dropped again with other content gets an output of its own, and
``move_processed`` moves finished files into ``processed/``.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Literal

from qrbatch.cams.errors import advice_for
from qrbatch.errors import InputFileError
from qrbatch.outputs.results import RowResult
from qrbatch.run.logs import event
from qrbatch.run.settings import Job
from qrbatch.sheets.read import EXCEL_SUFFIXES, TEXT_SUFFIXES

SHEET_SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
LEDGER_NAME = ".qrbatch-ledger.db"
PROCESSED = "processed"
MAX_TRIES = 3  # runs of one file whose rows keep failing for a passing cause
OUTPUT_MARKERS = (".results.", ".updated.", ".deleted.", ".checked.")

FileState = Literal["started", "finished", "retry", "gave_up"]


def is_drop_input(path: Path) -> bool:
    """A folder, or a glob pattern that is not itself an existing file
    (``promo [final].csv`` is a file, not a pattern)."""
    if path.is_file():
        return False
    return path.is_dir() or any(ch in str(path) for ch in "*?[")


def _candidates(path: Path) -> list[Path]:
    if path.is_dir():
        return [p for p in path.iterdir() if p.is_file()]
    return [Path(p) for p in glob.glob(str(path)) if Path(p).is_file()]


def matching_files(path: Path, outputs: set[Path] | None = None) -> list[Path]:
    """The spreadsheets a folder holds (or a glob matches), oldest first, leaving out
    hidden files, Excel's lock files, files being written (``.part``, ``.tmp``,
    ``.crdownload``: not sheets by their suffix) and every output of an earlier run."""
    known = outputs or set()
    files = [
        p
        for p in _candidates(path)
        if p.suffix.lower() in SHEET_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and not any(marker in p.name for marker in OUTPUT_MARKERS)
        and p.resolve() not in known
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def settled(path: Path, settle_seconds: float, now: float | None = None) -> bool:
    """Whether a file has not changed for ``settle_seconds``, judged now by its
    modification time (every write, which is every change of size, moves it): a file
    still being uploaded or copied is left for the next run, never waited for."""
    age = (time.time() if now is None else now) - path.stat().st_mtime
    return age >= settle_seconds


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class Ledger:
    """What earlier runs made of each drop-folder file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT, digest TEXT, output TEXT NOT NULL,"
            " state TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY (path, digest))"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(files)")}
        if "tries" not in columns:  # a ledger of qrbatch 0.1
            self._db.execute("ALTER TABLE files ADD COLUMN tries INTEGER NOT NULL DEFAULT 0")

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()

    def lookup(self, source: Path) -> tuple[str, str, str, int]:
        """(digest, output, state, tries) of this file; empty if never run."""
        digest = _digest(source)
        row = self._db.execute(
            "SELECT output, state, tries FROM files WHERE path = ? AND digest = ?",
            (str(source.resolve()), digest),
        ).fetchone()
        return (digest, row[0], row[1], row[2]) if row else (digest, "", "", 0)

    def outputs(self) -> set[Path]:
        """Every output an earlier run wrote (never taken as input)."""
        return {Path(row[0]).resolve() for row in self._db.execute("SELECT output FROM files")}

    def output_taken(self, output: Path, source: Path, digest: str) -> bool:
        """Whether another file (or another version of it) already wrote ``output``."""
        row = self._db.execute(
            "SELECT 1 FROM files WHERE output IN (?, ?) AND NOT (path = ? AND digest = ?)",
            # as written too: the ledger of qrbatch 0.2 kept outputs as they were given
            (str(output.resolve()), str(output), str(source.resolve()), digest),
        ).fetchone()
        return row is not None

    def forget(self, source: Path) -> int:
        """Drop every entry of ``source``: the next run takes it as new."""
        return self._db.execute(
            "DELETE FROM files WHERE path = ?", (str(source.resolve()),)
        ).rowcount

    def mark(
        self, source: Path, digest: str, output: Path, state: FileState, *, tries: int = 0
    ) -> None:
        # Absolute: a rerun from another working folder (a systemd unit without
        # WorkingDirectory=, a manual rerun) must write beside the first run's results.
        output = output.resolve()
        self._db.execute(
            "INSERT INTO files (path, digest, output, state, updated, tries)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path, digest)"
            " DO UPDATE SET output = excluded.output, state = excluded.state,"
            " updated = excluded.updated, tries = excluded.tries",
            (str(source.resolve()), digest, str(output), state, time.time(), tries),
        )


def _unique_output(output: Path, source: Path, digest: str, ledger: Ledger) -> Path:
    """The output, or ``<stem>-2``, ``-3``... when another file already wrote it (the same
    name dropped again the same day must not overwrite the earlier results)."""
    candidate, n = output, 1
    while ledger.output_taken(candidate, source, digest):
        n += 1
        candidate = output.with_name(f"{output.stem}-{n}{output.suffix}")
    return candidate


def expand_drop(
    job: Job, ledger: Ledger, *, check_outputs: bool = True
) -> list[tuple[Job, str, int]]:
    """One job per new, unfinished or retried file of a drop folder: (job, digest, tries).

    ``check_outputs``: refuse two files that would write one output (not for validate,
    which writes nothing)."""
    files = matching_files(job.input, ledger.outputs())
    if not files and not job.input.exists() and not any(ch in str(job.input) for ch in "*?["):
        raise InputFileError(f"{job.input}: no such folder")
    jobs: list[tuple[Job, str, int]] = []
    for source in files:
        if not settled(source, job.settle_seconds):
            event(
                logging.INFO,
                "drop_waiting",
                f"{source.name}: changed less than {job.settle_seconds:g} s ago, maybe still "
                "being written; the next run takes it",
                file=str(source.resolve()),
            )
            continue
        digest, output, state, tries = ledger.lookup(source)
        if state in ("finished", "gave_up") and not job.fresh:
            continue
        single = replace(job, input=source).with_output_filled()
        if output and state in ("started", "retry") and not job.fresh:
            single = replace(single, output=Path(output))  # resume the same journal
        else:
            unique = _unique_output(single.output_path, source, digest, ledger)
            single = replace(single, output=unique)
        jobs.append((single, digest, tries))
    seen: dict[Path, Path] = {}
    for single, _, _ in jobs if check_outputs else ():
        other = seen.setdefault(single.output_path, single.input)
        if other != single.input:
            raise InputFileError(
                f"{other.name} and {single.input.name} would both write {single.output_path}: "
                "rename one of them, or give the job an output template with {input_stem}"
            )
    return jobs


def passing_failures(results: Sequence[RowResult]) -> int:
    """Rows that failed for a cause that passes (service down, throttled, cut short):
    worth sending again on the next run. Invalid rows and row errors are not."""
    count = 0
    for result in results:
        if result.status == "skipped" and result.error_code in ("NotSent", "OutcomeUnknown"):
            count += 1
        elif result.status == "failed":
            advice = advice_for(result.error_code)
            count += advice is not None and advice.kind in ("throttled", "transient", "unknown")
    return count


def settle_file(
    ledger: Ledger, job: Job, digest: str, tries: int, results: Sequence[RowResult]
) -> tuple[FileState, int]:
    """After a run of one drop file: finished, to retry next run, or given up."""
    tries += 1
    state: FileState = "finished"
    if passing_failures(results):
        state = "retry" if tries < MAX_TRIES else "gave_up"
    ledger.mark(job.input, digest, job.output_path, state, tries=tries)
    return state, tries


def settle_unusable(ledger: Ledger, job: Job, digest: str, tries: int) -> tuple[FileState, int]:
    """After a run found a drop file unusable (unreadable, no phone column...): tried
    again next run (it may be fixed in place), given up after ``MAX_TRIES`` runs."""
    tries += 1
    state: FileState = "retry" if tries < MAX_TRIES else "gave_up"
    ledger.mark(job.input, digest, job.output_path, state, tries=tries)
    return state, tries


def forget(ledger_file: Path, source: Path) -> int:
    """Let the next run take ``source`` again (``qrbatch drop retry``): forget what the
    ledger says of it, every version; the other files are untouched. Returns how many
    entries there were."""
    with Ledger(ledger_file) as ledger:
        return ledger.forget(source)


def move_processed(source: Path, drop: Path) -> Path:
    """Move a finished drop file into ``processed/`` beside it (never over another file)."""
    folder = (drop if drop.is_dir() else source.parent) / PROCESSED
    folder.mkdir(exist_ok=True)
    target, n = folder / source.name, 1
    while target.exists():
        n += 1
        target = folder / f"{source.stem}-{n}{source.suffix}"
    shutil.move(str(source), target)
    return target


def ledger_path(job: Job) -> Path:
    """Beside the job's state: ``--state-dir``, or the drop folder itself."""
    if job.state_dir is not None:
        return job.state_dir / LEDGER_NAME
    folder = job.input if job.input.is_dir() else Path(glob.escape(str(job.input))).parent
    return folder / LEDGER_NAME
