"""Start-up time: `qrbatch --help` and friends against a bare `python -c pass`.

A command that only prints help, or checks a sheet, should not pay for pandas, aiohttp
and openpyxl (numpy included): qrbatch imports them in the command that needs them.
Each command runs ``--repeat`` times in a fresh interpreter; the table shows the median
wall time, the difference to ``python -c pass`` (the baseline, measured in the same run)
and which heavy libraries the command's import loaded.

    python bench/startup_bench.py                 # this checkout
    python bench/startup_bench.py --base ceef2df  # and qrbatch 0.2 side by side
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "aiohttp", "openpyxl", "reportlab", "PIL", "phonenumbers")

# (label, python arguments); the import check runs the same module with -X importtime.
COMMANDS = (
    ("python -c pass", ["-c", "pass"]),
    ("import qrbatch", ["-c", "import qrbatch"]),
    ("qrbatch --help", ["-m", "qrbatch", "--help"]),
    ("qrbatch validate --help", ["-m", "qrbatch", "validate", "--help"]),
    ("qrbatch run --help", ["-m", "qrbatch", "run", "--help"]),
)


def timed(args: list[str], tree: Path, env: dict[str, str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=tree, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def heavy_imports(args: list[str], tree: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=tree,  # the tree's own qrbatch comes first on sys.path
        env=env,
        check=True,
        capture_output=True,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines()}
    return [h for h in HEAVY if h in names]


def tree_of(base: str) -> Path:
    """A checkout of BASE (a commit) in a temporary folder, for the side-by-side run."""
    folder = Path(tempfile.mkdtemp(prefix="qrbatch-startup-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", base], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--base", help="also measure this commit (e.g. ceef2df, qrbatch 0.2)")
    args = parser.parse_args()
    trees = [("this checkout", ROOT)]
    if args.base:
        trees.append((args.base, tree_of(args.base)))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"# {machine}, {date.today()}; median of {args.repeat} runs")
    print("| tree | command | median s | over `python -c pass` s | heavy libraries imported |")
    print("|---|---|---|---|---|")
    for name, tree in trees:
        env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
        baseline = timed(["-c", "pass"], tree, env, args.repeat)
        for label, command in COMMANDS:
            if command == ["-c", "pass"]:
                seconds = baseline
            else:
                seconds = timed(command, tree, env, args.repeat)
            heavy = ", ".join(heavy_imports(command, tree, env)) or "none"
            print(
                f"| {name} | `{label}` | {seconds:.3f} | {seconds - baseline:+.3f} | {heavy} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
