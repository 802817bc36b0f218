"""The account registry on Redis: what every qrbatch run of an account shares, on any host.

``registry.py`` shares an account between the runs of one machine (SQLite, flock). When
the runs sit on several machines (cron servers, pods, a team's page and notebooks), they
share one Redis instead: the same guarantees, on Redis's clock (DISTRIBUTED.md).

**On Redis's clock.** Every decision that compares times runs in a Lua script that reads
``TIME`` on the server, so clocks that disagree between hosts do not matter. A client
only sleeps the durations it is told, on its own monotonic clock.

**Keys.** All keys of an account share one hash tag (one Cluster slot) and a prefix
(``qb`` unless ``QRBATCH_REGISTRY_PREFIX`` says; one Redis can serve several teams):
``<p>:{A}:epoch`` (a random id: Redis restarted empty is seen), ``runs`` (sorted set:
run -> lease expiry), ``joined`` (run -> first join time, kept on rejoin), ``info`` (run
-> host, pid, command, ceiling, rows), ``pace`` (next slot, pause, the shared adaptive
rate and its version, counters), ``sends`` (the last ``limit`` slot times), ``fence``
(the fencing counter) and ``c:<request key>`` (one claim). Times are server µs.

**Slots** (``reserve``). One script takes the next slot on the account's one schedule:
``slot = max(now, next slot, pause)``, and once ``limit`` slots are recorded, not before
``window + margin`` after the oldest of them (``pacing.slot_due``'s window guard); the
next slot is ``1/rate`` later, where the rate is the shared adaptive rate capped by the
smallest ceiling of the live runs. Each process holds one reservation at a time (a lock
in ``RedisPacer``), so reservations are first come, first served: the run that waited
longest goes first, an idle run leaves no gap, a dead run wastes at most one slot.

**Leases.** ``join`` puts the run in ``runs`` until now + lease; a heartbeat task renews
it every lease/5 and learns LOST (the lease lapsed: rejoin, with the first join time) or
EPOCH (Redis lost its data: rejoin; every claim granted in the next lease + grace + call
timeout answers ORPHANED, and every claim of a run that saw the loss, so every number is
listed before its next Create; a run that finds Redis new waits a call timeout before its
first Lists, which then settle those claims).

**Claims**, taken before the request's slot (``wait_turn``: a request another host is
sending costs no slot) and checked again just before the send (``take``: the lease still
outlives the call; the send's real time is stamped): none -> granted with a fencing
token; mine -> the same token; held by a run whose lease is alive or lapsed less than
``grace`` ago -> busy (wait); held by a run gone longer, or released with its outcome
unknown -> ORPHANED (granted: List before any Create); settled at or after my first join
-> settled (reuse the code); settled before -> granted (this run's own List at the start
saw it). A claim is granted only while the run's lease outlives the call's timeout, so a
claim is re-granted only after its holder can no longer be sending.
``settle``/``release`` act only with the holder's current token: a run that lost its
claim keeps its own journal entry and the new holder lists and reuses the code.

**Failing closed.** Unreachable at the start: ``RegistryUnavailableError`` (exit 69)
before any call. Unreachable mid-run: no Create or Update is sent (claims wait);
List and Delete go on, paced alone at the run's share of the ceiling; after
``registry_wait`` (default 60 s) the claims answer RegistryUnavailableError and the run
stops with every unsent row pending (exit 69). The URL's password is never shown
(``redact``).

Residual risk: a process frozen longer than its lease between its last check and the
write of its request (or a request held that long in the network) can make one
duplicate code: only a token checked by the service could close it, and CAMS takes none.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import secrets
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import anyio

from qrbatch.engine.claims import AccountView, Claim, RunView
from qrbatch.engine.events import PhaseChanged, RowFinished
from qrbatch.engine.pacing import (
    DEFAULT_MARGIN,
    DEFAULT_QPS,
    AdaptivePacer,
    RateControl,
    Tuning,
    cut_event,
)
from qrbatch.errors import ConfigError, RegistryUnavailableError

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("qrbatch")

SCHEMES = ("redis", "rediss", "unix")
INSTALL_LINE = "pip install 'qrbatch[redis]'"
DEFAULT_PREFIX = "qb"
DEFAULT_WAIT = 60.0  # seconds without Redis before a run that creates stops (exit 69)
SOCKET_TIMEOUT = 1.0  # a frozen Redis counts as unreachable after this long
CLAIM_POLL = 0.1  # seconds between looks at a claim another live run holds
DOWN_POLL = 0.5  # seconds between tries while Redis cannot be reached
CLAIM_TTL_DAYS = 7  # a claim nobody touched in a week is forgotten
_US = 1_000_000


def is_redis_url(text: str) -> bool:
    """Whether ``text`` names a Redis server (``redis://``, ``rediss://``, ``unix://``)."""
    return text.split("://", 1)[0].lower() in SCHEMES and "://" in text


def redact(url: str) -> str:
    """The URL with its password (user info or ``?password=``) shown as ``***``: what
    logs and messages show, e.g. ``redis://:***@cache:6379/0``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username or ''}:***@{netloc.rsplit('@', 1)[1]}"
    query = "&".join(
        "password=***" if item.lower().startswith("password=") else item
        for item in parts.query.split("&")
        if item
    )
    shown = f"{parts.scheme}://{netloc}{parts.path}"
    return f"{shown}?{query}" if query else shown


def connect(url: str, *, socket_timeout: float = SOCKET_TIMEOUT) -> Redis:
    """A redis-py asyncio client for ``url``; ConfigError (exit 2) with the install line
    when redis-py is missing."""
    try:
        from redis.asyncio import Redis
    except ImportError as exc:
        raise ConfigError(
            f"the registry {redact(url)} is a Redis server, and talking to one needs "
            f"redis-py: {INSTALL_LINE}"
        ) from exc
    try:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        return Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=0,
            # One try per call: redis-py's own retries (10, backing off) would hide a
            # Redis gone for seconds; the registry's policy decides what waits.
            retry=Retry(NoBackoff(), 0),
        )
    except ValueError as exc:
        raise ConfigError(f"registry {redact(url)}: {exc}") from None


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    """What counts as "Redis cannot be used": not answering, and any refusal (an ACL,
    a password changed, out of memory) alike: no claim, so no Create or Update."""
    from redis.exceptions import RedisError

    return (RedisError, OSError)


# The scripts. Each reads the server's clock (or ARGV's last value, a test's clock). ---

_NOW = """
local function now_us(given)
  if given ~= nil and given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function int(x) return string.format('%.0f', x) end
"""

# KEYS: epoch runs joined info pace; ARGV: run lease new_epoch info ceiling guard settle now
_JOIN = (
    _NOW
    + """
local now = now_us(ARGV[8])
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[1], epoch)
  -- Fresh (or Redis restarted empty): a claim held before is unknown, so for a while
  -- every grant says "List first", settled by one List per number made once every
  -- Create in flight at the loss has had its answer (a call timeout later).
  redis.call('HSET', KEYS[5], 'orphan_until', int(now + tonumber(ARGV[6])),
    'orphan_since', int(now + tonumber(ARGV[7])))
