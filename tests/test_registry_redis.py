"""The account registry on Redis, its logic on fakeredis (the same Lua scripts, in this
process) with an injected server clock: leases, rejoin, claims and their fencing tokens,
the epoch, the schedule, the shared rate, redaction and the failure policy."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest

pytest.importorskip("fakeredis")

import fakeredis
from fakeredis.aioredis import FakeRedis

from qrbatch.engine.registries import open_account_pacing, registry_setting
from qrbatch.engine.registry_redis import (
    RedisPacer,
    RedisRegistry,
    RunInfo,
    connect,
    redact,
)
from qrbatch.errors import ConfigError, RegistryUnavailableError
from tests.support.virtual_time import run_virtual

URL = "redis://:s3cret@cache.example:6379/0"


@dataclass
class Clock:
    """The server's clock (seconds) and this host's monotonic clock, moved by hand."""

    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class LoopClock(Clock):
    """The server's clock following the event loop's (virtual) time."""

    def __call__(self) -> float:
        return self.now + anyio.current_time()


class Hosts:
    """Several runs ("hosts") on one fake Redis server, on one hand-moved clock."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.server = fakeredis.FakeServer()
        self.clock = clock or Clock()

    def run(self, name: str, **options: object) -> RedisRegistry:
        settings: dict[str, object] = {
            "account": "acct",
            "lease": 3.0,
            "lease_grace": 2.0,
            "call_timeout": 1.0,
            "info": RunInfo(host=name, pid=1, command="qrbatch run"),
            "clock": self.clock,
            "monotonic": self.clock,
        }
        settings.update(options)
        client = FakeRedis(server=self.server)
        return RedisRegistry(client, url=URL, **settings)  # type: ignore[arg-type]

    async def open(self, *runs: RedisRegistry) -> None:
        """Join ``runs`` on a Redis that has served the account for a while (past the
        caution of a fresh start, when every claim answers "List first")."""
        await runs[0].client.set(runs[0]._keys["epoch"], "e0", nx=True)  # noqa: SLF001
        for registry in runs:
            await registry.open()


def run(test: Callable[[], object]) -> None:
    anyio.run(test)  # type: ignore[arg-type]


def test_the_password_never_shows() -> None:
    assert redact(URL) == "redis://:***@cache.example:6379/0"
    assert redact("redis://app:pw@h:1/2") == "redis://app:***@h:1/2"
    assert redact("unix:///run/r.sock?password=pw&db=1") == "unix:///run/r.sock?password=***&db=1"
    assert redact("redis://h:6379") == "redis://h:6379"
    with pytest.raises(ConfigError) as caught:
        registry_setting("redis-server:6379/0?password=pw")
    assert "pw" not in str(caught.value)


def test_the_setting_comes_from_the_job_then_the_environment() -> None:
    assert registry_setting(None, {}) == "local"
    assert registry_setting(None, {"QRBATCH_REGISTRY": "off"}) == "off"
    assert registry_setting("local", {"QRBATCH_REGISTRY": "off"}) == "local"
    assert registry_setting(None, {"QRBATCH_REGISTRY": "unix:///r.sock"}) == "unix:///r.sock"
    assert registry_setting("rediss://h:6380/0", {}) == "rediss://h:6380/0"
    with pytest.raises(ConfigError, match="give local, off, or a Redis URL"):
        registry_setting("sqlite", {})


def test_a_lease_shorter_than_a_call_is_refused() -> None:
    with pytest.raises(ConfigError, match="must outlive a call's timeout"):
        Hosts().run("a", lease=3.0, call_timeout=10.0)


