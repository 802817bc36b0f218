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
- ``0.1``: qrbatch 0.1 (``--base`` commit, unpacked with ``git archive``);
- ``local``: as ``on``, but with ``--hosts N`` each process is a host of its own (its
  own ``QRBATCH_STATE_DIR``), so the local registry cannot share between them;
- ``redis``: each host its own state folder, all naming one redis-server that the bench
  starts (a unix socket, no persistence): the registry shared across hosts.

With ``--hosts N`` (N processes, each its own ``QRBATCH_STATE_DIR``) the cases are:
- sheets: N different sheets of ROWS rows together (rate, throttled, finish spread);
- same: one sheet on N hosts (duplicated, lost);
- skew: as ``sheets`` with two hosts' clocks at +5 s and -3 s (libfaketime, if found);
- kill: one sheet on N hosts, one killed with SIGKILL after 3 s and run again;
- freeze: N sheets, redis-server stopped (SIGSTOP) for 5 s mid-run (creates while
  frozen, and how soon sending resumes);
- gone: N sheets, redis-server killed mid-run (how soon each run exits 69 after it,
  with ``--registry-wait 5``), then started again and the runs rerun (duplicated, lost).
Hosts run with a 3 s lease, 2 s grace and 2 s call timeout (the tests' settings).

    python bench/registry_bench.py [--rows 150] [--foreign-rows 300]
        [--cases one,two,same,foreign] [--contenders off,on] [--base 91e7ed0]
    python bench/registry_bench.py --contenders local,redis --hosts 3
        [--cases one,sheets,same,skew,kill,freeze,gone]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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
    event: str = ""  # kill, freeze, gone, skew: what happens during the run


@dataclass
class Measured:
    rate: float
    throttled: int
    calls: int
    lost: int
    duplicated: int
    finished: list[float]  # seconds from start, per process
    exit_codes: list[int]
    notes: list[str] = field(default_factory=list)  # what the event measured


def write_sheet(path: Path, tag: str, rows: int) -> None:
    phones = DEMO_NUMBERS[:4]
    lines = ["PhoneNumber,Message"]
    lines += [f"{phones[i % len(phones)]},bench {tag} message {i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


HOST_SETTINGS = {"QRBATCH_REGISTRY_LEASE": "3", "QRBATCH_REGISTRY_GRACE": "2"}
FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def contender_env(
    name: str, folder: Path, base: str, host: int | None = None, redis_url: str = ""
) -> dict[str, str]:
    env = {
        **os.environ,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
        "QRBATCH_STATE_DIR": str(folder / ("state" if host is None else f"state{host}")),
    }
    env.pop("QRBATCH_REGISTRY", None)
    if name in ("local", "redis"):
        env.update(HOST_SETTINGS)
    if name == "redis":
        env["QRBATCH_REGISTRY"] = redis_url
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


class RedisServer:
    """The bench's own redis-server on a unix socket (no persistence)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(self.socket), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.socket.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    def signal(self, sig: signal.Signals) -> None:
        if self.process is not None:
            self.process.send_signal(sig)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
            self.process = None


def measure(case: Case, contender: str, base: str, hosts: bool = False) -> Measured:
    with tempfile.TemporaryDirectory(prefix="qrbatch-bench-") as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder)
        if contender == "redis":
            redis.start()
        try:
            return _measure(case, contender, base, hosts, folder, redis)
        finally:
            redis.stop()


def _measure(
    case: Case, contender: str, base: str, hosts: bool, folder: Path, redis: RedisServer
) -> Measured:
    sheets: dict[str, Path] = {}
    for tag in case.sheets:
        if tag not in sheets:
            sheets[tag] = folder / f"{tag}.csv"
            write_sheet(sheets[tag], tag, case.rows)
    extra = ["--timeout", "2"] if hosts else []
    if case.event == "gone":
        extra += ["--registry-wait", "5"]
    notes: list[str] = []
    sandbox = Sandbox(config=case.config)

    def start(n: int, tag: str) -> subprocess.Popen[bytes]:
        env = contender_env(contender, folder, base, n if hosts else None, redis.url)
        if case.event == "skew" and n < 2 and Path(FAKETIME).exists():
            env["LD_PRELOAD"] = FAKETIME
            env["FAKETIME"] = ("+5s", "-3s")[n]
        return subprocess.Popen(
            [sys.executable, "-m", "qrbatch", "run", str(sheets[tag]),
             "-o", str(folder / f"out{n}.xlsx"), "--endpoint", server.url,
             "--no-progress", "--no-images", "-q", *extra],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"run{n}.log").open("a"),
        )  # fmt: skip

    with SandboxThread(sandbox) as server:
        started = time.monotonic()
        runs = [start(n, tag) for n, tag in enumerate(case.sheets)]
        event = EVENTS.get(case.event)
        if event is not None:
            notes += event(runs, redis, sandbox, started)
        finished = wait_all(runs, started)
        exit_codes = [run.returncode for run in runs]
        if case.event in ("kill", "gone"):  # the rerun: every row once, none twice
            if case.event == "gone":
                gone_at = float(notes.pop())
                waits = [f"{f - gone_at:.1f}" for f in finished]
                notes.append(f"exit 69 after Redis went: {' / '.join(waits)} s")
                redis.start()
            rerun = [
                start(n, tag)
                for n, tag in enumerate(case.sheets)
                if exit_codes[n] != 0 or case.event == "gone"
            ]
            wait_all(rerun, time.monotonic())
            notes.append(f"rerun exit codes {','.join(str(r.returncode) for r in rerun)}")
        for n, code in enumerate(exit_codes):
            log = (folder / f"run{n}.log").read_text(encoding="utf-8")
            if (code and case.event not in ("kill", "gone")) or "account registry unavail" in log:
                print(f"run {n} exited {code}:\n{log[-2000:]}", file=sys.stderr)
    account = sandbox.world.accounts["demo"]
    times = sorted(sandbox.stats.create_times)
    if case.event in ("kill", "gone"):
        times = [t for t in times if t < started + max(finished)]  # the first run
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
        notes,
    )


def wait_all(runs: list[subprocess.Popen[bytes]], started: float) -> list[float]:
    finished = [0.0] * len(runs)
    while any(f == 0.0 for f in finished):
        for n, run in enumerate(runs):
            if finished[n] == 0.0 and run.poll() is not None:
                finished[n] = time.monotonic() - started
        time.sleep(0.05)
    return finished


Event = Callable[[list[subprocess.Popen[bytes]], RedisServer, Sandbox, float], list[str]]


def sending(sandbox: Sandbox, creates: int = 10) -> None:
    """Wait until the runs are sending (``creates`` codes made): events hit a run mid-way,
    not one still starting (a Redis that does not answer at the start is exit 69)."""
    deadline = time.monotonic() + 60
    while len(sandbox.stats.create_times) < creates and time.monotonic() < deadline:
        time.sleep(0.01)


def kill_one(
    runs: list[subprocess.Popen[bytes]], redis: RedisServer, sandbox: Sandbox, started: float
) -> list[str]:
    """SIGKILL the first host once the runs are sending."""
    sending(sandbox)
    runs[0].send_signal(signal.SIGKILL)
    killed = time.monotonic()
    runs[0].wait()
    time.sleep(0.5)
    return [f"killed host 0 at {killed - started:.1f} s"]


def freeze_redis(
    runs: list[subprocess.Popen[bytes]], redis: RedisServer, sandbox: Sandbox, started: float
) -> list[str]:
    """SIGSTOP redis-server for 5 s mid-run; count creates while frozen (after the calls
    already in flight: 1.5 s), and the time from SIGCONT to the next create."""
    sending(sandbox)
    redis.signal(signal.SIGSTOP)
    frozen = time.monotonic()
    time.sleep(5.0)
    redis.signal(signal.SIGCONT)
    thawed = time.monotonic()
    while time.monotonic() < thawed + 10 and not any(
        t > thawed for t in sandbox.stats.create_times
    ):
        time.sleep(0.01)
    during = [t for t in sandbox.stats.create_times if frozen + 1.5 < t <= thawed]
    after = [t for t in sandbox.stats.create_times if t > thawed]
    resumed = f"{min(after) - thawed:.2f} s" if after else "never"
    return [f"creates while frozen (after calls in flight): {len(during)}; resumed {resumed}"]


def redis_gone(
    runs: list[subprocess.Popen[bytes]], redis: RedisServer, sandbox: Sandbox, started: float
) -> list[str]:
    """Kill redis-server mid-run; each run should stop (exit 69) within the wait + 2 s."""
    sending(sandbox)
    redis.stop()
    return [str(time.monotonic() - started)]


EVENTS: dict[str, Event] = {"kill": kill_one, "freeze": freeze_redis, "gone": redis_gone}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--foreign-rows", type=int, default=300)
    parser.add_argument("--cases", default="one,two,same,foreign")
    parser.add_argument("--contenders", default="off,on")
    parser.add_argument("--base", default="91e7ed0", help="the commit of qrbatch 0.1")
    parser.add_argument("--hosts", type=int, default=0, help="N processes as N hosts")
    args = parser.parse_args()
    if args.hosts:
        host_cases(args)
        return
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


def host_cases(args: argparse.Namespace) -> None:
    hosts = args.hosts
    own = [chr(ord("a") + n) for n in range(hosts)]
    same = ["a"] * hosts
    cases = {
        "one": Case("one run", STRICT, ["a"], args.rows),
        "sheets": Case(f"{hosts} sheets on {hosts} hosts", STRICT, own, args.rows),
        "same": Case(f"the same sheet on {hosts} hosts", STRICT, same, 40),
        "skew": Case("clocks +5 s and -3 s", STRICT, own, args.rows, "skew"),
        "kill": Case("kill -9 of one host, rerun", STRICT, same, 60, "kill"),
        "freeze": Case("Redis frozen 5 s", STRICT, own, 60, "freeze"),
        "gone": Case("Redis gone, rerun", STRICT, own, 60, "gone"),
    }
    chosen = args.cases if args.cases != "one,two,same,foreign" else ",".join(cases)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"# {machine}, {date.today()}; {hosts} hosts, {args.rows} rows per sheet")
    if not Path(FAKETIME).exists():
        print("# libfaketime not found: the skew case runs without offsets")
    columns = (
        "case",
        "contender",
        "accepted creates/s (together)",
        "throttled %",
        "finished (s, per run)",
        "lost",
        "duplicated",
        "exit codes",
        "event",
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for name in chosen.split(","):
        case = cases[name]
        for contender in args.contenders.split(","):
            if case.event in ("freeze", "gone") and contender != "redis":
                continue
            m = measure(case, contender, args.base, hosts=True)
            share = 100.0 * m.throttled / m.calls if m.calls else 0.0
            spread = (max(m.finished) - min(m.finished)) / max(m.finished) * 100
            cells = (
                case.name,
                contender,
                f"{m.rate:.2f}",
                f"{share:.1f}",
                " / ".join(f"{f:.1f}" for f in m.finished) + f" (spread {spread:.0f}%)",
                m.lost,
                m.duplicated,
                ",".join(map(str, m.exit_codes)),
                "; ".join(m.notes),
            )
            print("| " + " | ".join(map(str, cells)) + " |", flush=True)


if __name__ == "__main__":
    main()
