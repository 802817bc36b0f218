"""Exactly-once under faults: rows lost, codes duplicated, and what reconciliation cost.

1,000 rows against the sandbox with issue 4's fault mix (5% 5xx, 2% connections dropped
before the commit, 2% after it, 1% answers slower than the client's timeout), pacing
lifted so it takes seconds. Prints one table.

    python bench/faults_bench.py [--rows 1000] [--seed 1]
"""

from __future__ import annotations

import argparse

import anyio

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials
from qrbatch.engine.actions import Create
from qrbatch.engine.executor import ExecutionSettings, Executor
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.retry import RetryPolicy
from qrbatch.rows.checks import QrRequest
from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    Faults,
    Sandbox,
    SandboxConfig,
)
from qrbatch.sandbox.server import running_sandbox

FAULTS = Faults(
    unavailable=0.025,
    internal_after_commit=0.025,
    drop_before_commit=0.02,
    drop_after_commit=0.02,
    slow=0.01,
    slow_seconds=1.0,
)


async def main(rows: int, seed: int) -> None:
    sandbox = Sandbox(config=SandboxConfig(qps=2000, faults=FAULTS, seed=seed))
    requests = [QrRequest(DEMO_NUMBERS[i % 4], f"faulty {i}", "PNG") for i in range(rows)]
    async with running_sandbox(sandbox) as (_, url):
        pacer = AdaptivePacer(2000)
        creds = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
        async with CamsClient(credentials=creds, pacer=pacer, endpoint=url, timeout=0.3) as client:
            with Journal(":memory:") as journal:
                retry = RetryPolicy(max_attempts=12, initial=0.01, maximum=0.05)
                runner = Executor(
                    action=Create(reuse_existing=False),
                    client=client,
                    pacer=pacer,
                    journal=journal,
                    settings=ExecutionSettings(concurrency=32, retry=retry),
                )
                report = await runner.execute(requests)
    account = sandbox.world.accounts["demo"]
    made = {c.message for c in account.all_codes()}
    lost = sum(r.message not in made for r in requests)
    creates = client.stats.calls.get("CreatePhoneMessageQrdl", 0)
    lists = client.stats.calls.get("ListPhoneMessageQrdl", 0)
    columns = (
        "rows",
        "lost",
        "duplicated",
        "Create calls",
        "List calls (reconciliation)",
        "unknown outcomes settled by List",
        "extra calls per row",
    )
    extra = (creates + lists - rows) / rows
    cells = (rows, lost, account.duplicates(), creates, lists, report.reconciled, f"{extra:.3f}")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    print("| " + " | ".join(map(str, cells)) + " |")
    print(f"errors seen: {dict(sorted(client.stats.errors.items()))}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    anyio.run(main, args.rows, args.seed)
