"""Goodput at the 5 calls/s limit: qrbatch against two naive baselines, same sandbox.

Each contender creates ROWS codes on a fresh sandbox (strict 1-second sliding window,
5 accepted calls/s per account, response latency 50-800 ms), optionally with arrival
jitter and a foreign consumer on the same account. Measured at the sandbox: accepted
creates per second, throttled calls, rows lost, codes duplicated.

    python bench/pacing_bench.py [--rows 300] [--scenario strict|jitter|foreign|all]
        [--contenders qrbatch,gather,sdk]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import anyio
from aiolimiter import AsyncLimiter

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials
from qrbatch.engine.actions import Create
from qrbatch.engine.executor import ExecutionSettings, Executor
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.errors import CamsError, ThrottledError
from qrbatch.rows.checks import QrRequest
from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    Sandbox,
    SandboxConfig,
    SandboxThread,
)

CREDS = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
SCENARIOS = {
    "strict": SandboxConfig(qps=5, limiter="sliding", latency=(0.05, 0.8)),
    "jitter": SandboxConfig(qps=5, limiter="sliding", latency=(0.05, 0.8), jitter=(0.0, 0.1)),
    "foreign": SandboxConfig(qps=5, limiter="sliding", latency=(0.05, 0.8), foreign_qps=1.0),
}


def batch(rows: int) -> list[QrRequest]:
    phones = DEMO_NUMBERS[:4]
    return [QrRequest(phones[i % len(phones)], f"bench message {i}", "PNG") for i in range(rows)]


async def run_qrbatch(url: str, requests: list[QrRequest]) -> None:
    pacer = AdaptivePacer(5.0)
    async with CamsClient(credentials=CREDS, pacer=pacer, endpoint=url) as client:
        with Journal(":memory:") as journal:
            runner = Executor(
                action=Create(reuse_existing=False),
                client=client,
                pacer=pacer,
                journal=journal,
                settings=ExecutionSettings(concurrency=15),
            )
            await runner.execute(requests)


class _LimiterPacer:
    """AsyncLimiter(5, 1) in front of the client: the usual first attempt."""

    def __init__(self) -> None:
        self._limiter = AsyncLimiter(5, 1)

    async def acquire(self) -> None:
        await self._limiter.acquire()

    def release(self, latency: float | None) -> None:
        return None

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None:
        return None

    def on_success(self) -> None:
        return None


async def run_gather(url: str, requests: list[QrRequest]) -> None:
    async with CamsClient(credentials=CREDS, pacer=_LimiterPacer(), endpoint=url) as client:

        async def one(request: QrRequest) -> None:
            for _ in range(20):
                try:
                    await client.create(
                        phone=request.phone, message=request.message, image_type="PNG"
                    )
                    return
                except ThrottledError:
                    await asyncio.sleep(1.0)
                except CamsError:
                    return

        await asyncio.gather(*(one(r) for r in requests))


def run_sdk(url: str, requests: list[QrRequest]) -> None:
    from alibabacloud_cams20200606 import models
    from alibabacloud_cams20200606.client import Client
    from alibabacloud_tea_openapi import models as openapi_models

    client = Client(
        openapi_models.Config(
            access_key_id=DEMO_KEY_ID,
            access_key_secret=DEMO_KEY_SECRET,
            endpoint=url.removeprefix("http://"),
            protocol="HTTP",
            region_id="ap-southeast-1",
        )
    )
    for request in requests:
        for _ in range(20):
            try:
                client.create_phone_message_qrdl(
                    models.CreatePhoneMessageQrdlRequest(
                        phone_number=request.phone,
                        prefilled_message=request.message,
                        generate_qr_image="PNG",
                    )
                )
                break
            except Exception as error:  # the SDK raises its own ClientException
                if "LimitControl" in str(error) or "Throttling" in str(error):
                    time.sleep(1.0)
                    continue
                break


@dataclass
class Measured:
    contender: str
    rate: float
    throttled: int
    calls: int
    lost: int
    duplicated: int
    seconds: float


def measure(
    name: str, config: SandboxConfig, rows: int, body: Callable[[str, list[QrRequest]], None]
) -> Measured:
    requests = batch(rows)
    sandbox = Sandbox(config=config)
    with SandboxThread(sandbox) as server:
        started = time.monotonic()
        body(server.url, requests)
        seconds = time.monotonic() - started
    account = sandbox.world.accounts["demo"]
    times = sorted(sandbox.stats.create_times)
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    made = {(c.phone, c.message) for c in account.all_codes()}
    lost = sum((r.phone, r.message) not in made for r in requests)
    calls = sum(sandbox.stats.accepted.values()) + sandbox.stats.throttled
    return Measured(name, rate, sandbox.stats.throttled, calls, lost, account.duplicates(), seconds)


CONTENDERS: dict[str, Callable[[str, list[QrRequest]], None]] = {
    "qrbatch": lambda url, reqs: anyio.run(run_qrbatch, url, reqs),
    "gather+AsyncLimiter(5,1)": lambda url, reqs: asyncio.run(run_gather(url, reqs)),
    "sdk sequential": run_sdk,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--scenario", default="all", choices=[*SCENARIOS, "all"])
    parser.add_argument("--contenders", default="qrbatch,gather,sdk")
    args = parser.parse_args()
    wanted = args.contenders.split(",")
    chosen = [n for n in CONTENDERS if n.split("+")[0].split(" ")[0] in wanted]
    scenarios = SCENARIOS if args.scenario == "all" else {args.scenario: SCENARIOS[args.scenario]}
    machine = f"{platform.machine()}, Python {platform.python_version()}, {date.today()}"
    print(f"# {args.rows} rows per run; {machine}")
    columns = (
        "scenario",
        "contender",
        "accepted creates/s",
        "throttled calls",
        "throttled %",
        "lost",
        "duplicated",
        "wall s",
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for scenario, config in scenarios.items():
        for name in chosen:
            m = measure(name, config, args.rows, CONTENDERS[name])
            share = 100.0 * m.throttled / m.calls if m.calls else 0.0
            cells = (
                scenario,
                name,
                f"{m.rate:.2f}",
                m.throttled,
                f"{share:.1f}",
                m.lost,
                m.duplicated,
                f"{m.seconds:.0f}",
            )
            print("| " + " | ".join(map(str, cells)) + " |", flush=True)


if __name__ == "__main__":
    main()
