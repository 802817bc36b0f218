"""DataFrame in, DataFrame out: the Python API for notebooks and data teams.

    create_codes(df, phone=..., message=..., endpoint=...)  -> df + the Results columns
    await acreate_codes(df, ...)                             the same, async
    validate_frame(df, ...)                                  -> the problems, no call

The same engine as the CLI (validation, pacer, retries, reuse, the 2,000 cap, the
journal). The journal lives in the state directory (``$QRBATCH_STATE_DIR``, else
``$XDG_STATE_HOME/qrbatch``), keyed by the frame's content and the options, so running
a notebook cell again resumes instead of creating again. Nothing is written to the
working folder unless ``output=`` asks for a workbook.

``create_codes`` is synchronous and works where an event loop is already running
(Jupyter): it then runs the engine on a loop of its own in a worker thread.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal

import anyio
import pandas as pd

from qrbatch.cams.credentials import Credentials
from qrbatch.engine.events import Subscriber
from qrbatch.errors import ConfigError, Interrupted
from qrbatch.outputs.results import RESULT_COLUMNS
from qrbatch.run.commands import Validated, run_batch, validate_sheet
from qrbatch.run.finish import RunResult
from qrbatch.run.progress import progress_for
from qrbatch.run.settings import Job
from qrbatch.sheets.frame import sheet_from_frame
from qrbatch.state_home import default_state_dir

PREFIX = "qrbatch_"  # of a result column whose name the caller's frame already has
_JOB_OPTIONS = {f.name for f in fields(Job)} - {"input", "output", "state_dir"}


def _job_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - _JOB_OPTIONS
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(sorted(unknown))}; allowed: "
            + ", ".join(sorted(_JOB_OPTIONS))
        )
    return dict(options)


def _validate(df: pd.DataFrame, phone: str | None, message: str | None, job: Job) -> Validated:
    if not isinstance(df, pd.DataFrame):
        raise ConfigError(f"expected a pandas DataFrame, got {type(df).__name__}")
    return validate_sheet(sheet_from_frame(df), job, phone=phone, message=message)


def validate_frame(
    df: pd.DataFrame, *, phone: str | None = None, message: str | None = None, **options: Any
) -> pd.DataFrame:
    """The rows of ``df`` that would not be sent, and why, without any call.

    One row per problem, indexed like ``df``: ``Row`` (the row as a sheet would number
    it), ``Status`` (``invalid`` or ``skipped``), ``ErrorCode``, ``ErrorMessage``.
    """
    job = Job(input=Path("DataFrame"), **_job_options(options))
    validated = _validate(df, phone, message, job)
    problems = [
        (label, row.row.number, row.state, row.error_code, row.error_message)
        for label, row in zip(df.index, validated.rows, strict=True)
        if row.state != "ok"
    ]
    return pd.DataFrame(
        [p[1:] for p in problems],
        index=pd.Index([p[0] for p in problems], name=df.index.name),
        columns=["Row", "Status", "ErrorCode", "ErrorMessage"],
    )


def _digest(options: Mapping[str, Any]) -> str:
    """The options' digest: one journal per endpoint and settings, whatever the rows."""
    sha = hashlib.sha256()
    sha.update(json.dumps(sorted((k, str(v)) for k, v in options.items())).encode())
    return sha.hexdigest()[:24]


def _frame_job(
    output: str | Path | None,
    state_dir: str | Path | None,
    endpoint: str | None,
    options: dict[str, Any],
) -> Job:
    """The journal follows the rows, not the frame: its requests are keyed by their
    content, so a cell run again after editing, adding or removing rows sends only what
    is new or changed, with or without ``output``."""
    state = Path(state_dir) if state_dir is not None else default_state_dir() / "frames"
    digest = _digest({"endpoint": endpoint, **options})
    target = Path(output) if output is not None else state / f"dataframe-{digest}.results.xlsx"
    options.setdefault("images", output is not None)
    return Job(
        input=state / "DataFrame",  # one name for every frame: the journal binds to it
        output=target,
        endpoint=endpoint,
        state_dir=state,
        **options,
    )


