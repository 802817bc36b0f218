"""A real redis-server of the test's own: on a unix socket in a temporary folder, no
persistence, gone at the end. Skipped where redis-server is missing, unless
QRBATCH_REQUIRE_REDIS=1 (CI), which makes that a failure instead."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    socket: Path

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def redis_server_binary() -> str:
    """The redis-server to start, or skip (fail with QRBATCH_REQUIRE_REDIS=1)."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        if os.environ.get("QRBATCH_REQUIRE_REDIS") == "1":
            pytest.fail(
                "redis-server is missing and QRBATCH_REQUIRE_REDIS=1 (apt-get install redis-server)"
            )
        pytest.skip("redis-server is not installed")
    return found


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    """Start redis-server on ``folder/r.sock`` (port 0: no TCP), ready when it answers."""
    binary = redis_server_binary()
    sock = folder / "r.sock"
    process = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(sock), "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not sock.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.01)
        yield RedisServer(process, sock)
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)
