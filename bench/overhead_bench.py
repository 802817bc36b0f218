"""Client overhead: rows per second through the whole pipeline with pacing lifted.

A zero-latency sandbox runs in a separate process (``qrbatch sandbox --qps 1000000``),
so this process measures only qrbatch itself: read the XLSX, validate, plan, call,
journal, (download images,) write the results workbook. On 2 cores the sandbox takes
one, so the CPU time of this process (rows per qrbatch CPU second) is reported beside
the wall-clock rate. Peak RSS is this process's.

    python bench/overhead_bench.py [--rows 10000 100000] [--images]
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from openpyxl import Workbook

from qrbatch.cams.credentials import Credentials
from qrbatch.run.commands import run_batch
from qrbatch.run.settings import Job
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

NUMBERS = [f"62812{i:08d}" for i in range(60)]


def make_input(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Campaign")
    sheet.append(["Store", "Phone Number", "Prefilled Message", "Image Type"])
    for i in range(rows):
        phone = int(NUMBERS[i % len(NUMBERS)])  # 60 numbers keep each under 2,000 codes
        sheet.append([f"store {i % 97}", phone, f"Promo {i}: hello, I'd like the offer", "PNG"])
    workbook.save(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--images", action="store_true", help="also download every image")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qrbatch",
            "sandbox",
            "--port",
            str(port),
            "--qps",
            "1000000",
            *(f"--number={n}" for n in NUMBERS),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2.0)
        columns = (
            "rows",
            "seconds",
            "rows/s end to end",
            "qrbatch CPU s",
            "rows per qrbatch CPU s",
            "peak RSS MB",
            "images",
        )
        print("| " + " | ".join(columns) + " |")
        print("|" + "---|" * len(columns))
        for rows in args.rows:
            with tempfile.TemporaryDirectory() as folder:
                source = Path(folder) / f"in{rows}.xlsx"
                make_input(source, rows)
                job = Job(
                    input=source,
                    output=Path(folder) / "out.xlsx",
                    endpoint=f"http://127.0.0.1:{port}",
                    qps=100_000,
                    images=args.images,
                    always_create=True,
                    concurrency=64,
                    progress=False,
                )
                started = time.monotonic()
                cpu_before = time.process_time()
                creds = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
                result = anyio.run(functools.partial(run_batch, job, credentials=creds, env={}))
                seconds = time.monotonic() - started
                cpu = time.process_time() - cpu_before
                created = result.summary.statuses.get("created", 0)
                assert created == rows, result.summary.line()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cells = (
                f"{rows:,}",
                f"{seconds:.1f}",
                f"{rows / seconds:,.0f}",
                f"{cpu:.1f}",
                f"{rows / cpu:,.0f}",
                f"{peak:.0f}",
            )
            images = "yes" if args.images else "no"
            print("| " + " | ".join(cells) + f" | {images} |", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    os.environ.pop("QRBATCH_ENDPOINT", None)
    main()
