"""The account registry: what every qrbatch process on this host shares about an account.

The 5 calls/s limit is per Alibaba Cloud account, and Create (like Update) is not
idempotent, but each run only knows itself: two runs with their own pacers each hold
5/s and together get throttled, and two journals do not see each other's Creates in
flight, so the same sheet run twice creates every code twice. The registry is one SQLite
database in the user's state directory (``$QRBATCH_STATE_DIR``, else
``$XDG_STATE_HOME/qrbatch``, else ``~/.local/state/qrbatch``) that every qrbatch process
opens. Its lease semantics are those of the Redis registry's design (DISTRIBUTED.md).

**Which account.** Endpoints are normalised first (``canonical_endpoint``: scheme and
host in lower case, ``localhost``, ``127.0.0.1`` and ``::1`` one host, default ports
written out, no trailing slash), so two spellings of one service are one registry.
Claims are keyed by that service and the request (business number, message, image type,
space): a business number belongs to one account, so every AccessKey of the account (RAM
users, STS sessions) shares them. The rate is shared per account only where the account
is known: ``QRBATCH_ACCOUNT`` names it; otherwise per service and AccessKey ID, since a
key ID does not say whose it is (two keys of one account then pace apart, and the
adaptive pacer absorbs the throttles).

**Who is running** (``participants``). Each run joins with a lock file it holds
(``fcntl.flock``) for as long as it lives: the kernel drops the lock when the process
dies, even by ``kill -9``, so "is it dead?" is one non-blocking lock attempt; whoever
finds a dead participant in its way purges it and its claims become orphaned. A process
can also be alive but frozen (Ctrl-Z, SIGSTOP, a debugger): each run holds a lease
(``lease_until`` on the host's monotonic clock, default 15 s) renewed every lease/5 by a
thread of its own and at every claim; a run whose lease lapsed more than the grace (5 s)
ago is given up: its claims are orphaned at once, all of them, although its lock is held.
If it resumes, its claims checks find them gone (it reuses what the others created).

**The send schedule** (``pace`` and ``sends``). One slot at a time, taken under
``BEGIN IMMEDIATE`` at the moment it is due, so the recorded time is the real send time:
a slot is due ``1/rate`` after the last send of any run, and no earlier than ``window +
margin`` after the ``limit``-th last send (``pacing.slot_due``). Fairness: each run has
at most one task waiting for the shared schedule and records since when it waits; a due
slot goes to the run that has waited longest, unless that run is late by more than
``GRACE`` (stalled). The adaptive state (``RateControl``) is shared too: a throttle seen
by one run slows them all, once per cooldown. The in-flight cap stays per process.

**Claims** (``request_claims``). A Create or Update is claimed only for the request about
to be sent: the executor waits (``wait_turn``, holding no slot) while another live run
holds it, then takes its pacer slot, and only then ``take``s the claim, just before the
send (``pacing.before_send``). So a run holds claims for its calls in flight, not for
rows still queued. ``take`` answers *granted* (send, then ``settle`` with the code or
``release``), *busy* (another run took it meanwhile: nothing sent, wait again),
*settled* (another run created it while this one ran: reuse its code) or *orphaned*
(granted, but its last holder died, lapsed or gave up mid-call: List before sending).
Every orphaned claim of a run given up is orphaned at one time, so one List of the
number made after it settles them all (the executor keeps it for the run). A settled
claim answers only runs that joined before it was settled; a waiting run says once for
whom it waits.

**Failing closed.** Without claims a Create or Update may duplicate another run's, so
when the registry cannot be used (the folder gone or unwritable, the disk full, the
database locked longer than ``QRBATCH_REGISTRY_WAIT``, 10 s, by a process frozen
mid-transaction) nothing that needs a claim is sent: at the start a run that creates or
updates stops before any call, mid-run it stops sending them, every unsent row stays
pending in the journal, and the command exits 69 (``RegistryUnavailableError``) naming
the folder and the cause. List and Delete need no claim: they go on, paced by the run
alone. ``QRBATCH_REGISTRY=off`` is the explicit way to run alone (benchmarks compare).

Residual risk, as in DISTRIBUTED.md: a process frozen longer than lease + grace between
``take`` and writing its request (or a request held that long in the network) can make
one duplicate: only a token checked by the service could close it, and CAMS takes none.

Timing uses ``time.monotonic`` (one clock for every process on the host) for the
schedule and leases, wall-clock time for claims and joins; tests inject both.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import math
import os
import random
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio

from qrbatch.engine.claims import (
    GRANTED,
    AccountPacing,
    AccountView,
    Claim,
    NoClaims,
    RunView,
)
from qrbatch.engine.pacing import (
    DEFAULT_MARGIN,
    DEFAULT_QPS,
    AdaptivePacer,
    RateControl,
    cut_event,
    slot_due,
    window_limit,
)
from qrbatch.errors import ConfigError, RegistryUnavailableError
from qrbatch.state_home import ENV_STATE_DIR, default_state_dir

log = logging.getLogger("qrbatch")

ENV_SWITCH = "QRBATCH_REGISTRY"
ENV_LEASE = "QRBATCH_REGISTRY_LEASE"  # seconds; tests shorten it
ENV_GRACE = "QRBATCH_REGISTRY_GRACE"
ENV_WAIT = "QRBATCH_REGISTRY_WAIT"  # seconds a locked database is waited for
ENV_ACCOUNT = "QRBATCH_ACCOUNT"  # the Alibaba Cloud account (UID or alias) behind the key
DB_NAME = "accounts.sqlite"
GRACE = 0.05  # seconds the longest-waiting run may be late for a due slot
CLAIM_POLL = 0.1  # seconds between looks at a claim another live run holds
DEFAULT_LEASE = 15.0  # a run renews its lease every lease/5 (a thread of its own)
DEFAULT_LEASE_GRACE = 5.0  # a lease lapsed this long frees the run's claims
DEFAULT_WAIT = 10.0  # a database locked longer than this is unavailable: exit 69
ORPHAN_DAYS = 7.0  # an orphaned claim nobody asked for in a week is forgotten

Clock = Callable[[], float]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS participants (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    pid INTEGER NOT NULL,
    lock_path TEXT NOT NULL,
    ceiling REAL NOT NULL,
    joined REAL NOT NULL,
    waiting_since REAL
);
CREATE TABLE IF NOT EXISTS pace (
    account TEXT PRIMARY KEY,
    rate REAL NOT NULL,
    margin REAL NOT NULL,
    base_margin REAL NOT NULL,
    last_change REAL,
    last_throttle REAL,
    throttled_rate REAL,
    probing INTEGER NOT NULL DEFAULT 0,
    probes_above INTEGER NOT NULL DEFAULT 0,
    last_send REAL,
    paused_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sends (account TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sends_by_account ON sends (account, at);
CREATE TABLE IF NOT EXISTS request_claims (
    service TEXT NOT NULL,
    key TEXT NOT NULL,
    holder TEXT NOT NULL,
    state TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    deep_link TEXT NOT NULL DEFAULT '',
    image_url TEXT NOT NULL DEFAULT '',
    updated REAL NOT NULL,
    PRIMARY KEY (service, key)
);
"""

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_endpoint(endpoint: str) -> str:
    """One spelling per service: scheme and host in lower case, the loopback names
    (``localhost``, ``127.0.0.1``, ``::1``) as one host, the default port written out,
    no trailing slash. ``http://localhost:8080/`` and ``http://127.0.0.1:8080`` are one
    service, so one registry."""
    parts = urlsplit(endpoint.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host in _LOOPBACK:
        host = "localhost"
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or _DEFAULT_PORTS.get(scheme)
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}:{port}{path}"


