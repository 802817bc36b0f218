"""Log lines for people (plain sentences) or machines (one JSON object per line).

Every event that matters to a scheduler carries a stable ``event`` name and fields:
``run_start``, ``phase``, ``throttled``, ``retry``, ``account_stop``, ``interrupted``,
``run_end``. ``log_events`` turns the engine's event stream (``events.py``) into these
lines. With ``--log-format json`` every line on stderr is JSON, start-up errors included
(``error`` events). No secret is ever passed to a log call.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from qrbatch.engine.events import (
    AccountStopped,
    Event,
    Interrupted,
    NumbersQueried,
    PhaseChanged,
    Retrying,
    RowFinished,
    RunEnded,
    RunStarted,
    Throttled,
)
from qrbatch.words import say as words

LogFormat = Literal["text", "json"]
_settings: dict[str, Any] = {"quiet": False, "run_id": uuid.uuid4().hex[:12]}
log = logging.getLogger("qrbatch")


def event(level: int, name: str, message: str, **fields: Any) -> None:
    """Log ``message`` as event ``name`` with structured ``fields``."""
    log.log(level, message, extra={"event": name, "fields": fields})


def log_events(item: Event) -> None:
    """The log's subscriber to the engine's event stream."""
    if isinstance(item, RunStarted):
        event(
            logging.INFO,
            "run_start",
            words(
                "log.run_start",
                action=item.action,
                rows=item.rows,
                unique=item.unique_requests,
                endpoint=item.endpoint,
                qps=f"{item.qps:g}",
            )
            + (
                words("log.credentials", credentials=item.credentials) if item.credentials else ""
            ),  # fmt: skip
            action=item.action,
            input=item.input,
            output=item.output,
            rows=item.rows,
            unique_requests=item.unique_requests,
            endpoint=item.endpoint,
            qps=item.qps,
            credentials=item.credentials,
        )
    elif isinstance(item, PhaseChanged):
        event(logging.DEBUG, "phase", item.description, phase=item.phase, total=item.total)
    elif isinstance(item, NumbersQueried):
        statuses = ", ".join(f"{n} {status}" for status, n in item.by_status.items())
        event(
            logging.INFO,
            "numbers",
            (
                words("log.numbers_space", count=item.count, space=item.space)
                if item.space
                else words("log.numbers", count=item.count)
            )
            + (f": {statuses}" if statuses else ""),  # fmt: skip
            space=item.space,
            count=item.count,
            by_status=item.by_status,
        )
    elif isinstance(item, Throttled):
        event(
            logging.INFO,
            "throttled",
            words("log.throttled", rate=f"{item.rate:.2f}", new_rate=f"{item.new_rate:.2f}"),
            rate=item.rate,
            new_rate=item.new_rate,
            margin=item.margin,
            retry_after=item.retry_after,
            throttled_total=item.throttled_total,
        )
    elif isinstance(item, Retrying):
        event(
            logging.INFO,
            "retry",
            words("log.retry", wait=f"{item.wait_seconds:.2f}", error=item.error),
            code=item.code,
            action=item.action,
            attempt=item.attempt,
            wait_seconds=item.wait_seconds,
        )
    elif isinstance(item, AccountStopped):
        event(
            logging.ERROR,
            "account_stop",
            words("log.account_stop", message=item.message, advice=item.fix),
            code=item.code,
            action=item.action,
            request_id=item.request_id,
            fix=item.fix,
        )
    elif isinstance(item, Interrupted):
        event(
            logging.WARNING,
            "interrupted",
            words("log.interrupted_now")
            if item.immediate
            else words("log.interrupted", signal=item.signal),
            signal=item.signal,
            immediate=item.immediate,
        )
    elif isinstance(item, RunEnded):
        event(
            outcome_level(item.exit_code),
            "run_end",
            item.summary.line(),
            action=item.action,
            exit_code=item.exit_code,
            **item.fields,
        )
    elif isinstance(item, RowFinished):
        return


def outcome_level(exit_code: int) -> int:
    """The level of a closing line: info when every row is done, warning when some rows
    failed (1) or the run was interrupted (130), error for everything else (2, 3, 69,
    74, 75): what a log alert keys on."""
    if exit_code == 0:
        return logging.INFO
    return logging.WARNING if exit_code in (1, 130) else logging.ERROR


# One id per invocation (a new one at each ``setup_logging``) on every JSON line, with the
# process and host: a scheduler's log of overlapping runs can be grouped by run.
HOST = socket.gethostname()


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, event, message, run_id, pid, host and the
    event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", "log"),
            "message": record.getMessage(),
            "run_id": _settings["run_id"],
            "pid": record.process,
            "host": HOST,
        }
        for name, value in getattr(record, "fields", {}).items():
            payload.setdefault(name, value)  # an event's field never hides a standard one
        return json.dumps(payload, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """Sentences for a person: no timestamps or levels, ``warning:``/``error:`` when it matters.

    ``run_end`` is left to the command's closing line on stdout (printed once).
    """

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            return f"qrbatch: error: {message}"
        if record.levelno >= logging.WARNING:
            return f"qrbatch: warning: {message}"
        return message


# The lines that close a command: shown even with -q (a cron log needs its last word).
CLOSING_EVENTS = frozenset({"run_end", "job_end", "validate_end", "nothing_new"})


class _Quiet(logging.Filter):
    """``-q``: warnings and errors, and the closing lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or getattr(record, "event", "") in CLOSING_EVENTS


class _ForPeople(logging.Filter):
    """Leave out what a person at a terminal need not read: the closing line is printed
    once by the command; retries and throttling only with ``-v``."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        name = getattr(record, "event", "")
        if name in CLOSING_EVENTS:
            return False  # the command prints it on stdout, once
        return self.verbose or name not in ("retry", "throttled")


def setup_logging(*, verbose: int = 0, quiet: bool = False, fmt: LogFormat = "text") -> None:
    """Send qrbatch's log to stderr, as plain sentences or JSON lines."""
    _settings["quiet"] = quiet
    _settings["run_id"] = uuid.uuid4().hex[:12]
    level = logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    if quiet:
        handler.addFilter(_Quiet())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter())
        handler.addFilter(_ForPeople(bool(verbose)))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
    # Libraries' warnings (openpyxl's, pandas') as log lines: JSON ones with JSON logs.
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    warnings_log.handlers[:] = [handler]
    warnings_log.propagate = False


def say(message: str, name: str, **fields: Any) -> None:
    """A line for the person (stdout; not with -q) or, with --log-format json, an event
    for the machine: the whole log then stays JSON, stdout included."""
    if is_json():
        event(logging.INFO, name, message, **fields)
    elif not _settings["quiet"] or name in CLOSING_EVENTS:
        print(message, flush=True)


def is_json() -> bool:
    """Whether the log is set up for machines (every stderr line must then be JSON)."""
    return any(isinstance(h.formatter, JsonFormatter) for h in log.handlers)
