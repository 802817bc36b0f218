"""The exit codes every command keeps (a contract: cron wrappers and scripts rely on it)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qrbatch.outputs.results import RowResult


class ExitCode(IntEnum):
    """What a command's exit status means."""

    OK = 0  # every row done
    ROWS_FAILED = 1  # some rows failed or invalid (outputs written)
    USAGE = 2  # usage, configuration or input-file error: no API call made
    ACCOUNT = 3  # stopped by an account-level error (outputs written for what was done)
    UNAVAILABLE = 69  # the service or the account registry unavailable: every unsent row
    #                   pending, rerun resumes (sysexits EX_UNAVAILABLE)
    OUTPUT = 74  # the outputs could not be written (disk full...): the journal kept every
    #              outcome; rerun once there is room, it writes them without a call
    LOCKED = 75  # another run holds the journal: try later (sysexits EX_TEMPFAIL)
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (journal kept, rerun resumes)


# Skips that are the person's intent, not a problem: a blank row, a row without a code,
# an update whose message is already the one asked for.
BENIGN_SKIPS = frozenset({"BlankRow", "NoCode", "Unchanged"})
FAILED_STATUSES = frozenset({"failed", "invalid", "notfound"})

# From least to most severe: the exit code of several runs (a drop folder) is the worst.
SEVERITY = (
    ExitCode.OK,
    ExitCode.ROWS_FAILED,
    ExitCode.USAGE,
    ExitCode.LOCKED,
    ExitCode.UNAVAILABLE,
    ExitCode.OUTPUT,
    ExitCode.ACCOUNT,
    ExitCode.INTERRUPTED,
)


def exit_code_of(results: Sequence[RowResult], stopped: bool, interrupted: bool) -> ExitCode:
    """The contract's exit code for a finished (or stopped) run."""
    if interrupted:
        return ExitCode.INTERRUPTED
    if stopped:
        return ExitCode.ACCOUNT
    if any(r.status in FAILED_STATUSES for r in results):
        return ExitCode.ROWS_FAILED
    if any(r.status == "skipped" and r.error_code not in BENIGN_SKIPS for r in results):
        return ExitCode.ROWS_FAILED
    return ExitCode.OK


def worst(*codes: int) -> ExitCode:
    """The most severe of several exit codes."""
    return max((ExitCode(c) for c in codes), key=SEVERITY.index, default=ExitCode.OK)