def test_claims_granted_busy_settled_and_reused() -> None:
    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("a"), hosts.run("b")
        await hosts.open(a, b)
        assert (await a.take("k")).outcome == "granted"
        assert (await a.take("k")).outcome == "granted"  # a retry: still a's
        busy = await b.take("k")
        assert busy.outcome == "busy" and busy.holder == a.id
        await a.settle("k", code="ABC", deep_link="https://wa.me/message/ABC")
        settled = await b.wait_turn("k")
        assert settled is not None and settled.outcome == "settled"
        assert (settled.code, settled.deep_link) == ("ABC", "https://wa.me/message/ABC")

    run(main)


def test_a_claim_settled_before_a_run_joined_is_granted_to_it() -> None:
    """Its own List at the start saw that code: the claim only guards Creates in flight."""

    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await hosts.open(a)
        await a.take("k")
        await a.settle("k", code="OLD")
        hosts.clock.now += 1
        b = hosts.run("b")
        await b.open()
        assert await b.wait_turn("k") is None
        assert (await b.take("k")).outcome == "granted"

    run(main)


def test_a_failed_create_frees_its_claim_and_a_lost_answer_orphans_it() -> None:
    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("a"), hosts.run("b")
        await hosts.open(a, b)
        await a.take("failed")
        await a.release("failed")
        assert (await b.take("failed")).outcome == "granted"
        await a.take("lost")
        await a.release("lost", outcome_unknown=True)
        assert (await b.take("lost")).outcome == "orphaned"  # List first: it may exist

    run(main)


def test_a_dead_runs_claims_go_to_others_after_lease_and_grace_listed_first() -> None:
    async def main() -> None:
        hosts = Hosts()
        dead, other = hosts.run("dead"), hosts.run("other")
        await hosts.open(dead, other)
        await dead.take("k")
        hosts.clock.now += 4.9  # lease (3 s) lapsed, grace (2 s) not over
        await other.beat()
        assert (await other.take("k")).outcome == "busy"
        hosts.clock.now += 0.2
        claim = await other.take("k")
        assert claim.outcome == "orphaned"
        # a List made after its lease ended sees whatever it created (one List for all)
        assert claim.since == pytest.approx(1_000_003.0)

    run(main)


def test_fencing_a_stale_holder_cannot_settle_what_another_run_now_holds() -> None:
    async def main() -> None:
        hosts = Hosts()
        frozen, other = hosts.run("frozen"), hosts.run("other")
        await hosts.open(frozen, other)
        await frozen.take("k")
        hosts.clock.now += 6
        await other.beat()
        assert (await other.take("k")).outcome == "orphaned"
        await frozen.settle("k", code="STALE")  # its token is no longer the claim's
        look = await frozen.client.hgetall(other._claim_key("k"))  # noqa: SLF001
        assert look[b"holder"] == other.id.encode() and look[b"state"] == b"held"
        await other.settle("k", code="FRESH")
        assert (await frozen.client.hget(other._claim_key("k"), "code")) == b"FRESH"  # noqa: SLF001

    run(main)


