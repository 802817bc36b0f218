"""Running the command line as users and cron do: in this process (fast, and measured by
coverage) or as ``python -m qrbatch`` in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from qrbatch.cli.commands import main

ROOT = Path(__file__).resolve().parents[2]  # the source tree: README.md, jobs/, qrbatch/


@dataclass(frozen=True)
class Done:
    """What a command did: its exit code and what it printed (like CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def _clean_env(env: dict[str, str] | None, cwd: Path) -> dict[str, str | None]:
    """The environment a command sees: no stray credentials or endpoint of the caller."""
    cleared: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("ALIBABA_CLOUD", "QRBATCH"))
    }
    state = {"QRBATCH_STATE_DIR": os.environ.get("QRBATCH_STATE_DIR")}  # the test session's
    return {**cleared, **state, "HOME": str(cwd), **(env or {})}  # no stray ~/.aliyun either


def qrbatch(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Done:
    """Run a command in this process (fast, and measured by coverage), as a user types it."""
    previous = os.getcwd()
    handler = signal.getsignal(signal.SIGTERM)
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env=_clean_env(env, cwd))
    finally:
        os.chdir(previous)
        signal.signal(signal.SIGTERM, handler)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Done(result.exit_code, result.stdout, result.stderr)


def qrbatch_process(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qrbatch`` in a process of its own, as cron does."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD", "QRBATCH"))}
    base["HOME"] = str(cwd)
    base["QRBATCH_STATE_DIR"] = os.environ.get("QRBATCH_STATE_DIR", str(cwd / ".state"))
    return subprocess.run(
        [sys.executable, "-m", "qrbatch", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=120,
    )