def account_id(access_key_id: str, endpoint: str, account: str = "") -> str:
    """The registry's name for an account's rate: a hash of the service and the
    account when it is known (``account``, from ``QRBATCH_ACCOUNT``), else of the
    service and the AccessKey ID. Two keys of one account share the rate only when
    the account is named: an AccessKey ID does not say whose it is."""
    who = f"account\x1f{account}" if account else access_key_id
    payload = f"{canonical_endpoint(endpoint)}\x1f{who}".encode()
    return hashlib.sha256(payload).hexdigest()[:32]


def _alive(lock_path: str) -> bool:
    """Whether the participant holding ``lock_path`` still lives (it holds the lock)."""
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also drops the lock if we just took it
    return False


# The registry ---------------------------------------------------------------------


@dataclass(slots=True)
class _Member:
    id: str
    lock_path: str
    ceiling: float
    waiting_since: float | None
    lease_until: float | None = None


@dataclass(slots=True)
class _Pace:
    control: RateControl
    last_send: float
    paused_until: float


class AccountRegistry:
    """This process's membership of one account's shared state (see the module docstring).

    One per run: ``join`` it, take ``pacer()`` for the client, call ``claim`` /
    ``settle`` / ``release`` around each Create, ``close`` at the end.
    """

    def __init__(
        self,
        *,
        access_key_id: str,
        endpoint: str,
        ceiling: float = DEFAULT_QPS,
        state_dir: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        margin: float = DEFAULT_MARGIN,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        account: str = "",
        lease: float = DEFAULT_LEASE,
        lease_grace: float = DEFAULT_LEASE_GRACE,
        busy_timeout: float = DEFAULT_WAIT,
    ) -> None:
        """Join the account's registry; raises RegistryUnavailableError if it cannot.

        ``clock`` (host-wide monotonic: schedule and leases) and ``wall`` (claims, which
        outlive a reboot) are injected in tests; so are ``lease``, ``lease_grace`` (a run
        whose lease lapsed this long is given up: its claims are orphaned, even if its
        lock is held: a frozen process) and ``busy_timeout`` (how long a locked database
        is waited for before it counts as unavailable)."""
        if ceiling <= 0:
            raise ValueError("the rate ceiling must be positive")
        self.account = account_id(access_key_id, endpoint, account)
        self.service = canonical_endpoint(endpoint)
        self.lease = lease
        self.lease_grace = lease_grace
        self.busy_timeout = busy_timeout
        self._waited_for: set[str] = set()
        self._beat_stop = threading.Event()
        self._beat_thread: threading.Thread | None = None
        self.ceiling = ceiling
        self.folder = Path(state_dir) if state_dir else default_state_dir(env)
        self.path = self.folder / DB_NAME
        self.id = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._clock = clock
        self._wall = wall
        self.margin = margin
        self._lock_fd: int | None = None
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] = (0, 0)  # the database file (device, inode)
        self.broken = False
        self.failure = ""
        self.refused: RegistryUnavailableError | None = None  # a claim this run was denied
        try:
            self._open()
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise RegistryUnavailableError(str(self.folder), _cause(exc)) from exc

    def _enter(self, db: sqlite3.Connection) -> None:
        """This run among the participants (again, after a purge: with its first join
        time, so settled claims it has not seen still answer it)."""
        db.execute(
            "INSERT OR REPLACE INTO participants (id, account, pid, lock_path, ceiling, joined,"
            " lease_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.id,
                self.account,
                os.getpid(),
                self.lock_path,
                self.ceiling,
                self.joined,
                self._clock() + self.lease,
            ),
        )

    def _open(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_dir = self.folder / "participants"
        lock_dir.mkdir(mode=0o700, exist_ok=True)
        self.lock_path = str(lock_dir / f"{self.id}.lock")
        self._lock_fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # The user's eyes only, made so before SQLite opens it (its -wal/-shm copy it).
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(self.path, 0o600)
        self._db = self._connect()
        found = os.stat(self.path)
        self._identity = (found.st_dev, found.st_ino)
        self.joined = self._wall()
        with self._transaction() as db:
            others = [m for m in self._members(db) if m.id != self.id]
            self._enter(db)
            if not others:
                # Alone: earlier runs' adaptive state is stale (its clock may even be from
                # before a reboot); their last sends still count in the server's window.
                self._store_control(db, RateControl.fresh(self.ceiling, self.margin))
            # A settled claim answers only runs that joined before it was settled: once
            # older than every run's join (on any key of the service), nobody asks.
            oldest = db.execute("SELECT MIN(joined) FROM participants").fetchone()[0]
            db.execute(
                "DELETE FROM request_claims WHERE (state = 'settled' AND updated < ?)"
                " OR updated < ?",
                (oldest, self.joined - ORPHAN_DAYS * 86400),
            )
            self._forget_idle_accounts(db)

    def _connect(self) -> sqlite3.Connection:
        """The database, in WAL mode, with its tables. Switching a new database to WAL
        refuses at once ("database is locked", no busy wait) while another process opens
        it too, as runs started together do: try again for a while."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            db = sqlite3.connect(
                str(self.path),
                isolation_level=None,
                timeout=self.busy_timeout,
                check_same_thread=False,
            )
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
                columns = {row[1] for row in db.execute("PRAGMA table_info(participants)")}
                if "lease_until" not in columns:  # a registry of an earlier qrbatch
                    with suppress(sqlite3.OperationalError):  # another run added it
                        db.execute("ALTER TABLE participants ADD COLUMN lease_until REAL")
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.01, 0.05))

    def _forget_idle_accounts(self, db: sqlite3.Connection) -> None:
        """Accounts nobody runs on (a sandbox on a random port, yesterday's runs) keep
        only their orphaned claims; their schedule is over once its window has passed."""
        now = self._clock()
        idle = "account NOT IN (SELECT account FROM participants)"
        db.execute(f"DELETE FROM sends WHERE (at < ? OR at > ?) AND {idle}", (now - 60, now + 60))
        db.execute(
            f"DELETE FROM pace WHERE (last_send IS NULL OR last_send < ? OR last_send > ?)"
            f" AND {idle}",
            (now - 60, now + 60),
        )

    def close(self) -> None:
        """Leave: claims still held become "List first" for the next claimer; the lock
        file goes. Safe to call twice."""
        self._beat_stop.set()
        if self._beat_thread is not None:
            self._beat_thread.join()
            self._beat_thread = None
        db, self._db = self._db, None
        if db is not None:
            with suppress(sqlite3.Error):
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "UPDATE request_claims SET state = 'orphaned', updated = ?"
                    " WHERE holder = ? AND state = 'held'",
                    (self._wall(), self.id),
                )
                db.execute("DELETE FROM participants WHERE id = ?", (self.id,))
                db.execute("COMMIT")
            db.close()
        if self._lock_fd is not None:
            with suppress(OSError):
                os.unlink(self.lock_path)
            os.close(self._lock_fd)
            self._lock_fd = None

    def observe(self, event: object) -> None:
        """Runs on this host are seen by their pid; nothing more is recorded."""

    async def leave(self) -> None:
        """``close``; then raise the claim this run was refused, if any (``Membership``)."""
        self.close()
        refused, self.refused = self.refused, None
        if refused is not None:
            raise refused

    def __enter__(self) -> AccountRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pacer(self, **tuning: Any) -> SharedPacer:
        """A pacer for this run's client, sharing the account's schedule (same protocol
        and tuning keywords as ``AdaptivePacer``)."""
        return SharedPacer(self, **tuning)

    # Plumbing -------------------------------------------------------------------------

    @contextmanager
    def _failing_softly(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, RegistryUnavailableError) as exc:
            self.failed(exc)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        if db is None:
            raise RegistryUnavailableError(str(self.folder), "the registry was closed")
        if self.broken:  # said once; every later call fails at once instead of waiting again
            raise RegistryUnavailableError(str(self.folder), self.failure)
        try:  # the file this run shares with the others: still there, still the same one
            found = os.stat(self.path)
            same = (found.st_dev, found.st_ino) == self._identity
        except OSError:
            same = False
        if not same:  # deleted (a cleanup, a person): a new run would not see this one
            raise RegistryUnavailableError(
                str(self.folder), "its database was deleted or replaced during the run"
            )
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _members(self, db: sqlite3.Connection) -> list[_Member]:
        rows = db.execute(
            "SELECT id, lock_path, ceiling, waiting_since, lease_until FROM participants"
            " WHERE account = ?",
            (self.account,),
        ).fetchall()
        members = []
        for row in rows:
            member = _Member(*row)
            if member.id == self.id or _alive(member.lock_path):
                members.append(member)
            else:
                self._purge(db, member.id, member.lock_path)
        return members

    def _me(self, db: sqlite3.Connection, members: list[_Member]) -> _Member:
        """This run among ``members``; back in if it was purged (its lock file deleted
        under it, say), with a new lock file. Claims it held were orphaned: List first."""
        for member in members:
            if member.id == self.id:
                return member
        if self._lock_fd is not None:
            os.close(self._lock_fd)
        self._lock_fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Back in with the first join time: settled claims it has not seen still answer it.
        self._enter(db)
        me = _Member(self.id, self.lock_path, self.ceiling, None)
        members.append(me)
        return me

    def _joined(self, db: sqlite3.Connection, member: str) -> float:
        row = db.execute("SELECT joined FROM participants WHERE id = ?", (member,)).fetchone()
        return float(row[0]) if row else self._wall()

    def _purge(self, db: sqlite3.Connection, member: str, lock_path: str) -> None:
        """A dead participant: forget it; whatever it was creating must be settled by List."""
        db.execute("DELETE FROM participants WHERE id = ?", (member,))
        db.execute(
            "UPDATE request_claims SET state = 'orphaned', updated = ?"
            " WHERE holder = ? AND state = 'held'",
            (self._wall(), member),
        )
        with suppress(OSError):
            os.unlink(lock_path)
        log.info("account registry: a qrbatch run on this account died; its share is freed")

    def _load_pace(self, db: sqlite3.Connection, now: float) -> _Pace:
        row = db.execute(
            "SELECT rate, margin, base_margin, last_change, last_throttle, throttled_rate,"
            " probing, probes_above, last_send, paused_until FROM pace WHERE account = ?",
            (self.account,),
        ).fetchone()
        if row is None:
            control = RateControl.fresh(self.ceiling, self.margin)
            self._store_control(db, control)
            return _Pace(control, -math.inf, 0.0)
        control = RateControl(
            ceiling=self.ceiling,
            rate=row[0],
            margin=row[1],
            base_margin=row[2],
            last_change=-math.inf if row[3] is None else row[3],
            last_throttle=-math.inf if row[4] is None else row[4],
            throttled_rate=math.inf if row[5] is None else row[5],
            probing=bool(row[6]),
            probes_above=row[7],
        )
        last_send = -math.inf if row[8] is None else row[8]
        paused_until = row[9]
        # Times from before a reboot (the monotonic clock restarted) lie in the future.
        if last_send > now + 60.0 or paused_until > now + 3600.0:
            db.execute("DELETE FROM sends WHERE account = ?", (self.account,))
            last_send, paused_until = -math.inf, 0.0
        return _Pace(control, last_send, paused_until)

    def _store_control(self, db: sqlite3.Connection, control: RateControl) -> None:
        def finite(value: float) -> float | None:
            return value if math.isfinite(value) else None

        db.execute(
            "INSERT INTO pace (account, rate, margin, base_margin, last_change, last_throttle,"
            " throttled_rate, probing, probes_above) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account) DO UPDATE SET rate = excluded.rate,"
            " margin = excluded.margin, base_margin = excluded.base_margin,"
            " last_change = excluded.last_change, last_throttle = excluded.last_throttle,"
            " throttled_rate = excluded.throttled_rate, probing = excluded.probing,"
            " probes_above = excluded.probes_above",
            (
                self.account,
                control.rate,
                control.margin,
                control.base_margin,
                finite(control.last_change),
                finite(control.last_throttle),
                finite(control.throttled_rate),
                int(control.probing),
                control.probes_above,
            ),
        )

    # The shared schedule (called by SharedPacer) ------------------------------------

    def take_slot(self, window: float, max_margin: float) -> tuple[float, RateControl]:
        """Take the account's next send slot if it is due and this run's turn: (0, state).
        Otherwise (seconds to wait before asking again, state)."""
        with self._transaction() as db:
            now = self._clock()
            members = self._members(db)
            pace = self._load_pace(db, now)
            control = pace.control
            mine = self._me(db, members)
            ceiling = min(m.ceiling for m in members)
            control.ceiling = ceiling
            if mine.waiting_since is None:
                mine.waiting_since = now
                db.execute("UPDATE participants SET waiting_since = ? WHERE id = ?", (now, self.id))
            limit = window_limit(ceiling, window)
            recent = [
                at
                for (at,) in db.execute(
                    "SELECT at FROM sends WHERE account = ? ORDER BY at DESC LIMIT ?",
                    (self.account, limit),
                )
            ]
            due = slot_due(
                last_send=pace.last_send,
                rate=min(control.rate, ceiling),
                paused_until=pace.paused_until,
                window_start=recent[-1] if len(recent) == limit else None,
                window=window,
                margin=control.margin,
            )
            head = min(
                (m for m in members if m.waiting_since is not None),
                key=lambda m: (m.waiting_since or 0.0, m.id),
            )
            if head.id != self.id:
                turn = max(due, head.waiting_since or now) + GRACE
                if now < turn:
                    return turn - now, control
                # The longest-waiting run is late for its slot (alive: _members checked):
                # a stalled process does not hold the others up.
            if due > now:
                return due - now, control
            db.execute("INSERT INTO sends (account, at) VALUES (?, ?)", (self.account, now))
            db.execute(
                "DELETE FROM sends WHERE account = ? AND at < ?",
                (self.account, now - window - max_margin - 1.0),
            )
            db.execute("UPDATE pace SET last_send = ? WHERE account = ?", (now, self.account))
            db.execute("UPDATE participants SET waiting_since = NULL WHERE id = ?", (self.id,))
            return 0.0, control

    def stop_waiting(self) -> None:
        """This run no longer waits for a slot (its waiter was cancelled)."""
        with suppress(RegistryUnavailableError, sqlite3.Error), self._transaction() as db:
            db.execute("UPDATE participants SET waiting_since = NULL WHERE id = ?", (self.id,))

    def update_control(
        self,
        change: Callable[[RateControl, float], bool],
        *,
        pause_for: float | None = None,
    ) -> tuple[bool, float, RateControl]:
        """Apply ``change(control, now)`` to the shared adaptive state (and a retry-after
        pause); returns (changed, rate before, state after)."""
        with self._transaction() as db:
            now = self._clock()
            pace = self._load_pace(db, now)
            control = pace.control
            members = self._members(db)
            self._me(db, members)
            control.ceiling = min(m.ceiling for m in members)
            before = control.rate
            changed = change(control, now)
            if changed:
                self._store_control(db, control)
            if pause_for:
                db.execute(
                    "UPDATE pace SET paused_until = MAX(paused_until, ?) WHERE account = ?",
                    (now + pause_for, self.account),
                )
            return changed, before, control

    def now(self) -> float:
        return self._clock()

    # Liveness: leases ---------------------------------------------------------------

    def beat(self) -> None:
        """Renew this run's lease (the heartbeat thread does it every lease/5)."""
        with self._transaction() as db:
            self._renew(db)

    def _renew(self, db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE participants SET lease_until = ? WHERE id = ?",
            (self._clock() + self.lease, self.id),
        )

    def start_heartbeat(self) -> None:
        """Renew the lease every lease/5 from a thread with its own connection, so a busy
        event loop does not lose it; a frozen process (SIGSTOP, a debugger) does, and its
        claims go to the other runs after lease + grace. Stopped by ``close``."""
        if self._beat_thread is not None:
            return
        every = self.lease / 5
        path, run_id, clock, lease = self.path, self.id, self._clock, self.lease
        stop = self._beat_stop

        def beat() -> None:
            try:
                db = sqlite3.connect(str(path), isolation_level=None, timeout=every)
            except sqlite3.Error:
                return
            try:
                while not stop.wait(every):
                    with suppress(sqlite3.Error):  # a locked database: the run's own calls say so
                        db.execute(
                            "UPDATE participants SET lease_until = ? WHERE id = ?",
                            (clock() + lease, run_id),
                        )
            finally:
                db.close()

        self._beat_thread = threading.Thread(target=beat, name="qrbatch-lease", daemon=True)
        self._beat_thread.start()

    def _holder(self, db: sqlite3.Connection, holder: str) -> tuple[str, str, int]:
        """(alive | lapsed | dead, lock path, pid) of the run holding a claim: dead when
        its lock is free (the fast test: the kernel drops it with the process), lapsed
        when it holds its lock but missed its lease by more than the grace (frozen)."""
        row = db.execute(
            "SELECT lock_path, lease_until, pid FROM participants WHERE id = ?", (holder,)
        ).fetchone()
        if row is None:
            return "dead", "", 0
        lock_path, lease_until, pid = row
        if not _alive(lock_path):
            return "dead", lock_path, pid
        if lease_until is not None and lease_until + self.lease_grace < self._clock():
            return "lapsed", lock_path, pid
        return "alive", lock_path, pid

    # Claims -----------------------------------------------------------------------------

    def stamp(self) -> float:
        """The claims' clock (an orphaned claim's ``since`` is on it)."""
        return self._wall()

    async def wait_turn(self, key: str) -> Claim | None:
        """Wait, without a pacer slot, while another live run holds ``key``; a ``settled``
        claim if another run created it while this one ran, else None (take a slot, then
        ``take``). Says once per run waited for whom it waits."""
        while True:
            claim = self._reading(key)
            if claim is None or claim.outcome != "busy":
                return claim
            self._say_waiting(claim.holder)
            await anyio.sleep(CLAIM_POLL)

    async def claim(self, key: str) -> Claim:
        """``take``, waiting while another live run holds ``key``."""
        while True:
            claim = self.take(key)
            if claim.outcome != "busy":
                return claim
            self._say_waiting(claim.holder)
            await anyio.sleep(CLAIM_POLL)

    def take(self, key: str) -> Claim:
        """Claim ``key`` for the send about to go (the pacer slot is taken), renewing the
        lease: granted, orphaned (granted, but List first), settled (reuse) or busy (no
        send: wait). Raises RegistryUnavailableError when the registry cannot be used:
        then nothing that needs a claim may be sent (fail closed)."""
        if self.broken:
            raise self._refuse()
        try:
            with self._transaction() as db:
                self._renew(db)
                return self._take(db, key)
        except (sqlite3.Error, RegistryUnavailableError) as exc:
            self.failed(exc)
            raise self._refuse() from exc

    def _refuse(self) -> RegistryUnavailableError:
        self.refused = RegistryUnavailableError(str(self.folder), self.failure)
        return self.refused

    def failed(self, exc: Exception) -> None:
        """The database failed mid-run (disk full, locked too long, folder gone): say so
        once. From now on no claim is granted; calls that need none go on, paced alone."""
        if not self.broken:
            self.broken = True
            self.failure = _cause(exc)
            log.error(
                "account registry in %s failed (%s): no Create or Update is sent without "
                "its claim; this run stops sending them",
                self.folder,
                self.failure,
            )

    def _say_waiting(self, holder: str) -> None:
        if holder not in self._waited_for:
            self._waited_for.add(holder)
            log.warning(
                "waiting for another qrbatch run on this account (%s): it is sending the "
                "same requests; its claims free up when it ends, dies, or misses its lease "
                "(%g s + %g s)",
                holder,
                self.lease,
                self.lease_grace,
            )

    def _reading(self, key: str) -> Claim | None:
        db = self._db
        if db is None:
            self.failed(RegistryUnavailableError(str(self.folder), "the registry was closed"))
        if self.broken or db is None:
            raise self._refuse()
        try:
            row = db.execute(
                "SELECT holder, state, code, deep_link, image_url, updated FROM request_claims"
                " WHERE service = ? AND key = ?",
                (self.service, key),
            ).fetchone()
            if row is None:
                return None
            holder, state, code, deep_link, image_url, updated = row
            if state == "held" and holder != self.id:
                status, _, pid = self._holder(db, holder)
                return Claim("busy", holder=f"pid {pid}") if status == "alive" else None
        except sqlite3.Error as exc:
            self.failed(exc)
            raise self._refuse() from exc
        if state == "settled" and updated >= self.joined:
            return Claim("settled", code, deep_link, image_url)
        return None

    def _take(self, db: sqlite3.Connection, key: str) -> Claim:
        now = self._wall()
        row = db.execute(
            "SELECT holder, state, code, deep_link, image_url, updated FROM request_claims"
            " WHERE service = ? AND key = ?",
            (self.service, key),
        ).fetchone()
        since: float | None = None
        if row is not None:
            holder, state, code, deep_link, image_url, updated = row
            if state == "held" and holder == self.id:
                return GRANTED  # asked again (a retry): still this run's
            if state == "held":
                status, lock_path, pid = self._holder(db, holder)
                if status == "alive":
                    return Claim("busy", holder=f"pid {pid}")
                if status == "dead" and lock_path:
                    self._purge(db, holder, lock_path)
                elif status == "lapsed":
                    self._give_up(db, holder, pid)
                state, updated = "orphaned", now
            if state == "settled" and updated >= self.joined:
                return Claim("settled", code, deep_link, image_url)
            if state == "orphaned":
                since = updated
        db.execute(
            "INSERT INTO request_claims (service, key, holder, state, updated)"
            " VALUES (?, ?, ?, 'held', ?) ON CONFLICT (service, key) DO UPDATE SET"
            " holder = excluded.holder, state = 'held', code = '', deep_link = '',"
            " image_url = '', updated = excluded.updated",
            (self.service, key, self.id, now),
        )
        return GRANTED if since is None else Claim("orphaned", since=since)

    def _give_up(self, db: sqlite3.Connection, holder: str, pid: int) -> None:
        """A run that holds its lock but missed its lease (stopped, frozen): its claims
        are orphaned, every one at once, so one List per number settles them all. It
        stays a member: if it resumes, its own claims checks find them gone."""
        db.execute(
            "UPDATE request_claims SET state = 'orphaned', updated = ?"
            " WHERE holder = ? AND state = 'held'",
            (self._wall(), holder),
        )
        log.warning(
            "account registry: qrbatch run pid %d has not renewed its lease for over "
            "%g s (stopped?): its claims are settled by List and go to the other runs",
            pid,
            self.lease + self.lease_grace,
        )

    def settle(self, key: str, *, code: str, deep_link: str = "", image_url: str = "") -> None:
        """This run's Create of ``key`` gave ``code``: runs waiting for it reuse it."""
        with self._failing_softly(), self._transaction() as db:
            db.execute(
                "UPDATE request_claims SET state = 'settled', code = ?, deep_link = ?,"
                " image_url = ?, updated = ? WHERE service = ? AND key = ? AND holder = ?",
                (code, deep_link, image_url, self._wall(), self.service, key, self.id),
            )

    def release(self, key: str, *, outcome_unknown: bool = False) -> None:
        """This run will not settle ``key``: the next claimer creates it, or, if this
        run's Create may have landed (``outcome_unknown``), Lists first."""
        with self._failing_softly(), self._transaction() as db:
            if outcome_unknown:
                db.execute(
                    "UPDATE request_claims SET state = 'orphaned', updated = ?"
                    " WHERE service = ? AND key = ? AND holder = ? AND state = 'held'",
                    (self._wall(), self.service, key, self.id),
                )
            else:
                db.execute(
                    "DELETE FROM request_claims WHERE service = ? AND key = ? AND holder = ?"
                    " AND state = 'held'",
                    (self.service, key, self.id),
                )


class LocalClaims:
    """The registry's claims as the engine takes them (``claims.Claims``): SQLite answers
    at once, so each is the registry's own call, made on the event loop."""

    def __init__(self, registry: AccountRegistry) -> None:
        self.registry = registry

    async def wait_turn(self, key: str) -> Claim | None:
        return await self.registry.wait_turn(key)

    async def take(self, key: str) -> Claim:
        return self.registry.take(key)

    async def settle(
        self, key: str, *, code: str, deep_link: str = "", image_url: str = ""
    ) -> None:
        self.registry.settle(key, code=code, deep_link=deep_link, image_url=image_url)

    async def release(self, key: str, *, outcome_unknown: bool = False) -> None:
        self.registry.release(key, outcome_unknown=outcome_unknown)

    def stamp(self) -> float:
        return self.registry.stamp()


def _cause(exc: BaseException) -> str:
    """What went wrong, in words: the database's message, or the OS error's."""
    if isinstance(exc, RegistryUnavailableError):
        return exc.cause
    text = str(exc) or type(exc).__name__
    if "locked" in text:
        return f"{text}: another process has held it too long (a run frozen mid-write?)"
    return text


class SharedPacer(AdaptivePacer):
    """``AdaptivePacer`` whose slots and adaptive state are the account registry's, so
    that every run on the host together keeps the account's rate. The in-flight cap and
    the latency estimate stay this process's own."""

    def __init__(self, registry: AccountRegistry, **tuning: Any) -> None:
        super().__init__(registry.ceiling, margin=registry.margin, **tuning)
        self.registry = registry
        self._turn = anyio.Lock()

    async def next_slot(self) -> None:
        if not self.registry.broken:
            with suppress(_RegistryFailed):
                return await self._wait_for_shared_slot()
        await self.own_slot()  # the registry failed: this process's own pacing

    async def _wait_for_shared_slot(self) -> None:
        # One task per process waits on the shared schedule; the rest queue here, so the
        # schedule's "longest waiting run first" is fair between runs, not tasks.
        async with self._turn:
            taken = False
            try:
                while True:
                    with self._shared():
                        wait, self.control = self.registry.take_slot(
                            self.window, self.tuning.max_margin
                        )
                    if wait <= 0:
                        taken = True
                        self.sends += 1
                        return
                    await anyio.sleep(wait)
            finally:
                if not taken:
                    self.registry.stop_waiting()

    @contextmanager
    def _shared(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, RegistryUnavailableError) as exc:
            self.registry.failed(exc)
            raise _RegistryFailed from exc

    def _shared_time(self, loop_time: float | None) -> float | None:
        """A time from the client (event-loop clock) on the registry's clock."""
        if loop_time is None:
            return None
        return loop_time + (self.registry.now() - anyio.current_time())

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None:
        """The server said slow down: every run on the account slows (once per cooldown)."""
        if not self.registry.broken:
            self.throttled += 1
            sent = self._shared_time(sent_at)
            tuning = self.tuning
            with suppress(_RegistryFailed), self._shared():
                changed, before, self.control = self.registry.update_control(
                    lambda control, now: control.throttled(tuning, now, sent),
                    pause_for=retry_after,
                )
                if changed:
                    self.on_event(cut_event(before, self.control, retry_after, self.throttled))
                return
            self.throttled -= 1
        super().on_throttled(retry_after, sent_at)

    def on_success(self) -> None:
        """A clean answer: win back rate for every run, step by step (shared cooldown)."""
        tuning = self.tuning
        if not self.control.wants_step(tuning, self.registry.now()):
            return  # the common case: no write
        if not self.registry.broken:
            with suppress(_RegistryFailed), self._shared():
                _, _, self.control = self.registry.update_control(
                    lambda control, now: control.succeeded(tuning, now)
                )
                return
        super().on_success()


class _RegistryFailed(Exception):
    """Internal: the shared state failed; fall back to this process's own pacing."""


# The factory the engine calls -----------------------------------------------------


def registry_enabled(env: Mapping[str, str] | None = None) -> bool:
    """False when ``QRBATCH_REGISTRY`` is ``off`` (or 0, false, no)."""
    env = os.environ if env is None else env
    return env.get(ENV_SWITCH, "").strip().lower() not in ("off", "0", "false", "no")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value > 0 and math.isfinite(value)):
        raise ConfigError(f"{name}={text!r}: give a number of seconds above 0")
    return value


def account_pacing(
    *,
    access_key_id: str,
    endpoint: str,
    ceiling: float = DEFAULT_QPS,
    state_dir: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    shared: bool = True,
    fail_closed: bool = False,
) -> AccountPacing:
    """The pacer and claims for one run on one account.

    With ``shared=False`` or ``QRBATCH_REGISTRY=off`` the run gets its own
    ``AdaptivePacer`` and no claims. When the registry cannot be joined, a run that
    sends Creates or Updates (``fail_closed``) raises RegistryUnavailableError (exit 69,
    before any call): without claims it could duplicate another run's codes. Other runs
    (List, Delete) go on with their own pacer and a warning.

    ``QRBATCH_ACCOUNT`` names the account behind the key (its rate is then shared by
    every key of it); ``QRBATCH_REGISTRY_LEASE``, ``_GRACE`` and ``_WAIT`` (seconds) tune
    leases and how long a locked database is waited for."""
    env = os.environ if env is None else env
    if shared and registry_enabled(env):
        try:
            registry = AccountRegistry(
                access_key_id=access_key_id,
                endpoint=endpoint,
                ceiling=ceiling,
                state_dir=state_dir,
                env=env,
                account=env.get(ENV_ACCOUNT, "").strip(),
                lease=_seconds(env, ENV_LEASE, DEFAULT_LEASE),
                lease_grace=_seconds(env, ENV_GRACE, DEFAULT_LEASE_GRACE),
                busy_timeout=_seconds(env, ENV_WAIT, DEFAULT_WAIT),
            )
        except RegistryUnavailableError as exc:
            if fail_closed:
                raise
            log.warning(
                "account registry unavailable (%s): this run paces itself alone and cannot "
                "see other qrbatch runs on the account; set %s to a writable folder",
                exc.cause,
                ENV_STATE_DIR,
            )
        else:
            registry.start_heartbeat()
            return AccountPacing(registry.pacer(), LocalClaims(registry), registry)
    return AccountPacing(AdaptivePacer(ceiling), NoClaims())


def local_accounts(
    state_dir: Path | str | None = None, env: Mapping[str, str] | None = None
) -> list[AccountView]:
    """Every account with a run on this host now, read from the local registry (without
    joining it): its shared rate and ceiling, and each run's pid, lease and claims."""
    folder = Path(state_dir) if state_dir else default_state_dir(env)
    path = folder / DB_NAME
    if not path.exists():
        return []
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=DEFAULT_WAIT)
    except sqlite3.Error as exc:
        raise RegistryUnavailableError(str(folder), _cause(exc)) from exc
    now = time.monotonic()
    views: list[AccountView] = []
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(participants)")}
        lease_column = "lease_until" if "lease_until" in columns else "NULL"  # an older one
        members = db.execute(
            f"SELECT id, account, pid, lock_path, ceiling, {lease_column} FROM participants"
            " ORDER BY account, joined"
        ).fetchall()
        accounts: dict[str, list[RunView]] = {}
        ceilings: dict[str, float] = {}
        for member, account, pid, lock_path, ceiling, lease_until in members:
            if not _alive(lock_path):
                continue
            held = db.execute(
                "SELECT COUNT(*) FROM request_claims WHERE holder = ? AND state = 'held'",
                (member,),
            ).fetchone()[0]
            lease = None if lease_until is None else round(lease_until - now, 1)
            accounts.setdefault(account, []).append(
                RunView(host=socket.gethostname(), pid=pid, lease_left=lease, claims_held=held)
            )
            ceilings[account] = min(ceilings.get(account, ceiling), ceiling)
        for account, runs in accounts.items():
            row = db.execute("SELECT rate FROM pace WHERE account = ?", (account,)).fetchone()
            rate = None if row is None else min(row[0], ceilings[account])
            views.append(
                AccountView(
                    registry=f"local ({folder})",
                    account=account,
                    rate=rate,
                    ceiling=ceilings[account],
                    runs=tuple(runs),
                )
            )
    except sqlite3.Error as exc:
        raise RegistryUnavailableError(str(folder), _cause(exc)) from exc
    finally:
        db.close()
    return views
