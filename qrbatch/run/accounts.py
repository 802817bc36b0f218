"""``qrbatch accounts``: who is using each account now, as the account registry sees it.

Reads the registry without joining it and makes no CAMS call: per account the shared rate
and ceiling, and each run (host, pid, command, lease, rows done of total, claims held).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qrbatch.engine.claims import AccountView, RunView
from qrbatch.engine.registries import account_views


async def list_accounts(
    *,
    registry: str | None = None,
    env: Mapping[str, str] | None = None,
    state_dir: Path | str | None = None,
) -> list[AccountView]:
    """Every account with runs now in the registry (``local``: this computer's; a Redis
    URL: every host's). Raises RegistryUnavailableError when it cannot be read."""
    return await account_views(registry, env, state_dir)


def account_lines(views: list[AccountView]) -> list[str]:
    """The accounts as a person reads them: one heading per account, one line per run."""
    lines: list[str] = []
    for view in views:
        rate = "-" if view.rate is None else f"{view.rate:.2f}"
        ceiling = "-" if view.ceiling is None else f"{view.ceiling:g}"
        counts = ""
        if view.sends is not None:
            counts = f"; {view.sends} sends, {view.throttles or 0} throttled"
        lines.append(
            f"account {view.account} on {view.registry}: rate {rate}/s of {ceiling}{counts}"
        )
        lines += [f"  {_run_line(run)}" for run in view.runs]
    return lines


def _run_line(run: RunView) -> str:
    lease = "-" if run.lease_left is None else f"{run.lease_left:g} s"
    rows = "-"
    if run.rows_total:
        rows = f"{run.rows_done or 0}/{run.rows_total}"
    command = f" {run.command}" if run.command else ""
    return (
        f"{run.host} pid {run.pid}{command}: lease {lease}, rows {rows}, "
        f"claims held {run.claims_held}"
    )


def account_records(views: list[AccountView]) -> list[dict[str, Any]]:
    """The accounts as JSON-ready records."""
    return [asdict(view) for view in views]