end
-- Runs gone for a day (killed: they never left) are forgotten.
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - 86400000000)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('HDEL', KEYS[3], gone)
  redis.call('HDEL', KEYS[4], gone)
  redis.call('HDEL', KEYS[5], 'ceil:' .. gone)
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSETNX', KEYS[3], ARGV[1], int(now))
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[5], 'ceil:' .. ARGV[1], ARGV[5])
local joined = redis.call('HGET', KEYS[3], ARGV[1])
local live = redis.call('ZCOUNT', KEYS[2], now, '+inf')
local since = redis.call('HGET', KEYS[5], 'orphan_since') or '0'
return {epoch, joined, int(now), live, since}
"""
)

# KEYS: epoch runs info; ARGV: run lease epoch info now
_BEAT = (
    _NOW
    + """
local now = now_us(ARGV[5])
if redis.call('GET', KEYS[1]) ~= ARGV[3] then return {'EPOCH', 0} end
local lease = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
if not lease or lease < now then return {'LOST', 0} end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
return {'OK', redis.call('ZCOUNT', KEYS[2], now, '+inf')}
"""
)

# KEYS: epoch runs pace sends; ARGV: run epoch window margin_default now
_RESERVE = (
    _NOW
    + """
local now = now_us(ARGV[5])
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return {'EPOCH'} end
local mine = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
if not mine or mine < now then return {'LOST'} end
local ceiling = math.huge
for _, run in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf')) do
  local c = tonumber(redis.call('HGET', KEYS[3], 'ceil:' .. run))
  if c and c < ceiling then ceiling = c end
end
local rate = tonumber(redis.call('HGET', KEYS[3], 'rate')) or ceiling
if rate > ceiling then rate = ceiling end
local margin = tonumber(redis.call('HGET', KEYS[3], 'margin')) or tonumber(ARGV[4])
local window = tonumber(ARGV[3])
local slot = now
local nxt = tonumber(redis.call('HGET', KEYS[3], 'next')) or 0
local paused = tonumber(redis.call('HGET', KEYS[3], 'paused')) or 0
if nxt > slot then slot = nxt end
if paused > slot then slot = paused end
local limit = math.max(1, math.floor(ceiling * window / 1000000 + 1e-9))
local recent = redis.call('LRANGE', KEYS[4], 0, limit - 1)
if #recent >= limit then
  -- the limit-th last send (sends are recorded when they really went: not quite sorted)
  local oldest = math.huge
  for _, at in ipairs(recent) do oldest = math.min(oldest, tonumber(at)) end
  local guard = oldest + window + margin * 1000000
  if guard > slot then slot = guard end
