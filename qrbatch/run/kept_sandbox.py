"""The in-process sandbox that lives as long as the process: the DataFrame API's
``endpoint="sandbox"``.

A command's sandbox is its run's alone: a new simulated account each time, its journal
removed at the end, so a dry try never leaves anything behind. A notebook is one long
process in which the same cell runs again and again; there the sandbox keeps its codes
(and its runs keep their journals) until the kernel stops, so running a cell again shows
what it would show on a real account: nothing sent twice, a stopped run resumed.

One world per process, made on first use, thread-safe (each action holds the world's
lock; every run serves it on its own loop). ``forget_kept_sandboxes`` starts the next run
on a new world (tests that need a fresh account).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qrbatch.sandbox import World


@dataclass(frozen=True, slots=True)
class KeptSandbox:
    """A simulated account kept for the process, and the folder of its runs' journals
    (they hold its codes, so they go with it)."""

    world: World
    journals: Path

    def own(self, numbers: Iterable[str]) -> None:
        """The demo account owns ``numbers`` too (a sheet's own), as a run's sandbox does."""
        with self.world.lock:
            account = self.world.accounts["demo"]
            for phone in numbers:
                if phone not in account.numbers:
                    account.register(phone)


_lock = threading.Lock()
_kept: list[KeptSandbox] = []


def kept_sandbox() -> KeptSandbox:
    """The process's sandbox, made on first use."""
    with _lock:
        if not _kept:
            from qrbatch.sandbox import World

            folder = Path(tempfile.mkdtemp(prefix="qrbatch-sandbox-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            _kept.append(KeptSandbox(World.demo(), folder))
        return _kept[0]


def forget_kept_sandboxes() -> None:
    """The next ``kept_sandbox()`` is a new account with no codes (its journals removed)."""
    with _lock:
        for kept in _kept:
            shutil.rmtree(kept.journals, ignore_errors=True)
        _kept.clear()