def _result_frame(df: pd.DataFrame, result: RunResult) -> pd.DataFrame:
    cells = [r.cells() for r in result.results]
    out = pd.DataFrame(cells, index=df.index, columns=list(RESULT_COLUMNS))
    # JSON-safe: a row never sent made 0 attempts (not <NA>, which json.dumps refuses)
    out["Attempts"] = out["Attempts"].fillna(0).astype("int64")
    # The caller's columns are never renamed: a result column that would take one's name
    # gets the prefix instead (a CRM's own Status stays Status).
    out = out.rename(columns={c: f"{PREFIX}{c}" for c in RESULT_COLUMNS if c in df.columns})
    return pd.concat([df, out], axis=1)


async def acreate_codes(
    df: pd.DataFrame,
    *,
    phone: str | None = None,
    message: str | None = None,
    endpoint: str | None = None,
    output: str | Path | None = None,
    state_dir: str | Path | None = None,
    progress: bool | Subscriber = True,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    errors: Literal["raise", "ignore"] = "raise",
    _stop: threading.Event | None = None,  # create_codes's Ctrl-C, from its own thread
    **options: Any,
) -> pd.DataFrame:
    """Create a QR code for every row of ``df``; return ``df`` with the Results columns
    (``Status``, ``QrdlCode``, ``DeepLinkUrl``...), same rows, same order, same index.

    ``phone``/``message`` name the columns (default: found by their usual names);
    ``options`` are ``Job`` settings (``default_region``, ``image_type``, ``qps``...);
    ``output`` also writes the results workbook (and QR images) there.

    Raises ``AccountError`` when the account stops the run (a wrong key, a missing
    permission: what the CLI exits 3 for) and ``ServiceUnavailableError`` when the service
    stayed down (exit 69), each with the result frame as ``.result`` (every row, each code
    made before the stop in its row); ``errors="ignore"`` returns that frame instead.
    """
    job_options = _job_options(options)
    base = Job(input=Path("DataFrame"), endpoint=endpoint, **job_options)
    validated = _validate(df, phone, message, base)
    job = _frame_job(output, state_dir, endpoint, job_options)
    result = await run_batch(
        job,
        env=env,
        credentials=credentials,
        events=progress_for(progress),
        validated=validated,
        write_outputs=output is not None,
        stop=_stop,
    )
    frame = _result_frame(df, result)
    if result.error is not None and errors == "raise":
        result.error.result = frame
        raise result.error
    return frame


def create_codes(
    df: pd.DataFrame,
    *,
    phone: str | None = None,
    message: str | None = None,
    endpoint: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """``acreate_codes``, synchronously. The run has a loop of its own in a worker
    thread, so the call works where an event loop is already running (Jupyter), and
    Stop (Ctrl-C) stops it on the first press: the calls in flight settle and are
    recorded, nothing new is sent, the thread ends, and ``qrbatch.Interrupted`` carries
    the result frame as ``.result``; running the call again sends the rest."""
    stop = threading.Event()
    call: Callable[[], Any] = lambda: acreate_codes(  # noqa: E731
        df, phone=phone, message=message, endpoint=endpoint, _stop=stop, **options
    )
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="qrbatch") as pool:
        future = pool.submit(anyio.run, call)
        try:
            frame: pd.DataFrame = _wait(future)
        except KeyboardInterrupt:
            stop.set()
            frame = future.result()  # the calls in flight, settled: seconds at most
            stopped = Interrupted(
                "stopped: the calls in flight were settled and recorded, nothing new was "
                "sent; run the same call again to send the rest (the result so far is "
                "this error's .result)"
            )
            stopped.result = frame
            raise stopped from None
    return frame


def _wait(future: concurrent.futures.Future[pd.DataFrame]) -> pd.DataFrame:
    """The thread's result, waiting in short steps so Ctrl-C reaches this thread."""
    while True:
        try:
            return future.result(timeout=0.1)
        except concurrent.futures.TimeoutError:
            continue