end
redis.call('HSET', KEYS[3], 'next', int(slot + math.floor(1000000 / rate)),
  'step', int(math.floor(1000000 / rate)))
redis.call('HINCRBY', KEYS[3], 'sends', 1)
redis.call('LPUSH', KEYS[4], int(slot))
redis.call('LTRIM', KEYS[4], 0, limit - 1)
return {'OK', int(slot - now), int(now), tostring(rate), tostring(ceiling), int(slot)}
"""
)

# Record that the send recorded as ``at`` goes now: its real time goes into the window
# (a client that woke late must not let the next sends crowd it) and the next slot is
# no earlier than a step after it. KEYS[pace], KEYS[sends] given as arguments.
_STAMP = """
local function stamp(pace, sends, at, now)
  if now <= tonumber(at) then return at end
  local recent = redis.call('LRANGE', sends, 0, -1)
  for i, seen in ipairs(recent) do
    if seen == at then redis.call('LSET', sends, i - 1, int(now)) break end
  end
  local step = tonumber(redis.call('HGET', pace, 'step')) or 0
  local nxt = tonumber(redis.call('HGET', pace, 'next')) or 0
  if now + step > nxt then redis.call('HSET', pace, 'next', int(now + step)) end
  return int(now)
end

-- The send recorded as ``at`` will not go (its claim said wait, or reuse): out of the
-- window, and if no one reserved after it, its slot is the next one again.
local function refund(pace, sends, at)
  redis.call('LREM', sends, 1, at)
  local step = tonumber(redis.call('HGET', pace, 'step')) or 0
  local nxt = tonumber(redis.call('HGET', pace, 'next')) or 0
  if nxt == tonumber(at) + step then redis.call('HSET', pace, 'next', at) end
end
"""

# KEYS: pace sends; ARGV: slot now. Once the slot is due: stamped with the real time, or,
# if a retry-after pause began meanwhile, given back (the caller reserves again).
_CONFIRM = (
    _NOW
    + _STAMP
    + """
local now = now_us(ARGV[2])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if paused > now then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'PAUSED', int(paused - now)}
end
return {'OK', stamp(KEYS[1], KEYS[2], ARGV[1], now)}
"""
)

# KEYS: pace; ARGV: now -> the adaptive state, its version and the server's time
_READ_PACE = (
    _NOW
    + """
local now = now_us(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'control', 'version')
return {f[1] or '', f[2] or '0', int(now)}
"""
)

# KEYS: pace; ARGV: version control rate margin pause_until(or '') throttled(0/1)
_WRITE_PACE = """
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'control', ARGV[2], 'rate', ARGV[3], 'margin', ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
end
if ARGV[5] ~= '' then
  local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
  if tonumber(ARGV[5]) > paused then redis.call('HSET', KEYS[1], 'paused', ARGV[5]) end
end
if ARGV[6] == '1' then redis.call('HINCRBY', KEYS[1], 'throttles', 1) end
return 1
"""

# KEYS: epoch runs joined claim fence pace sends
# ARGV: run epoch grace need(µs of lease left; '' = a look, no grant) ttl at now
# (at: the send's slot as recorded, stamped with the real time when granted: the claim is
# the last thing before the request goes)
_CLAIM = (
    _NOW
    + _STAMP
    + """
local now = now_us(ARGV[7])
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return {'EPOCH'} end
local run = ARGV[1]
local look = ARGV[4] == ''
if not look then
  local mine = tonumber(redis.call('ZSCORE', KEYS[2], run))
  if not mine or mine < now + tonumber(ARGV[4]) then return {'LOST'} end
end
local c = redis.call('HMGET', KEYS[4], 'holder', 'token', 'state', 'code', 'link', 'image',
  'updated')
local orphaned = false
-- since: a List made after it settles the claim (shared by every claim orphaned alike)
local since = 0
if c[3] then
  local holder, state, updated = c[1], c[3], tonumber(c[7])
  if state == 'held' and holder == run then
    if ARGV[6] ~= '' then stamp(KEYS[6], KEYS[7], ARGV[6], now) end
    return {'granted', c[2], '0'}
  end
  if state == 'held' then
    local lease = tonumber(redis.call('ZSCORE', KEYS[2], holder))
    if lease and lease + tonumber(ARGV[3]) > now then
      if ARGV[6] ~= '' then refund(KEYS[6], KEYS[7], ARGV[6]) end
      return {'busy', holder}
    end
    -- its Creates were answered before its lease ended (each needed a call's worth)
    orphaned = true
    since = lease or updated
  elseif state == 'settled' then
    local joined = tonumber(redis.call('HGET', KEYS[3], run)) or now
    if updated >= joined then
      if ARGV[6] ~= '' then refund(KEYS[6], KEYS[7], ARGV[6]) end
      return {'settled', c[4], c[5], c[6]}
    end
  elseif state == 'orphaned' then
    orphaned = true
    since = updated
  end
end
if look then return {'free'} end
local caution = redis.call('HMGET', KEYS[6], 'orphan_until', 'orphan_since')
if now < (tonumber(caution[1]) or 0) then
  orphaned = true
  since = math.max(since, tonumber(caution[2]) or 0)
end
local token = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[4], 'holder', run, 'token', token, 'state', 'held', 'code', '',
  'link', '', 'image', '', 'updated', int(now))
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[5]))
if ARGV[6] ~= '' then stamp(KEYS[6], KEYS[7], ARGV[6], now) end
if orphaned then return {'orphaned', tostring(token), int(since), int(now)} end
return {'granted', tostring(token), '0'}
"""
)

# KEYS: claim; ARGV: run token state(settled|orphaned|free) code link image now
_SETTLE = (
    _NOW
    + """
