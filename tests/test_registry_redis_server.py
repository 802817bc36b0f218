"""The Redis account registry against a real redis-server (Debian's, started per test on
a unix socket): the scripts on Redis's own clock, and real qrbatch processes that share
one Redis as hosts would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

pytest.importorskip("redis")

from qrbatch.engine.registry_redis import RedisRegistry, RunInfo, connect
from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    Sandbox,
    SandboxConfig,
    SandboxThread,
)
from tests.support.redis_server import redis_server
from tests.support.sheets import codes_by_message


def test_the_scripts_run_on_a_real_server_on_its_own_clock(tmp_path: Path) -> None:
    with redis_server(tmp_path) as server:

        async def main() -> None:
            def member(host: str) -> RedisRegistry:
                return RedisRegistry(
                    connect(server.url),
                    url=server.url,
                    account="acct",
                    lease=3.0,
                    lease_grace=2.0,
                    call_timeout=1.0,
                    info=RunInfo(host=host),
                )

            a, b = member("a"), member("b")
            await a.open()
            await b.open()
            assert a.epoch == b.epoch and a.runs_seen + 1 == b.runs_seen == 2
            # A fresh Redis: every claim says "List first" for lease + grace + timeout.
            assert (await a.take("k")).outcome == "orphaned"
            assert (await b.take("k")).outcome == "busy"
            await a.settle("k", code="C1")
            settled = await b.wait_turn("k")
            assert settled is not None and settled.code == "C1"
            waits = [(await a.reserve(1.0))[0] for _ in range(6)]
            assert waits[0] < 0.05 and 0.95 < waits[5] < 1.1  # 5/s, evenly spaced
            await a.leave()
            await b.leave()
            await a.client.aclose()
            await b.client.aclose()

        anyio.run(main)


def _sheet(tmp_path: Path, rows: int) -> Path:
    sheet = tmp_path / "campaign.csv"
    lines = ["PhoneNumber,Message"]
    lines += [f"{DEMO_NUMBERS[i % 2]},shared message {i}" for i in range(rows)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sheet


def _env(tmp_path: Path, host: str) -> dict[str, str]:
    return {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
        "QRBATCH_STATE_DIR": str(tmp_path / host),  # each "host" its own local registry
        "QRBATCH_REGISTRY_LEASE": "3",
        "QRBATCH_REGISTRY_GRACE": "2",
    }


def test_the_same_sheet_on_two_hosts_creates_each_code_once(tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, 16)
    sandbox = Sandbox(config=SandboxConfig(qps=40, latency=(0.05, 0.3)))
    with redis_server(tmp_path) as server, SandboxThread(sandbox) as cams:
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "qrbatch", "run", str(sheet), "-o", f"{host}.xlsx",
                 "--endpoint", cams.url, "--qps", "40", "--timeout", "2", "--registry", server.url,
                 "--no-progress", "--no-images", "-q"],
                env=_env(tmp_path, host),
                cwd=tmp_path,
            )
            for host in ("a", "b")
        ]  # fmt: skip
        codes = [run.wait(timeout=60) for run in runs]
    assert codes == [0, 0]
    account = sandbox.world.accounts["demo"]
    assert account.duplicates() == 0
    assert account.created == 16

    assert codes_by_message(tmp_path / "a.xlsx") == codes_by_message(tmp_path / "b.xlsx")


def test_a_redis_that_does_not_answer_stops_the_run_before_any_call(tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, 2)
    sandbox = Sandbox(config=SandboxConfig(qps=40))
    with SandboxThread(sandbox) as cams:
        done = subprocess.run(
            [sys.executable, "-m", "qrbatch", "run", str(sheet), "--endpoint", cams.url,
             "--registry", f"unix://:s3cret@{tmp_path}/nobody.sock", "--timeout", "2",
             "--no-progress", "--no-images"],
            env=_env(tmp_path, "a"),
            capture_output=True,
            text=True,
            timeout=60,
        )  # fmt: skip
    assert done.returncode == 69
    assert f"unix://:***@{tmp_path}/nobody.sock" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
    assert sandbox.world.accounts["demo"].created == 0


def test_qrbatch_accounts_lists_a_run_on_the_shared_redis(tmp_path: Path) -> None:
    import json

    with redis_server(tmp_path) as server:

        async def joined_then_listed() -> str:
            member = RedisRegistry(
                connect(server.url),
                url=server.url,
                account="acct",
                info=RunInfo(host="cron-1", pid=4242, command="qrbatch run"),
            )
            await member.open()
            try:
                done = await anyio.to_thread.run_sync(
                    lambda: subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "qrbatch",
                            "accounts",
                            "--json",
                            "--registry",
                            server.url,
                        ],
                        capture_output=True,
                        text=True,
                        timeout=60,
                    )  # fmt: skip
                )
            finally:
                await member.leave()
                await member.client.aclose()
            assert done.returncode == 0, done.stderr
            return done.stdout

        shown = json.loads(anyio.run(joined_then_listed))
    (account,) = shown["accounts"]
    (run,) = account["runs"]
    assert (run["host"], run["pid"], run["command"]) == ("cron-1", 4242, "qrbatch run")
    assert account["ceiling"] == 5.0
