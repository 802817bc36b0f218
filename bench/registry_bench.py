"""Goodput of qrbatch runs sharing one account: real ``qrbatch run`` processes against one
sandbox (strict 1-second sliding window, 5 accepted calls/s, answers after 50-800 ms).

Cases, each measured at the sandbox:
- one run: ROWS rows alone;
- two runs: two different sheets of ROWS rows each, started together;
- same sheet twice: one sheet of 40 rows, run twice at once with different ``-o``;
- foreign: one run of FOREIGN_ROWS rows beside another program taking 1 call/s.

Contenders, all in the same bench run so the machine's load is the same:
- ``off``: this code with ``QRBATCH_REGISTRY=off`` (each run paces itself alone);
- ``on``: this code (the account registry shares rate and claims);
- ``0.1``: qrbatch 0.1 (``--base`` commit, unpacked with ``git archive``).

    python bench/registry_bench.py [--rows 150] [--foreign-rows 300]
        [--cases one,two,same,foreign] [--contenders off,on] [--base 91e7ed0]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    Sandbox,
    SandboxConfig,
    SandboxThread,
)

STRICT = SandboxConfig(qps=5, limiter="sliding", latency=(0.05, 0.8))
FOREIGN = SandboxConfig(qps=5, limiter="sliding", latency=(0.05, 0.8), foreign_qps=1.0)
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    name: str
    config: SandboxConfig
    sheets: list[str]  # one sheet name per process; the same name twice = the same sheet
    rows: int


@dataclass
class Measured:
    rate: float
    throttled: int
    calls: int
    lost: int
    duplicated: int
    finished: list[float]  # seconds from start, per process
    exit_codes: list[int]


def write_sheet(path: Path, tag: str, rows: int) -> None:
    phones = DEMO_NUMBERS[:4]
    lines = ["PhoneNumber,Message"]
    lines += [f"{phones[i % len(phones)]},bench {tag} message {i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def contender_env(name: str, folder: Path, base: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
        "QRBATCH_STATE_DIR": str(folder / "state"),
    }
    env.pop("QRBATCH_REGISTRY", None)
    if name == "off":
        env["QRBATCH_REGISTRY"] = "off"
    elif name == "0.1":
        old = folder / "qrbatch-0.1"
        if not old.exists():
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", base, "qrbatch"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        env["PYTHONPATH"] = str(old)  # ahead of the editable install of this code
    return env


def measure(case: Case, contender: str, base: str) -> Measured:
    with tempfile.TemporaryDirectory(prefix="qrbatch-bench-") as tmp:
        folder = Path(tmp)
        env = contender_env(contender, folder, base)
        sheets: dict[str, Path] = {}
        for tag in case.sheets:
            if tag not in sheets:
                sheets[tag] = folder / f"{tag}.csv"
                write_sheet(sheets[tag], tag, case.rows)
        sandbox = Sandbox(config=case.config)
        with SandboxThread(sandbox) as server:
            started = time.monotonic()
            runs = [
                subprocess.Popen(
                    [sys.executable, "-m", "qrbatch", "run", str(sheets[tag]),
                     "-o", str(folder / f"out{n}.xlsx"), "--endpoint", server.url,
                     "--no-progress", "--no-images", "-q"],
                    env=env,
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=(folder / f"run{n}.log").open("w"),
                )
                for n, tag in enumerate(case.sheets)
            ]  # fmt: skip
            finished = [0.0] * len(runs)
            while any(f == 0.0 for f in finished):
                for n, run in enumerate(runs):
                    if finished[n] == 0.0 and run.poll() is not None:
                        finished[n] = time.monotonic() - started
                time.sleep(0.05)
            exit_codes = [run.returncode for run in runs]
            for n, code in enumerate(exit_codes):
                log = (folder / f"run{n}.log").read_text(encoding="utf-8")
                if code or "account registry" in log:  # a failure, or a fallback
                    print(f"run {n} exited {code}:\n{log[-2000:]}", file=sys.stderr)
        account = sandbox.world.accounts["demo"]
        times = sorted(sandbox.stats.create_times)
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        made = {(c.phone, c.message) for c in account.all_codes()}
        phones = DEMO_NUMBERS[:4]
        wanted = {
            (phones[i % len(phones)], f"bench {tag} message {i}")
            for tag in sheets
            for i in range(case.rows)
        }
        calls = sum(sandbox.stats.accepted.values()) + sandbox.stats.throttled
        return Measured(
            rate,
            sandbox.stats.throttled,
            calls,
            len(wanted - made),
            account.duplicates(),
            finished,
            exit_codes,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--foreign-rows", type=int, default=300)
    parser.add_argument("--cases", default="one,two,same,foreign")
    parser.add_argument("--contenders", default="off,on")
    parser.add_argument("--base", default="91e7ed0", help="the commit of qrbatch 0.1")
    args = parser.parse_args()
    cases = {
        "one": Case("one run", STRICT, ["a"], args.rows),
        "two": Case("two runs at once, different sheets", STRICT, ["a", "b"], args.rows),
        "same": Case("the same sheet twice at once", STRICT, ["a", "a"], 40),
        "foreign": Case("beside a 1 call/s consumer", FOREIGN, ["a"], args.foreign_rows),
    }
    chosen = [cases[c] for c in args.cases.split(",")]
    contenders = args.contenders.split(",")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"# {machine}, {date.today()}; {args.rows} rows per run (foreign: {args.foreign_rows})")
    columns = (
        "case",
        "contender",
        "accepted creates/s (together)",
        "throttled %",
        "finished (s, per run)",
        "lost",
        "duplicated",
        "exit codes",
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for case in chosen:
        for contender in contenders:
            m = measure(case, contender, args.base)
            share = 100.0 * m.throttled / m.calls if m.calls else 0.0
            cells = (
                case.name,
                {"off": "registry off", "on": "registry on", "0.1": "qrbatch 0.1"}[contender],
                f"{m.rate:.2f}",
                f"{share:.1f}",
                " / ".join(f"{f:.1f}" for f in m.finished),
                m.lost,
                m.duplicated,
                ",".join(map(str, m.exit_codes)),
            )
            print("| " + " | ".join(map(str, cells)) + " |", flush=True)


if __name__ == "__main__":
    main()
