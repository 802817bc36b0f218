"""The upkeep of the DataFrame API's journals: ``qrbatch.frames.prune()``, its arguments
checked in Python's words (``run.prune`` does the work, also for ``qrbatch state prune``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from qrbatch.dataframes.arguments import age, path
from qrbatch.errors import QrbatchError
from qrbatch.run.prune import DEFAULT_AGE, Pruned, prune_journals


def prune(
    older_than: timedelta | float = DEFAULT_AGE,
    *,
    dry_run: bool = False,
    folder: str | Path | None = None,
) -> Pruned:
    """Remove the notebook journals not written for ``older_than`` (a timedelta, or days),
    except those a run holds; ``dry_run`` only says which. ``folder``: where they are
    (default: qrbatch's own state folder). Removing one loses nothing on the account: a
    later call lists each number's live codes and reuses them."""
    __tracebackhide__ = True
    try:
        days = age(older_than)
        path("folder", folder)
    except QrbatchError as error:
        raise error.with_traceback(None) from None
    return prune_journals(days, dry_run=dry_run, folder=None if folder is None else Path(folder))