def test_a_run_that_lost_its_lease_sends_nothing_and_rejoins_with_its_first_join_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The prototype reset the join time on rejoin and re-created codes others had
    settled meanwhile; keeping it makes them ``settled`` (reused)."""

    async def main() -> None:
        hosts = Hosts()
        frozen, other = hosts.run("frozen"), hosts.run("other")
        await hosts.open(frozen, other)
        first = frozen.joined
        hosts.clock.now += 8  # frozen: no heartbeat
        await other.beat()
        assert (await other.take("k")).outcome == "granted"
        await other.settle("k", code="MADE")
        with caplog.at_level(logging.WARNING, logger="qrbatch"):
            assert await frozen.beat() == "LOST"
        assert frozen.joined == first
        claim = await frozen.take("k")
        assert (claim.outcome, claim.code) == ("settled", "MADE")

    run(main)


def test_a_claim_needs_a_lease_that_outlives_the_call() -> None:
    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await hosts.open(a)
        hosts.clock.now += 2.5  # 0.5 s of lease left, the call may take 1 s
        claim = await a.take("k")  # so it rejoins first (a fresh lease), then claims
        assert claim.outcome == "granted"

    run(main)


def test_redis_restarted_empty_lists_every_number_before_its_next_create(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await hosts.open(a)
        hosts.clock.now += 60  # long after the first start's own caution
        assert (await a.take("k1")).outcome == "granted"
        await a.client.flushall()
        with caplog.at_level(logging.WARNING, logger="qrbatch"):
            claim = await a.take("k2")
        assert claim.outcome == "orphaned"
        assert "lost its data" in caplog.text

    run_virtual(main)  # the wait for calls in flight is slept on virtual time


def test_a_fresh_redis_has_every_claim_listed_first_once_per_number() -> None:
    """Creates in flight when Redis lost its data are answered within a call's timeout:
    every claim of the first lease + grace + timeout shares one "List after" time."""

    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await a.open()  # a fresh Redis: the caution starts
        first = await a.take("k1")
        hosts.clock.now += 1.5
        second = await a.take("k2")
        assert (first.outcome, second.outcome) == ("orphaned", "orphaned")
        assert first.since == second.since == pytest.approx(1_000_001.0)  # + call timeout
        hosts.clock.now += 6
        await a.beat()
        assert (await a.take("k3")).outcome == "granted"

    run_virtual(main)  # the wait for the first List is slept on virtual time


def test_the_schedule_is_even_and_window_guarded_across_runs() -> None:
    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("a", ceiling=5.0), hosts.run("b", ceiling=5.0)
        await hosts.open(a, b)
        slots: list[float] = []
        for i in range(12):
            wait, rate = await (a if i % 2 else b).reserve(1.0)
            slots.append(hosts.clock.now + wait)
            assert rate == 5.0
        gaps = [later - earlier for earlier, later in zip(slots, slots[1:], strict=False)]
        assert min(gaps) == pytest.approx(0.2, abs=1e-6)
        # the window guard: 5 slots at most in any 1.01 s
        assert all(slots[i + 5] - slots[i] >= 1.01 - 1e-6 for i in range(len(slots) - 5))

    run(main)


def test_the_lowest_ceiling_of_the_live_runs_paces_them_all() -> None:
    async def main() -> None:
        hosts = Hosts()
        fast, slow = hosts.run("fast", ceiling=5.0), hosts.run("slow", ceiling=2.0)
        await hosts.open(fast, slow)
        _, rate = await fast.reserve(1.0)
        assert rate == 2.0
        await slow.leave()
        _, rate = await fast.reserve(1.0)
        assert rate == 5.0

    run(main)


def test_a_throttle_seen_by_one_run_slows_every_run() -> None:
    async def main() -> None:
        hosts = Hosts(LoopClock())
        a, b = hosts.run("a"), hosts.run("b")
        await hosts.open(a, b)
        pacer_a, pacer_b = a.pacer(), b.pacer()
        assert isinstance(pacer_a, RedisPacer)
        started = anyio.current_time()
        pacer_a.on_throttled(2.0)
        await pacer_a.next_slot()
        assert anyio.current_time() - started >= 2.0  # the retry-after pause
        assert pacer_a.rate == pytest.approx(4.5)
        await pacer_b.next_slot()  # b saw no throttle itself
        assert pacer_b.rate == pytest.approx(4.5)
        assert anyio.current_time() - started >= 2.0 + 1 / 4.5 - 1e-3

    run_virtual(main)  # the pause is slept on virtual time


def test_leaving_orphans_what_the_run_still_held() -> None:
    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("a"), hosts.run("b")
        await hosts.open(a, b)
        await a.take("k")
        await a.leave()
        assert (await b.take("k")).outcome == "orphaned"

    run(main)


class _Down:
    """A Redis that does not answer."""

    def register_script(self, text: str) -> Callable[..., object]:
        async def call(**_: object) -> object:
            raise ConnectionError("Connection refused")

        return call

    async def aclose(self) -> None:
        return None


def test_unreachable_at_the_start_is_exit_69_naming_the_redacted_url() -> None:
    async def main() -> None:
        registry = Hosts().run("a")
        registry.client = _Down()  # type: ignore[assignment]
        registry._scripts = {  # noqa: SLF001
            name: _Down().register_script("")
            for name in registry._scripts  # noqa: SLF001
        }
        with pytest.raises(RegistryUnavailableError) as caught:
            await registry.open()
        assert caught.value.exit_code == 69
        assert "redis://:***@cache.example:6379/0" in str(caught.value)
        assert "s3cret" not in str(caught.value)

    async def real_socket() -> None:
        with pytest.raises(RegistryUnavailableError) as caught:
            async with open_account_pacing(
                access_key_id="k",
                endpoint="https://cams.example",
                registry="redis://:pw@127.0.0.1:1/0",
                env={},
            ):
                pass
        assert "redis://:***@127.0.0.1:1/0" in str(caught.value)

    run(main)
    run(real_socket)


def test_unreachable_mid_run_holds_creates_then_gives_up_after_the_wait() -> None:
    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a", wait=2.0)
        await hosts.open(a)
        good = a._scripts  # noqa: SLF001
        a._scripts = {name: _Down().register_script("") for name in good}  # noqa: SLF001
        assert (await a.take("k")).outcome == "busy"  # no Create while it is away
        hosts.clock.now += 2.5
        with pytest.raises(RegistryUnavailableError, match=r"redis://:\*\*\*@"):
            await a.wait_turn("k")
        a._scripts = good  # noqa: SLF001
        with pytest.raises(RegistryUnavailableError):
            await a.leave()  # the run ends with exit 69, after its outputs

    run(main)


def test_lists_and_deletes_go_on_alone_while_redis_is_away() -> None:
    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await hosts.open(a)
        pacer = a.pacer()
        a._scripts = {name: _Down().register_script("") for name in a._scripts}  # noqa: SLF001
        with anyio.fail_after(5):
            await pacer.next_slot()
        assert a.down

    run(main)


def test_open_account_pacing_joins_and_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    server = fakeredis.FakeServer()

    def fake_connect(url: str) -> FakeRedis:
        return FakeRedis(server=server)

    monkeypatch.setattr("qrbatch.engine.registry_redis.connect", fake_connect)

    async def main() -> AsyncIterator[None]:
        async with open_account_pacing(
            access_key_id="k",
            endpoint="https://cams.example",
            registry="redis://h/0",
            env={},
            call_timeout=0.01,  # a new Redis waits a call's timeout before the first List
        ) as pacing:
            assert pacing.shared and isinstance(pacing.pacer, RedisPacer)
            await pacing.pacer.next_slot()
            await pacing.close()
        assert await FakeRedis(server=server).keys("qb:*:runs") == []

    run(main)  # type: ignore[arg-type]


def test_naming_redis_without_redis_py_is_a_usage_error_with_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ConfigError, match=r"pip install 'qrbatch\[redis\]'") as caught:
        connect("redis://:pw@h:6379/0")
    assert caught.value.exit_code == 2
    assert "pw@" not in str(caught.value)


def test_accounts_shows_each_run_with_its_rows_lease_and_claims() -> None:
    from qrbatch.engine.events import PhaseChanged, RowFinished
    from qrbatch.engine.registry_redis import redis_accounts
    from qrbatch.outputs.outcomes import Entry
    from qrbatch.run.accounts import account_lines, account_records

    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("cron-1"), hosts.run("laptop")
        await hosts.open(a, b)
        a.observe(PhaseChanged("sending", "create: 10 calls", 10))
        for _ in range(4):
            a.observe(RowFinished(Entry(key="k", state="done"), 1))
        await a.take("held")
        await a.beat()
        views = await redis_accounts(FakeRedis(server=hosts.server), URL, clock=hosts.clock)
        assert len(views) == 1
        view = views[0]
        assert (view.account, view.registry) == ("acct", "redis://:***@cache.example:6379/0")
        assert (view.rate, view.ceiling) == (5.0, 5.0)
        cron = next(run for run in view.runs if run.host == "cron-1")
        assert (cron.rows_done, cron.rows_total, cron.claims_held) == (4, 10, 1)
        assert cron.lease_left == pytest.approx(3.0)
        lines = account_lines(views)
        assert "  cron-1 pid 1 qrbatch run: lease 3 s, rows 4/10, claims held 1" in lines[1:]
        assert account_records(views)[0]["runs"][0]["host"] in ("cron-1", "laptop")

    run(main)


def test_a_redis_run_warns_of_a_local_only_run_of_the_account_on_its_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    from qrbatch.engine.registry import AccountRegistry

    server = fakeredis.FakeServer()
    monkeypatch.setattr(
        "qrbatch.engine.registry_redis.connect", lambda url: FakeRedis(server=server)
    )
    env = {"QRBATCH_STATE_DIR": str(tmp_path)}

    async def main() -> None:
        async with open_account_pacing(
            access_key_id="k",
            endpoint="https://cams.example",
            registry="redis://h/0",
            env=env,
            call_timeout=0.01,
        ) as pacing:
            await pacing.close()

    local = AccountRegistry(access_key_id="k", endpoint="https://cams.example", state_dir=tmp_path)
    with local, caplog.at_level(logging.WARNING, logger="qrbatch"):
        run(main)
    assert f"(pid {os.getpid()}) uses the local registry, not redis://h/0" in caplog.text
    assert "may create the same codes twice" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="qrbatch"):
        run(main)  # the local run has ended: nothing to say
    assert "local registry" not in caplog.text


def test_runs_killed_a_day_ago_are_forgotten() -> None:
    async def main() -> None:
        hosts = Hosts()
        killed, later = hosts.run("killed"), hosts.run("later")
        await hosts.open(killed)
        hosts.clock.now += 86400 + 10
        await later.open()
        runs = await later.client.zrange(later._keys["runs"], 0, -1)  # noqa: SLF001
        assert runs == [later.id.encode()]
        assert await later.client.hkeys(later._keys["info"]) == [later.id.encode()]  # noqa: SLF001

    run(main)


def test_the_window_counts_each_send_when_it_really_went() -> None:
    """A client that wakes late, or claims its Create late, records its real time: the
    sends after it keep their distance from it, not from the slot it was given."""

    async def main() -> None:
        hosts = Hosts()
        a = hosts.run("a")
        await hosts.open(a)
        wait, _ = await a.reserve(1.0)
        assert wait == 0
        slot = hosts.clock.now
        hosts.clock.now += 0.03  # woke late
        assert await a.confirm() == 0
        hosts.clock.now += 0.02  # and the claim took a while
        assert (await a.take("k")).outcome == "granted"
        sends = await a.client.lrange(a._keys["sends"], 0, -1)  # noqa: SLF001
        assert [int(at) / 1e6 for at in sends] == [pytest.approx(slot + 0.05)]
        wait, _ = await a.reserve(1.0)
        assert wait == pytest.approx(0.2)  # a step after the real send

    run(main)


def test_a_slot_whose_claim_says_wait_goes_to_the_next_sender() -> None:
    async def main() -> None:
        hosts = Hosts()
        a, b = hosts.run("a"), hosts.run("b")
        await hosts.open(a, b)
        await a.reserve(1.0)
        assert (await a.take("k")).outcome == "granted"
        hosts.clock.now += 0.2
        wait, _ = await b.reserve(1.0)
        assert wait == 0
        assert (await b.take("k")).outcome == "busy"  # nothing sent: the slot is given back
        wait, _ = await a.reserve(1.0)
        assert wait == 0
        sends = await a.client.lrange(a._keys["sends"], 0, -1)  # noqa: SLF001
        assert len(sends) == 2

    run(main)
