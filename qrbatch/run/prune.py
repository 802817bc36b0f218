"""Old notebook journals in the state folder, removed: ``qrbatch.frames.prune()`` and
``qrbatch state prune``.

Every DataFrame call keeps a journal in qrbatch's state folder (``frames/``), so that
running the cell again resumes. A notebook's journals outlive the notebook; these are
the ones not used for a while. A journal's age is the time since it was last written (its
database or SQLite's log beside it). One that a run holds (its lock is taken) is never
removed, however old: the lock is taken here before anything is removed, so no run can
start on it meanwhile.

Removing a journal loses nothing on the account: a later call with those rows lists each
number's live codes and reuses them instead of creating them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from qrbatch.engine.journal import JOURNAL_FILES, lock_path, unused
from qrbatch.state_home import frames_state_dir

DEFAULT_AGE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Pruned:
    """What ``prune_journals`` removed (or, in a dry run, would remove), and what not."""

    folder: Path
    removed: tuple[Path, ...] = ()  # journals (their database files)
    in_use: tuple[Path, ...] = ()  # old, but a run holds them: kept
    kept: int = 0  # newer than the age
    freed: int = 0  # bytes
    dry_run: bool = False

    def line(self) -> str:
        """One line for a person: what was removed, how much, what was kept (in the
        words of the catalogue, the context's language)."""
        from qrbatch.words import say

        size = f"{self.freed / 1_000_000:.1f} MB" if self.freed >= 100_000 else f"{self.freed} B"
        key = "frames.would_prune" if self.dry_run else "frames.pruned"
        parts = [say(key, count=len(self.removed), size=size, folder=str(self.folder))]
        if self.in_use:
            parts.append(say("frames.in_use_kept", count=len(self.in_use)))
        parts.append(say("frames.newer_kept", count=self.kept))
        return "; ".join(parts)


@dataclass(slots=True)
class _Found:
    removed: list[Path] = field(default_factory=list)
    in_use: list[Path] = field(default_factory=list)
    kept: int = 0
    freed: int = 0


def _files(journal: Path) -> list[Path]:
    return [p for s in JOURNAL_FILES if (p := Path(f"{journal}{s}")).exists()]


def prune_journals(
    older_than: timedelta | float = DEFAULT_AGE,
    *,
    dry_run: bool = False,
    folder: Path | None = None,
    now: Callable[[], float] = time.time,
) -> Pruned:
    """Remove the DataFrame API's journals not written for ``older_than`` (a timedelta,
    or days), except those a run holds; ``dry_run`` only says which."""
    age = older_than if isinstance(older_than, timedelta) else timedelta(days=older_than)
    folder = folder or frames_state_dir()
    found = _Found()
    cutoff = now() - age.total_seconds()
    journals = sorted(folder.glob("*.qrbatch.db")) if folder.is_dir() else []
    for journal in journals:
        files = _files(journal)
        if max((f.stat().st_mtime for f in files), default=0.0) > cutoff:
            found.kept += 1
            continue
        with unused(journal) as free:
            if not free:
                found.in_use.append(journal)
                continue
            found.removed.append(journal)
            found.freed += sum(f.stat().st_size for f in files)
            if not dry_run:
                for f in files:
                    f.unlink(missing_ok=True)
                # The lock file last, still held: a run that opens it now finds no journal
                # and starts a new one.
                lock_path(journal).unlink(missing_ok=True)
    return Pruned(
        folder,
        tuple(found.removed),
        tuple(found.in_use),
        found.kept,
        found.freed,
        dry_run,
    )
