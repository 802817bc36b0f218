"""Log lines for people (text) or machines (one JSON object per line).

Every event that matters to a scheduler carries a stable ``event`` name and fields:
``run_start``, ``throttled``, ``retry``, ``account_stop``, ``interrupted``, ``run_end``.
No secret is ever passed to a log call.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
log = logging.getLogger("qrbatch")


def event(level: int, name: str, message: str, **fields: Any) -> None:
    """Log ``message`` as event ``name`` with structured ``fields``."""
    log.log(level, message, extra={"event": name, "fields": fields})


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, event, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", "log"),
            "message": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}))
        return json.dumps(payload, ensure_ascii=False, default=str)


def setup_logging(*, verbose: int = 0, quiet: bool = False, fmt: LogFormat = "text") -> None:
    """Send qrbatch's log to stderr, as text lines or JSON lines."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
