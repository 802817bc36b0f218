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
from pathlib import Path
from typing import Any, Literal

import anyio
import pandas as pd

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.models import DEFAULT_TIMEOUT
from qrbatch.engine.events import Subscriber
from qrbatch.errors import ConfigError, Interrupted
from qrbatch.outputs.results import RESULT_COLUMNS
from qrbatch.run.commands import Validated, run_batch, validate_sheet
from qrbatch.run.finish import RunResult
from qrbatch.run.progress import progress_for
from qrbatch.run.settings import DEFAULT_MAX_ATTEMPTS, DEFAULT_QPS, Job
from qrbatch.sheets.frame import sheet_from_frame
from qrbatch.state_home import default_state_dir

PREFIX = "qrbatch_"  # of a result column whose name the caller's frame already has
ImageType = Literal["PNG", "SVG"]


def _validate(df: pd.DataFrame, phone: str | None, message: str | None, job: Job) -> Validated:
    if not isinstance(df, pd.DataFrame):
        raise ConfigError(f"expected a pandas DataFrame, got {type(df).__name__}")
    return validate_sheet(sheet_from_frame(df), job, phone=phone, message=message)


def validate_frame(
    df: pd.DataFrame,
    *,
    phone: str | None = None,
    message: str | None = None,
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
) -> pd.DataFrame:
    """The rows of ``df`` that would not be sent, and why, without any call (the
    parameters are :func:`create_codes`'s).

    One row per problem, indexed like ``df``: ``Row`` (the row as a sheet would number
    it), ``Status`` (``invalid`` or ``skipped``), ``ErrorCode``, ``ErrorMessage``.
    """
    job = Job(
        input=Path("DataFrame"),
        image_type=image_type,
        cust_space_id=cust_space_id,
        default_region=default_region,
        country_column=country,
    )
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
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
    qps: float = DEFAULT_QPS,
    output: str | Path | None = None,
    pdf: bool = False,
    zip: bool = False,  # noqa: A002 - the CLI's and the job file's name
    label: str | None = None,
    images: bool | None = None,
    credentials: Credentials | None = None,
    env: Mapping[str, str] | None = None,
    progress: bool | Subscriber = True,
    errors: Literal["raise", "ignore"] = "raise",
    fresh: bool = False,
    always_create: bool = False,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int | None = None,
    state_dir: str | Path | None = None,
    _stop: threading.Event | None = None,  # create_codes's Ctrl-C, from its own thread
) -> pd.DataFrame:
    """Create a QR code for every row of ``df``: the async form of :func:`create_codes`
    (same parameters, same result, same errors)."""
    settings: dict[str, Any] = {
        "image_type": image_type,
        "cust_space_id": cust_space_id,
        "default_region": default_region,
        "country_column": country,
        "qps": qps,
        "pdf": pdf,
        "zip": zip,
        "label_column": label,
        "fresh": fresh,
        "always_create": always_create,
        "max_attempts": max_attempts,
        "timeout": timeout,
        "concurrency": concurrency,
        **({} if images is None else {"images": images}),
    }
    base = Job(input=Path("DataFrame"), endpoint=endpoint, **settings)
    validated = _validate(df, phone, message, base)
    job = _frame_job(output, state_dir, endpoint, settings)
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
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
    qps: float = DEFAULT_QPS,
    output: str | Path | None = None,
    pdf: bool = False,
    zip: bool = False,  # noqa: A002 - the CLI's and the job file's name
    label: str | None = None,
    images: bool | None = None,
    credentials: Credentials | None = None,
    env: Mapping[str, str] | None = None,
    progress: bool | Subscriber = True,
    errors: Literal["raise", "ignore"] = "raise",
    fresh: bool = False,
    always_create: bool = False,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int | None = None,
    state_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Create a WhatsApp QR code for every row of a DataFrame.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows: a business number and a prefilled message each.
    phone, message : str, optional
        The columns to take (default: found by their usual names). When both are given,
        no other column is taken by its name alone.
    endpoint : str, optional
        The CAMS endpoint URL, or ``"sandbox"`` for the built-in simulator.
    image_type : {"PNG", "SVG"}
        The QR image type of every row.
    cust_space_id : str
        The CustSpaceId of every row (an ISV sub-customer space), if any.
    default_region, country : str, optional
        A region (``"ID"``) for national numbers, or the name of a column with each row's
        region; the account's own numbers decide first when they can be asked.
    qps : float
        Ceiling of API calls per second (the account allows 5).
    output : str or Path, optional
        Also write the results workbook there (and, with ``pdf``/``zip``, the PDF and the
        ZIP beside it; ``label`` names the caption's column; ``images`` the image files).
    credentials, env : optional
        An AccessKey given in code, or the environment to find one in (default: the
        process's, then the aliyun CLI's and credentials.ini profiles).
    progress : bool or callable
        A progress bar (in Jupyter and on a terminal; plain lines elsewhere), or a
        function that receives the run's events.
    errors : {"raise", "ignore"}
        ``"ignore"`` returns the frame where an account stop or an outage would raise.
    fresh, always_create : bool
        Forget the journal; make new codes even where a live one has the same message.
    max_attempts, timeout, concurrency : optional
        Attempts per call, seconds per answer, worker tasks.
    state_dir : str or Path, optional
        Where the journal lives (default: qrbatch's own state folder, private).

    Returns
    -------
    pandas.DataFrame
        ``df`` with the Results columns added (``Status``, ``QrdlCode``, ``DeepLinkUrl``,
        ``QrImageUrl``, ``ErrorCode``, ``ErrorMessage``, ``RequestId``, ``Attempts``,
        ``SentPhoneNumber``, ``BusinessName``), same rows, order and index; a result
        column whose name ``df`` already has comes as ``qrbatch_<name>``.

    Raises
    ------
    qrbatch.UsageError
        Before any call: a frame, column or setting that cannot be used.
    qrbatch.AccountError
        The account stopped the run (``.code``, ``.request_id``, ``.fix``, ``.result``).
    qrbatch.ServiceUnavailableError
        The service stayed down; unsent rows are pending (``.result``).
    qrbatch.Interrupted
        Stop (Ctrl-C): the calls in flight were settled; ``.result`` holds what was done
        and running the call again sends the rest.

    Examples
    --------
    >>> codes = qrbatch.create_codes(df, endpoint="sandbox", progress=False)  # doctest: +SKIP

    The run has a loop of its own in a worker thread, so the call works where an event
    loop is already running (Jupyter), and Stop stops it on the first press.
    """
    # The parameters as given, passed on whole: here locals() holds only them.
    arguments = {name: value for name, value in locals().items() if name != "df"}
    stop = threading.Event()
    call: Callable[[], Any] = lambda: acreate_codes(df, **arguments, _stop=stop)  # noqa: E731
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
