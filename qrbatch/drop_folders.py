"""Drop folders: a job whose input is a folder or a glob takes each new file once.

A small SQLite ledger beside the job's state remembers, by path and content hash, which
files a run has finished (and which output a started one was given, so that its rerun
resumes the same journal instead of starting another).
"""

from __future__ import annotations

import glob
import hashlib
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from qrbatch.errors import InputFileError
from qrbatch.job import Job
from qrbatch.sheets.read import EXCEL_SUFFIXES, TEXT_SUFFIXES

SHEET_SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
LEDGER_NAME = ".qrbatch-ledger.db"


def is_drop_input(path: Path) -> bool:
    """A folder, or a path with glob characters."""
    return path.is_dir() or any(ch in str(path) for ch in "*?[")


def matching_files(path: Path) -> list[Path]:
    """The spreadsheets a folder holds (or a glob matches), oldest first."""
    if path.is_dir():
        candidates = [p for p in path.iterdir() if p.is_file()]
    else:
        candidates = [Path(p) for p in glob.glob(str(path)) if Path(p).is_file()]
    files = [
        p
        for p in candidates
        if p.suffix.lower() in SHEET_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and ".results" not in p.name
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class Ledger:
    """Which drop-folder files earlier runs started and finished."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT, digest TEXT, output TEXT NOT NULL,"
            " state TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY (path, digest))"
        )

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()

    def lookup(self, source: Path) -> tuple[str, str, str]:
        """(digest, output, state) of this file; output and state empty if never run."""
        digest = _digest(source)
        row = self._db.execute(
            "SELECT output, state FROM files WHERE path = ? AND digest = ?",
            (str(source.resolve()), digest),
        ).fetchone()
        return (digest, row[0], row[1]) if row else (digest, "", "")

    def mark(self, source: Path, digest: str, output: Path, state: str) -> None:
        self._db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?) ON CONFLICT (path, digest)"
            " DO UPDATE SET output = excluded.output, state = excluded.state,"
            " updated = excluded.updated",
            (str(source.resolve()), digest, str(output), state, time.time()),
        )


def expand_drop(job: Job, ledger: Ledger) -> list[tuple[Job, str]]:
    """One job per new (or unfinished) file of a drop folder, with its content digest."""
    files = matching_files(job.input)
    if not files and not job.input.exists() and not any(ch in str(job.input) for ch in "*?["):
        raise InputFileError(f"{job.input}: no such folder")
    jobs: list[tuple[Job, str]] = []
    for source in files:
        digest, output, state = ledger.lookup(source)
        if state == "finished" and not job.fresh:
            continue
        single = replace(job, input=source).with_output_filled()
        if output and state == "started" and not job.fresh:
            single = replace(single, output=Path(output))  # resume the same journal
        jobs.append((single, digest))
    outputs = [single.output_path for single, _ in jobs]
    if len(set(outputs)) < len(outputs):
        raise InputFileError(
            f"{job.input}: several files would write {outputs[0]}; put {{input_stem}} in the output"
        )
    return jobs


def ledger_path(job: Job) -> Path:
    """Beside the job's state: ``--state-dir``, or the drop folder itself."""
    if job.state_dir is not None:
        return job.state_dir / LEDGER_NAME
    folder = job.input if job.input.is_dir() else Path(glob.escape(str(job.input))).parent
    return folder / LEDGER_NAME
