"""Files written whole or not at all, with the permissions any new file of the user gets.

Every output (workbook, CSV, PDF, ZIP, images, the page's run records) is written to a
temporary file beside its target and renamed into place only when complete, so a crash
or a full disk never leaves a half-written file. ``mkstemp`` makes 0600 files; they are
given the umask's permissions before the rename, so a shared results folder's colleagues
can read them as they read anything else the user writes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def current_umask() -> int:
    """The process umask (read by setting and restoring it: POSIX has no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place on success only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name[:60]}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o666 & ~current_umask())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def atomic_write(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` whole or not at all."""
    with atomic_path(target) as temp:
        temp.write_bytes(content)