local f = redis.call('HMGET', KEYS[1], 'holder', 'token', 'state')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] or f[3] ~= 'held' then return 0 end
if ARGV[3] == 'free' then redis.call('DEL', KEYS[1]) return 1 end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'code', ARGV[4], 'link', ARGV[5],
  'image', ARGV[6], 'updated', int(now_us(ARGV[7])))
return 1
"""
)

# KEYS: runs info pace joined; ARGV: run
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], 'ceil:' .. ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
"""


# This task's send as the schedule recorded it (server µs, as text): the reserved slot,
# then the time it was confirmed; the claim of a Create stamps it once more.
_sent_at: ContextVar[str] = ContextVar("qrbatch_sent_at", default="")


class _Lost(Exception):
    """Internal: the run's lease or the epoch is gone; rejoin, then ask again."""


@dataclass(slots=True)
class _Held:
    token: str
    since: float = 0.0  # orphaned: a List made after this settles it (0: granted)


@dataclass(slots=True)
class RunInfo:
    """What ``qrbatch accounts`` shows of a run: where it runs and how far it is."""

    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    command: str = field(default_factory=lambda: " ".join(["qrbatch", *sys.argv[1:2]]))
    rows_done: int = 0
    rows_total: int = 0


class RedisRegistry:
    """This run's membership of one account's shared state on Redis (module docstring).

    ``await open()`` joins (RegistryUnavailableError if Redis does not answer), then
    ``pacer()`` for the client, ``take``/``settle``/``release`` around each Create or
    Update (``claims.Claims``), and ``leave`` at the end. ``clock`` injects the server's
    time in tests (seconds); by default the scripts read Redis's ``TIME``."""

    def __init__(
        self,
        client: Redis,
        *,
        url: str,
        account: str,
        ceiling: float = DEFAULT_QPS,
        margin: float = DEFAULT_MARGIN,
        lease: float = 15.0,
        lease_grace: float = 5.0,
        call_timeout: float = 10.0,
        wait: float = DEFAULT_WAIT,
        prefix: str = DEFAULT_PREFIX,
        info: RunInfo | None = None,
        clock: Callable[[], float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ceiling <= 0:
            raise ValueError("the rate ceiling must be positive")
        if lease * 0.8 < call_timeout:
            raise ConfigError(
                f"the registry lease ({lease:g} s) must outlive a call's timeout "
                f"({call_timeout:g} s) by a fifth: a claim is granted only while it does; "
                f"shorten the timeout or set QRBATCH_REGISTRY_LEASE to at least "
                f"{call_timeout * 1.25:g}"
            )
        self.client = client
        self.shown = redact(url)
        self.account = account
        self.ceiling = ceiling
        self.margin = margin
        self.lease = lease
        self.lease_grace = lease_grace
        self.call_timeout = call_timeout
        self.wait = wait
        self.info = info or RunInfo()
        self.id = f"{self.info.host}:{self.info.pid}:{secrets.token_hex(4)}"
        self._clock = clock
        self._monotonic = monotonic
        tag = f"{prefix}:{{{account}}}"
        self._keys = {
            name: f"{tag}:{name}"
            for name in ("epoch", "runs", "joined", "info", "pace", "sends", "fence")
        }
        self._claim_prefix = f"{tag}:c:"
        self.epoch = ""
        self.joined = 0  # server µs of this run's first join
        self.runs_seen = 1
        self._held: dict[str, _Held] = {}
        self._relist_since = 0.0  # after a data loss: claims say "List after this" first
        self.settling = 0.0  # seconds before a List settles what was in flight at a loss
        self._offset = 0.0  # server seconds - this host's monotonic seconds, last seen
        self._down_since: float | None = None
        self.failure = ""
        self.refused: RegistryUnavailableError | None = None
        self._waited_for: set[str] = set()
        self._scripts = {
            name: client.register_script(text)
            for name, text in (
                ("join", _JOIN),
                ("beat", _BEAT),
                ("reserve", _RESERVE),
                ("confirm", _CONFIRM),
                ("read_pace", _READ_PACE),
                ("write_pace", _WRITE_PACE),
                ("claim", _CLAIM),
                ("settle", _SETTLE),
                ("leave", _LEAVE),
            )
        }

    # Plumbing ---------------------------------------------------------------------------

    def _now_arg(self) -> str:
        return "" if self._clock is None else str(int(self._clock() * _US))

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        """One script, with the test clock's time last; marks Redis down or up."""
        try:
            answer = await self._scripts[name](keys=keys, args=[*args, self._now_arg()])
        except _unreachable_errors() as exc:
            self._went_down(exc)
            raise
        self._came_back()
        return answer

    def _went_down(self, exc: BaseException) -> None:
        if self._down_since is None:
            self._down_since = self._monotonic()
            self.failure = str(exc) or type(exc).__name__
            log.error(
                "account registry %s cannot be reached (%s): no Create or Update is sent "
                "until it answers (at most %g s more); List and Delete go on",
                self.shown,
                self.failure,
                self.wait,
            )

    def _came_back(self) -> None:
        if self._down_since is not None:
            log.warning("account registry %s answers again", self.shown)
            self._down_since = None

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def _give_up(self) -> RegistryUnavailableError | None:
        """Past the wait without Redis: the error that stops Creates and Updates."""
        if self._down_since is None or self._monotonic() - self._down_since < self.wait:
            return None
        self.refused = RegistryUnavailableError(self.shown, self.failure)
        return self.refused

    def _seen(self, server_us: int | float) -> None:
        self._offset = float(server_us) / _US - self._monotonic()

    def now(self) -> float:
        """The server's time in seconds, as last seen (plus this host's time since)."""
        return self._monotonic() + self._offset

    def _claim_key(self, key: str) -> str:
        return self._claim_prefix + key

    # Membership -------------------------------------------------------------------------

    async def open(self) -> None:
        """Join; RegistryUnavailableError (exit 69) if Redis does not answer. On a Redis
        that is new or lost its data, wait until Creates in flight elsewhere when it did
        have been answered (a call timeout), so the run's first Lists settle them."""
        try:
            await self.join()
            if self.settling > 0:
                log.info(
                    "account registry %s is new or lost its data: waiting %.1f s for calls "
                    "other hosts may have in flight before listing",
                    self.shown,
                    self.settling,
                )
                await anyio.sleep(self.settling)
        except _unreachable_errors() as exc:
            raise RegistryUnavailableError(self.shown, str(exc) or type(exc).__name__) from exc

    async def join(self) -> None:
        """Join (again): lease, info, ceiling; a first join time already there stays."""
        keys = self._keys
        guard = int((self.lease + self.lease_grace + self.call_timeout) * _US)
        info = self._info_json()
        epoch, joined, now, live, since = await self._run(
            "join",
            [keys["epoch"], keys["runs"], keys["joined"], keys["info"], keys["pace"]],
            [
                self.id,
                int(self.lease * _US),
                secrets.token_hex(8),
                info,
                self.ceiling,
                guard,
                int(self.call_timeout * _US),
            ],
        )
        epoch = epoch.decode() if isinstance(epoch, bytes) else str(epoch)
        if self.epoch and epoch != self.epoch:
            log.warning(
                "account registry %s lost its data (restarted empty?): every number is "
                "listed before its next Create",
                self.shown,
            )
            self._held.clear()
            # This run's List at its start may predate codes whose records were lost:
            # every number is listed again (once every Create in flight was answered).
            self._relist_since = int(now) / _US + self.call_timeout
        self.epoch = epoch
        self.joined = int(joined)
        self.runs_seen = int(live)
        self._seen(int(now))
        self.settling = max(0.0, (int(since) - int(now)) / _US)

    def _info_json(self) -> str:
        return json.dumps(
            {
                "host": self.info.host,
                "pid": self.info.pid,
                "command": self.info.command,
                "ceiling": self.ceiling,
                "done": self.info.rows_done,
                "total": self.info.rows_total,
                "held": len(self._held),
            }
        )

    def observe(self, event: object) -> None:
        """Rows done and the batch's size, shown by ``qrbatch accounts``."""
        if isinstance(event, RowFinished):
            self.info.rows_done += event.rows
        elif isinstance(event, PhaseChanged) and event.phase == "sending":
            self.info.rows_total = self.info.rows_done + event.total

    async def beat(self) -> str:
        """Renew the lease: OK, or LOST / EPOCH (then rejoined)."""
        keys = self._keys
        answer, live = await self._run(
            "beat",
            [keys["epoch"], keys["runs"], keys["info"]],
            [self.id, int(self.lease * _US), self.epoch, self._info_json()],
        )
        status = answer.decode() if isinstance(answer, bytes) else str(answer)
        if status == "OK":
            self.runs_seen = int(live)
        else:
            if status == "LOST":
                log.warning(
                    "account registry %s: this run missed its lease (frozen?): it joins "
                    "again; claims it held may have gone to other runs",
                    self.shown,
                )
            await self.join()
        return status

    async def heartbeat(self) -> None:
        """Renew the lease every lease/5 until cancelled; Redis away is noted, not fatal."""
        while True:
            await anyio.sleep(self.lease / 5)
            try:
                await self.beat()
            except _unreachable_errors():
                pass

    async def leave(self) -> None:
        """Leave: claims still held become "List first"; then raise a refusal, if any."""
        with anyio.CancelScope(shield=True):
            try:
                for key in list(self._held):
                    await self.release(key, outcome_unknown=True)
                keys = self._keys
                await self._run(
                    "leave", [keys["runs"], keys["info"], keys["pace"], keys["joined"]], [self.id]
                )
            except _unreachable_errors():
                pass  # the lease lapses by itself; the claims follow after the grace
            with_refusal, self.refused = self.refused, None
        if with_refusal is not None:
            raise with_refusal

    def pacer(self, **tuning: Any) -> RedisPacer:
        """A pacer for this run's client on the account's one schedule."""
        return RedisPacer(self, **tuning)

    # The schedule -----------------------------------------------------------------------

    async def reserve(self, window: float) -> tuple[float, float]:
        """The account's next slot: (seconds to wait, the shared rate). Raises _Lost."""
        keys = self._keys
        answer = await self._run(
            "reserve",
            [keys["epoch"], keys["runs"], keys["pace"], keys["sends"]],
            [self.id, self.epoch, int(window * _US), self.margin],
        )
        if answer[0] in (b"LOST", b"EPOCH", "LOST", "EPOCH"):
            raise _Lost
        _, wait, now, rate, _ceiling, slot = answer
        self._seen(int(now))
        _sent_at.set(str(slot.decode() if isinstance(slot, bytes) else slot))
        return int(wait) / _US, float(rate)

    async def confirm(self) -> float:
        """Just before the send: the reserved slot's time becomes the real one. Returns 0
        (send), or the seconds of a retry-after pause that began meanwhile (reserve
        again after it)."""
        keys = self._keys
        status, value = await self._run(
            "confirm", [keys["pace"], keys["sends"]], [_sent_at.get()]
        )
        if status in (b"OK", "OK"):
            _sent_at.set(str(int(value)))
            return 0.0
        _sent_at.set("")
        return int(value) / _US

    async def update_control(
        self,
        change: Callable[[RateControl, float], bool],
        *,
        pause_for: float | None = None,
        throttled: bool = False,
    ) -> tuple[bool, float, RateControl]:
        """Apply ``change(control, now)`` to the shared adaptive rate, at the server's
        time, written back only if no other run wrote meanwhile (its version)."""
        key = self._keys["pace"]
        for _ in range(5):
            stored, version, now_us = await self._run("read_pace", [key], [])
            now = int(now_us) / _US
            control = self._control(stored)
            before = control.rate
            changed = change(control, now)
            pause = "" if not pause_for else str(int((now + pause_for) * _US))
            written = await self._scripts["write_pace"](
                keys=[key],
                args=[
                    version,
                    json.dumps(_fields(control)) if changed else "",
                    control.rate,
                    control.margin,
                    pause,
                    "1" if throttled else "0",
                ],
            )
            if written:
                return changed, before, control
        return False, before, control

    def _control(self, stored: bytes | str) -> RateControl:
        if not stored:
            return RateControl.fresh(self.ceiling, self.margin)
        fields = json.loads(stored)
        control = RateControl(ceiling=self.ceiling, **fields)
        control.rate = min(control.rate, self.ceiling)
        return control

    # Claims (``claims.Claims``) ---------------------------------------------------------

    def stamp(self) -> float:
        """The claims' clock: the server's time, a little early (a List stamped so is
        never taken for later than it was)."""
        return self.now() - 0.05

    async def _claim(self, key: str, *, grant: bool, stamp: bool = False) -> list[Any]:
        keys = self._keys
        return list(
            await self._run(
                "claim",
                [
                    keys["epoch"],
                    keys["runs"],
                    keys["joined"],
                    self._claim_key(key),
                    keys["fence"],
                    keys["pace"],
                    keys["sends"],
                ],
                [
                    self.id,
                    self.epoch,
                    int(self.lease_grace * _US),
                    int(self.call_timeout * _US) if grant else "",
                    CLAIM_TTL_DAYS * 86400 * 1000,
                    _sent_at.get() if stamp else "",
                ],
            )
        )

    async def wait_turn(self, key: str) -> Claim | None:
        """Claim ``key`` before taking a slot, waiting while another live run holds it
        or Redis cannot be reached: settled is a code to reuse, None means this run holds
        the claim now (``take``, after the slot, says whether to List first). Claiming
        before the slot wastes no slot on a request another host is sending.
        RegistryUnavailableError after ``wait`` without Redis."""
        while True:
            try:
                claim = await self._grant(key, stamp=False)
            except _unreachable_errors():
                refused = self._give_up()
                if refused is not None:
                    raise refused from None
                await anyio.sleep(DOWN_POLL)
                continue
            except _Lost:
                await self._rejoin()
                continue
            if claim.outcome == "settled":
                return claim
            if claim.outcome != "busy":
                return None
            self._say_waiting(claim.holder)
            await anyio.sleep(CLAIM_POLL)

    async def _rejoin(self) -> None:
        try:
            await self.join()
        except _unreachable_errors():
            await anyio.sleep(DOWN_POLL)

    async def take(self, key: str) -> Claim:
        """Claim ``key`` for the send about to go (checking the lease outlives the call,
        stamping the send's real time): granted, orphaned (granted: List first), settled
        (reuse) or busy (nothing sent: wait again). Redis away: busy (``wait_turn`` then
        waits for it, or gives up)."""
        for _ in range(3):
            try:
                return await self._grant(key, stamp=True)
            except _unreachable_errors():
                return Claim("busy", holder="the registry, unreachable")
            except _Lost:
                await self._rejoin()
        return Claim("busy", holder="this run, joining again")

    async def _grant(self, key: str, *, stamp: bool) -> Claim:
        answer = _text(await self._claim(key, grant=True, stamp=stamp))
        status = answer[0]
        if status in ("LOST", "EPOCH"):
            raise _Lost
        if status == "settled":
            return Claim("settled", answer[1], answer[2], answer[3])
        if status == "busy":
            return Claim("busy", holder=answer[1])
        token = answer[1]
        since = int(answer[2]) / _US if status == "orphaned" else 0.0
        held = self._held.get(key)
        if held is not None and held.token == token:
            since = max(since, held.since)  # orphaned when this run claimed it first
        if since or self._relist_since:
            since = max(since, self._relist_since)
        self._held[key] = _Held(token, since)
        if not since:
            return Claim("granted")
        wait = since - self.stamp()
        if wait > 0:  # Creates from before a data loss may still be answered
            await anyio.sleep(wait)
        return Claim("orphaned", since=since)

    async def settle(
        self, key: str, *, code: str, deep_link: str = "", image_url: str = ""
    ) -> None:
        """This run's Create of ``key`` gave ``code``: runs waiting for it reuse it."""
        await self._finish(key, "settled", code, deep_link, image_url)

    async def release(self, key: str, *, outcome_unknown: bool = False) -> None:
        """This run will not settle ``key``: the next claimer creates it, or Lists first
        if this run's Create may have landed (``outcome_unknown``)."""
        await self._finish(key, "orphaned" if outcome_unknown else "free", "", "", "")

    async def _finish(self, key: str, state: str, code: str, link: str, image: str) -> None:
        held = self._held.pop(key, None)
        if held is None:
            return
        try:
            await self._run(
                "settle", [self._claim_key(key)], [self.id, held.token, state, code, link, image]
            )
        except _unreachable_errors():
            pass  # the lease lapses; whoever claims it next lists first

    def _say_waiting(self, holder: str) -> None:
        if holder not in self._waited_for:
            self._waited_for.add(holder)
            log.warning(
                "waiting for another qrbatch run on this account (%s): it is sending the "
                "same requests; its claims free up when it ends, or %g s after it misses "
                "its lease",
                holder,
                self.lease_grace,
            )


def _text(answer: list[Any]) -> list[str]:
    return [item.decode() if isinstance(item, bytes) else str(item) for item in answer]


def _fields(control: RateControl) -> dict[str, Any]:
    """The adaptive state as JSON-safe fields (infinities as None)."""

    def finite(value: float) -> float | None:
        return value if math.isfinite(value) else None

    return {
        "rate": control.rate,
        "margin": control.margin,
        "base_margin": control.base_margin,
        "last_change": finite(control.last_change),
        "last_throttle": finite(control.last_throttle),
        "throttled_rate": finite(control.throttled_rate),
        "probing": control.probing,
        "probes_above": control.probes_above,
    }


def _throttled(control: RateControl, now: float, *, tuning: Tuning, sent_at: float | None) -> bool:
    return control.throttled(tuning, now, sent_at)


class RedisPacer(AdaptivePacer):
    """``AdaptivePacer`` whose slots come from the account's one schedule on Redis and
    whose adaptive rate is shared by every run of the account. Redis away: this
    process's own pacing at its share of the ceiling (List and Delete go on; Creates
    and Updates wait for their claims)."""

    def __init__(self, registry: RedisRegistry, **tuning: Any) -> None:
        super().__init__(registry.ceiling, margin=registry.margin, **tuning)
        self.registry = registry
        self._turn = anyio.Lock()
        self._pending: list[tuple[str, float | None, float | None]] = []

    async def next_slot(self) -> None:
        registry = self.registry
        _sent_at.set("")
        async with self._turn:  # one reservation per process: first come, first served
            for _ in range(5):
                try:
                    await self._apply_pending()
                    wait, rate = await registry.reserve(self.window)
                except _Lost:
                    await registry._rejoin()
                    continue
                except _unreachable_errors():
                    break
                self.control.rate = rate
                if wait > 0:
                    await anyio.sleep(wait)
                try:
                    paused = await registry.confirm()
                except _unreachable_errors():
                    break
                if paused > 0:  # another run was told to wait: so is this one
                    await anyio.sleep(paused)
                    continue
                self.sends += 1
                return
        share = self.ceiling / max(1, registry.runs_seen)
        self.control.rate = min(self.control.rate, share)
        await self.own_slot()

    async def _apply_pending(self) -> None:
        """Throttles and clean answers seen since the last slot, told to every run."""
        pending, self._pending = self._pending, []
        tuning = self.tuning
        for kind, retry_after, sent_at in pending:
            if kind == "throttled":
                changed, before, control = await self.registry.update_control(
                    functools.partial(_throttled, tuning=tuning, sent_at=sent_at),
                    pause_for=retry_after,
                    throttled=True,
                )
                if changed:
                    self.on_event(cut_event(before, control, retry_after, self.throttled))
            else:
                _, _, control = await self.registry.update_control(
                    lambda c, now: c.succeeded(tuning, now)
                )
            self.control = control

    def _shared_time(self, loop_time: float | None) -> float | None:
        if loop_time is None:
            return None
        return loop_time + (self.registry.now() - anyio.current_time())

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None:
        """The server said slow down: every run of the account slows (at the next slot)."""
        self.throttled += 1
        self._pending.append(("throttled", retry_after, self._shared_time(sent_at)))

    def on_success(self) -> None:
        """A clean answer: win back rate for every run, step by step (shared cooldown)."""
        if self.control.wants_step(self.tuning, self.registry.now()) and not self._pending:
            self._pending.append(("success", None, None))


@asynccontextmanager
async def joined(registry: RedisRegistry) -> AsyncIterator[RedisRegistry]:
    """Join, keep the lease alive while the block runs, leave at the end."""
    await registry.open()
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(registry.heartbeat)
            try:
                yield registry
            finally:
                tasks.cancel_scope.cancel()
    except BaseExceptionGroup as group:  # the run's own error, not a group of one
        raise _only(group) from None
    finally:
        await registry.client.aclose()


def _only(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The one exception inside (nested) groups of one, else the group itself."""
    found: BaseException = group
    while isinstance(found, BaseExceptionGroup) and len(found.exceptions) == 1:
        found = found.exceptions[0]
    return found


async def redis_accounts(
    client: Redis,
    url: str,
    prefix: str = DEFAULT_PREFIX,
    clock: Callable[[], float] | None = None,
) -> list[AccountView]:
    """Every account with runs on this Redis now (``qrbatch accounts``): its shared rate,
    ceiling, counters and each live run (host, pid, command, lease, rows, claims).
    ``clock``: the server's time in tests (seconds), else Redis's ``TIME``."""
    from redis.exceptions import RedisError

    try:
        found = [key async for key in client.scan_iter(match=f"{prefix}:{{*}}:runs")]
        if clock is None:
            t = await client.time()
            now = int(t[0]) * _US + int(t[1])
        else:
            now = int(clock() * _US)
        views = []
        for key in sorted(found):
            name = key.decode() if isinstance(key, bytes) else str(key)
            tag = name[: -len(":runs")]
            account = tag[len(prefix) + 2 : -1]
            runs = cast(
                "list[tuple[bytes, float]]",
                await client.zrangebyscore(name, now - 60 * _US, "+inf", withscores=True),
            )
            infos = await client.hgetall(f"{tag}:info")
            pace = await client.hgetall(f"{tag}:pace")
            shown_runs = []
            ceilings = []
            for run, lease in runs:
                info = json.loads(infos.get(run, b"{}"))
                ceilings.append(float(info.get("ceiling", DEFAULT_QPS)))
                shown_runs.append(
                    RunView(
                        host=str(info.get("host", "?")),
                        pid=int(info.get("pid", 0)),
                        command=str(info.get("command", "")),
                        lease_left=round((lease - now) / _US, 1),
                        rows_done=info.get("done"),
                        rows_total=info.get("total"),
                        claims_held=int(info.get("held", 0)),
                    )
                )
            if not shown_runs:
                continue
            ceiling = min(ceilings)
            rate = float(pace.get(b"rate", ceiling))
            views.append(
                AccountView(
                    registry=redact(url),
                    account=account,
                    rate=min(rate, ceiling),
                    ceiling=ceiling,
                    sends=int(pace.get(b"sends", 0)),
                    throttles=int(pace.get(b"throttles", 0)),
                    runs=tuple(shown_runs),
                )
            )
    except (RedisError, OSError) as exc:
        raise RegistryUnavailableError(redact(url), str(exc) or type(exc).__name__) from exc
    finally:
        await client.aclose()
    return views


def settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The Redis registry's tuning from the environment (prefix; lease and grace as for
    the local registry)."""
    prefix = env.get("QRBATCH_REGISTRY_PREFIX", "").strip() or DEFAULT_PREFIX
    return {"prefix": prefix}
