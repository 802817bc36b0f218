"""The SQLite journal: the single source of truth for what has been done.

One row per unique request, keyed by its content hash. Every state change is committed
as it happens, so a crash or Ctrl-C loses nothing and a rerun resumes. States:

    pending -> inflight -> done     (status created or reused)
                        -> failed   (an error answer; safe to send again on a rerun)
                        -> unknown  (no clear answer: List before sending again)

A lock file beside the database keeps two runs from sharing a journal; the operating
system drops the lock when its process dies, so a killed run never leaves it stale.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from qrbatch.errors import ConfigError, JournalLockedError, OutputWriteError
from qrbatch.outputs.outcomes import Entry, Journaled, State
from qrbatch.state_home import default_state_dir
from qrbatch.words import say

log = logging.getLogger("qrbatch")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    message TEXT NOT NULL,
    image_type TEXT NOT NULL,
    cust_space_id TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    qrdl_code TEXT NOT NULL DEFAULT '',
    deep_link_url TEXT NOT NULL DEFAULT '',
    qr_image_url TEXT NOT NULL DEFAULT '',
    error_code TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


_FIELDS = (
    "key",
    "state",
    "status",
    "qrdl_code",
    "deep_link_url",
    "qr_image_url",
    "error_code",
    "error_message",
    "request_id",
    "attempts",
)


def _in_state_home(path: Path) -> bool:
    """Whether ``path`` lies in qrbatch's own state folder (not beside the user's files)."""
    home = default_state_dir().resolve()
    return home == path.parent.resolve() or home in path.parent.resolve().parents


class Journal:
    """Durable per-request outcomes of a run (one writer: the run's event loop)."""

    def __init__(self, path: Path | str, *, fresh: bool = False, wait: bool = False) -> None:
        """Open (or create) the journal at ``path``, holding its lock for the run.

        ``fresh`` empties it first (under the lock, so another run is never disturbed);
        ``wait`` waits for another run to release it instead of refusing.
        """
        self.path = Path(path) if path != ":memory:" else None
        self._lock_file: IO[str] | None = None
        self.dropped: str | None = None
        if self.path is not None:
            private = _in_state_home(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
            if private:  # qrbatch's own folder (notebook runs): the user's eyes only
                home = default_state_dir().resolve()
                for folder in (self.path.parent.resolve(), *self.path.parent.resolve().parents):
                    folder.chmod(0o700)
                    if folder == home:
                        break
            self._lock(wait)
            if fresh and self.path.exists():
                self.dropped = self._describe_existing()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            if private:  # made 0600 before SQLite opens it; its -wal and -shm copy the mode
                with contextlib.suppress(FileExistsError):
                    os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                self.path.chmod(0o600)  # a journal of an earlier version too
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._db.execute("SELECT key, state FROM requests LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:
            self._unlock()
            if "full" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
                raise OutputWriteError.of("journal.cannot_write", file=path, reason=exc) from None
            raise ConfigError.of("journal.cannot_read", file=path, reason=exc) from None
        except sqlite3.DatabaseError as exc:
            self._unlock()
            raise ConfigError.of("journal.cannot_read", file=path, reason=exc) from None

    def _describe_existing(self) -> str:
        assert self.path is not None
        try:
            with sqlite3.connect(self.path) as db:
                rows = db.execute("SELECT state, COUNT(*) FROM requests GROUP BY state").fetchall()
                source = db.execute("SELECT value FROM meta WHERE name = 'account'").fetchone()
        except sqlite3.Error:
            return "an unreadable journal"
        counts = ", ".join(f"{n} {state}" for state, n in rows) or "no requests"
        return f"a journal of {counts}" + (f" against {source[0]}" if source else "")

    def _lock(self, wait: bool) -> None:
        assert self.path is not None
        lock = lock_path(self.path)
        handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if wait:
                log.warning("%s is in use by %s: waiting for it to finish", self.path, holder)
                fcntl.flock(handle, fcntl.LOCK_EX)
            else:
                handle.close()
                raise JournalLockedError.of(
                    "journal.in_use", file=self.path, holder=holder
                ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"qrbatch pid {os.getpid()}")
        handle.flush()
        self._lock_file = handle

    def _unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def close(self) -> None:
        self._db.close()
        self._unlock()

    # Outputs that could not be written (a full disk): the next run writes them first.

    def get_meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, name: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE name = ?", (name,))
        else:
            self._db.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
                (name, value, value),
            )

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def bind(self, account: str) -> None:
        """Tie the journal to one endpoint and AccessKey; refuse another's journal.

        Codes live on one account: resuming a journal against another account would
        skip rows that were never created there. A journal whose account acted on none of
        its requests (none done, in flight or unknown: a mistyped AccessKey ID refused at
        the first call) holds nothing of that account's, so it is bound to the new one.
        """
        row = self._db.execute("SELECT value FROM meta WHERE name = 'account'").fetchone()
        if row is None:
            with self._transaction():
                self._db.execute("INSERT INTO meta VALUES ('account', ?)", (account,))
        elif row[0] != account:
            if self._acted_on():
                raise ConfigError.of(
                    "journal.other_account", file=self.path, recorded=row[0], account=account
                )
            with self._transaction():  # what the other account's run kept goes with it
                self._db.execute("DELETE FROM meta WHERE name NOT IN ('account', 'input')")
                self._db.execute("UPDATE meta SET value = ? WHERE name = 'account'", (account,))
            log.info(say("journal.rebound", file=self.path, recorded=row[0], account=account))

    def _acted_on(self) -> bool:
        """Whether the service acted (or may have) on any request of this journal."""
        found = self._db.execute(
            "SELECT 1 FROM requests WHERE state IN ('done', 'inflight', 'unknown') LIMIT 1"
        ).fetchone()
        return found is not None

    # Reading ------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        row = self._db.execute(
            f"SELECT {', '.join(_FIELDS)} FROM requests WHERE key = ?", (key,)
        ).fetchone()
        return Entry(*row) if row else None

    def entries(self, keys: Iterable[str] | None = None) -> dict[str, Entry]:
        """Every entry (or those of ``keys``), by key."""
        query = f"SELECT {', '.join(_FIELDS)} FROM requests"
        found = {row[0]: Entry(*row) for row in self._db.execute(query)}
        if keys is None:
            return found
        return {k: found[k] for k in keys if k in found}

    # Writing (each call is one committed transaction) -------------------------------

    def add_pending(self, requests: Iterable[Journaled]) -> None:
        now = time.time()
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO requests (key, phone, message, image_type, cust_space_id,"
                " state, updated) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                [(r.key, r.phone, r.message, r.image_type, r.cust_space_id, now) for r in requests],
            )

    # One statement in autocommit mode is one committed transaction: no BEGIN/COMMIT
    # round trips on the per-row path.

    def mark(self, key: str, state: State, *, attempts: int | None = None) -> None:
        self._db.execute(
            "UPDATE requests SET state = ?, attempts = COALESCE(?, attempts), updated = ?"
            " WHERE key = ?",
            (state, attempts, time.time(), key),
        )

    def record(self, entry: Entry) -> None:
        self._db.execute(
            "UPDATE requests SET state = ?, status = ?, qrdl_code = ?, deep_link_url = ?,"
            " qr_image_url = ?, error_code = ?, error_message = ?, request_id = ?,"
            " attempts = ?, updated = ? WHERE key = ?",
            (
                entry.state,
                entry.status,
                entry.qrdl_code,
                entry.deep_link_url,
                entry.qr_image_url,
                entry.error_code,
                entry.error_message,
                entry.request_id,
                entry.attempts,
                time.time(),
                entry.key,
            ),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def lock_path(path: Path) -> Path:
    """The lock file beside a journal: whoever holds it is the journal's one run."""
    return path.with_name(path.name + ".lock")


JOURNAL_FILES = ("", "-wal", "-shm")  # a journal's database and SQLite's files beside it


@contextlib.contextmanager
def unused(path: Path) -> Iterator[bool]:
    """Takes the journal's lock if no run holds it: True inside the block (the journal
    may be removed, no run can start on it meanwhile), False when a run has it."""
    with open(lock_path(path), "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
