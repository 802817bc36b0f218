"""Metrics for monitoring: after every run, one file in the Prometheus text format that
node_exporter's textfile collector reads (``--metrics-file``), written whole or not at
all, so an alert can fire on a night that failed or did not run at all:

    qrbatch_last_run_timestamp_seconds{job="nightly"} 1.7649e+09
    qrbatch_last_run_exit_code{job="nightly"} 0
    qrbatch_rows{job="nightly",status="created"} 120

``job`` is the job file's stem (or the input's). A drop night adds up its files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from qrbatch.outputs.files import atomic_write
from qrbatch.outputs.results import RUN_STATUSES, Summary

# (name, type, help) of every series, in the file's order.
SERIES = (
    ("qrbatch_last_run_timestamp_seconds", "gauge", "When the last run ended (Unix time)."),
    ("qrbatch_last_run_exit_code", "gauge", "The last run's exit code (0: every row done)."),
    ("qrbatch_last_run_duration_seconds", "gauge", "How long the last run took."),
    ("qrbatch_rows", "gauge", "Rows of the last run by status."),
    # Gauges, though named *_total: each run writes its own count (a counter that starts
    # again every night would make rate() and increase() misread the resets).
    ("qrbatch_calls_total", "gauge", "API calls of the last run."),
    ("qrbatch_throttled_total", "gauge", "Throttled API calls of the last run."),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def metrics_text(
    *, job: str, exit_code: int, ended: float, seconds: float, summaries: Sequence[Summary]
) -> str:
    """The file's text (see the module docstring)."""
    rows: Counter[str] = Counter({status: 0 for status in RUN_STATUSES})
    for summary in summaries:
        rows.update(summary.statuses)
    name = f'job="{_label(job)}"'
    values = {
        "qrbatch_last_run_timestamp_seconds": [(name, f"{ended:.3f}")],
        "qrbatch_last_run_exit_code": [(name, str(exit_code))],
        "qrbatch_last_run_duration_seconds": [(name, f"{seconds:.3f}")],
        "qrbatch_rows": [
            (f'{name},status="{_label(status)}"', str(count)) for status, count in rows.items()
        ],
        "qrbatch_calls_total": [(name, str(sum(s.calls for s in summaries)))],
        "qrbatch_throttled_total": [(name, str(sum(s.throttled for s in summaries)))],
    }
    lines: list[str] = []
    for metric, kind, words in SERIES:
        lines += [f"# HELP {metric} {words}", f"# TYPE {metric} {kind}"]
        lines += [f"{metric}{{{labels}}} {value}" for labels, value in values[metric]]
    return "\n".join(lines) + "\n"


def write_metrics(
    path: Path,
    *,
    job: str,
    exit_code: int,
    ended: float,
    seconds: float,
    summaries: Sequence[Summary],
) -> None:
    """Write the metrics file atomically (the collector never reads half a file)."""
    text = metrics_text(
        job=job, exit_code=exit_code, ended=ended, seconds=seconds, summaries=summaries
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))
