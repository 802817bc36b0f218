"""DataFrame in, DataFrame out: the Python API for notebooks and data teams.

    create_codes(df, phone=..., message=..., endpoint=...)  -> df + the Results columns
    await acreate_codes(df, ...)                             the same, async
    validate_frame(df, ...)                                  -> the problems, no call

The same engine as the CLI (validation, pacer, retries, reuse, the 2,000 cap, the
journal). The journal lives in the state directory (``$QRBATCH_STATE_DIR``, else
``$XDG_STATE_HOME/qrbatch``), one per endpoint and the settings that shape what is sent;
its requests are keyed by their content, so running a notebook cell again, rows edited
or not, sends only what is new. Nothing is written to the working folder unless
``output=`` asks for a workbook. A polars frame is converted at the edge (``kinds.py``).

Everything that can be wrong with a call is found first (``_check``), in the caller's
thread, and raised with the caller's line as its traceback. Then ``create_codes`` runs
the engine on a loop of its own in a worker thread (so it works where an event loop is
already running: Jupyter), and Ctrl-C (Stop) sets the run's stop flag; ``acreate_codes``
runs it on the caller's loop, and a cancel (Stop on an async cell) sets the same flag.
Either way the calls in flight settle and are recorded, the run ends, and
``Interrupted`` carries the result frame.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import inspect
import json
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import anyio
import pandas as pd

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.models import DEFAULT_TIMEOUT
from qrbatch.dataframes import arguments
from qrbatch.dataframes.kinds import Frame, FrameT, as_pandas
from qrbatch.engine.events import Subscriber
from qrbatch.errors import ConfigError, Interrupted, QrbatchError
from qrbatch.outputs.printing.options import Layout
from qrbatch.outputs.results import RESULT_COLUMNS, RowResult
from qrbatch.run.commands import Validated, run_batch, validate_sheet
from qrbatch.run.exit_codes import ExitCode
from qrbatch.run.finish import RunResult, check_print_columns
from qrbatch.run.kept_sandbox import kept_sandbox
from qrbatch.run.progress import progress_for
from qrbatch.run.settings import DEFAULT_MAX_ATTEMPTS, DEFAULT_QPS, Job
from qrbatch.sheets.frame import sheet_from_frame
from qrbatch.state_home import frames_state_dir
from qrbatch.words import said, speaking

PREFIX = "qrbatch_"  # of a result column whose name the caller's frame already has
ImageType = Literal["PNG", "SVG"]
Language = Literal["en", "id"]


def _checked_frame(df: Any, phone: str | None, message: str | None, job: Job) -> Validated:
    return validate_sheet(sheet_from_frame(df), job, phone=phone, message=message)


def validate_frame(
    df: FrameT,
    *,
    phone: str | None = None,
    message: str | None = None,
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
    language: Language | None = None,
) -> FrameT:
    """The rows of ``df`` that would not be sent, and why, without any call (the
    parameters are :func:`create_codes`'s).

    One row per problem, indexed like ``df``: ``Row`` (the row as a sheet would number
    it), ``Status`` (``invalid`` or ``skipped``), ``ErrorCode``, ``ErrorMessage``. A
    polars frame gives a polars frame (no index: ``Row`` says which).
    """
    __tracebackhide__ = True  # IPython and pytest show the caller's line, not this frame
    settings = {
        "image_type": image_type,
        "cust_space_id": cust_space_id,
        "default_region": default_region,
        "country_column": country,
        "language": language,
    }
    return cast(FrameT, _problems(df, phone, message, settings))


def _problems(df: Any, phone: str | None, message: str | None, settings: dict[str, Any]) -> Any:
    try:
        for name, column in (("phone", phone), ("message", message)):
            arguments.column_name(name, column)
        arguments.column_name("country", settings["country_column"])
        settings["default_region"] = arguments.region(settings["default_region"])
        frame = as_pandas(df)
        job = Job(input=Path("DataFrame"), **settings)
        language = job.language or "en"
        with speaking(language=language):  # the rows' messages in the call's language
            validated = _checked_frame(frame.pandas, phone, message, job)
    except QrbatchError as error:
        raise error.with_traceback(None) from None  # the caller's mistake: its line says it
    index = frame.pandas.index
    problems = [
        (label, row.row.number, row.state, row.error_code, row.error_message)
        for label, row in zip(index, validated.rows, strict=True)
        if row.state != "ok"
    ]
    found = pd.DataFrame(
        [p[1:] for p in problems],
        index=pd.Index([p[0] for p in problems], name=index.name),
        columns=["Row", "Status", "ErrorCode", "ErrorMessage"],
    )
    return frame.problems(found)


@dataclass(frozen=True, slots=True)
class _Call:
    """One call of create_codes or acreate_codes, checked before anything starts."""

    frame: Frame
    job: Job
    validated: Validated
    env: Mapping[str, str] | None
    credentials: Credentials | None = field(repr=False)
    progress: bool | Subscriber
    errors: Literal["raise", "ignore"]
    write_outputs: bool


def _check(
    df: Any,
    *,
    phone: str | None,
    message: str | None,
    endpoint: str | None,
    image_type: ImageType,
    cust_space_id: str,
    default_region: str | None,
    country: str | None,
    language: Language | None,
    qps: float,
    output: str | Path | None,
    pdf: bool,
    zip: bool,  # noqa: A002 - the CLI's and the job file's name
    label: str | None,
    pdf_layout: Layout,
    pdf_paper: str | None,
    pdf_note: str | bool,
    images: bool | None,
    credentials: Credentials | None,
    env: Mapping[str, str] | None,
    progress: bool | Subscriber,
    errors: Literal["raise", "ignore"],
    fresh: bool,
    always_create: bool,
    max_attempts: int,
    timeout: float,
    concurrency: int | None,
    state_dir: str | Path | None,
    registry: str | None,
) -> _Call:
    """Everything that can be wrong with a call, found before any thread or call starts;
    a mistake is raised with a traceback of the caller's line only."""
    __tracebackhide__ = True
    try:
        if errors not in ("raise", "ignore"):
            raise ConfigError.of("frames.errors_value", value=errors)
        if credentials is not None and not isinstance(credentials, Credentials):
            # the type only: a tuple or dict holds the secret
            raise ConfigError.of("frames.credentials_type", kind=type(credentials).__name__)
        for name, column in (("phone", phone), ("message", message), ("label", label)):
            arguments.column_name(name, column)
        arguments.column_name("country", country)
        arguments.path("output", output)
        arguments.path("state_dir", state_dir)
        arguments.progress(progress)
        arguments.counts(
            qps=qps, timeout=timeout, max_attempts=max_attempts, concurrency=concurrency
        )
        default_region = arguments.region(default_region)
        frame = as_pandas(df)
        settings: dict[str, Any] = {
            "image_type": image_type,
            "cust_space_id": cust_space_id,
            "default_region": default_region,
            "country_column": country,
            "language": language,
            "qps": qps,
            "pdf": pdf,
            "zip": zip,
            "label_column": label,
            "pdf_layout": pdf_layout,
            "pdf_paper": pdf_paper,
            "pdf_note": pdf_note,
            "fresh": fresh,
            "always_create": always_create,
            "max_attempts": max_attempts,
            "timeout": timeout,
            "concurrency": concurrency,
            "registry": registry,
            **({} if images is None else {"images": images}),
        }
        if (pdf or zip) and output is None:
            raise ConfigError.of("frames.print_needs_output")
        base = Job(input=Path("DataFrame"), endpoint=endpoint, **settings)
        with speaking(language=base.language):  # the rows' messages in the call's language
            validated = _checked_frame(frame.pandas, phone, message, base)
        check_print_columns(base, validated.sheet)  # a label column that is not there
        job = _frame_job(output, state_dir, endpoint, settings)
    except QrbatchError as error:
        raise error.with_traceback(None) from None
    return _Call(frame, job, validated, env, credentials, progress, errors, output is not None)


async def _create(call: _Call, stop: threading.Event) -> Any:
    """Run the checked call; the result frame, or the error that stopped the run with the
    frame as its ``.result``."""
    __tracebackhide__ = True
    job = call.job
    try:
        result = await _settled(
            lambda: run_batch(
                job,
                env=call.env,
                credentials=call.credentials,
                events=progress_for(call.progress),
                validated=call.validated,
                write_outputs=call.write_outputs,
                stop=stop,
                sandbox=kept_sandbox() if job.is_sandbox else None,
            ),
            stop,
        )
    except QrbatchError as failed:  # no credentials, the journal in use...: said in words
        raise failed.with_traceback(None) from None
    frame = call.frame.result(_result_frame(call.frame.pandas, result.results))
    error: QrbatchError | None = None
    if result.exit_code == ExitCode.INTERRUPTED:
        error = Interrupted.of("frames.interrupted")
    elif result.error is not None and call.errors == "raise":
        error = result.error
    if error is None:
        return frame
    error.result = frame
    raise error.with_traceback(None) from None  # the engine's frames say nothing here


async def _settled(run: Callable[[], Awaitable[RunResult]], stop: threading.Event) -> RunResult:
    """``run()`` to its end, even when the caller is cancelled: Stop on an async notebook
    cell (ipykernel cancels the cell's task) or Ctrl-C under ``asyncio.run`` sets the stop
    flag instead, so the calls in flight settle and are recorded and nothing new is sent,
    as with the first Ctrl-C of the command line. Cancelling the run itself would leave
    calls in flight unknown, to be settled by the next run's List."""
    outcome: list[RunResult | BaseException] = []
    done = anyio.Event()

    async def shielded() -> None:
        with anyio.CancelScope(shield=True):
            try:
                outcome.append(await run())
            except BaseException as error:  # noqa: BLE001 - raised again below, unwrapped
                outcome.append(error)
            finally:
                done.set()

    with contextlib.suppress(anyio.get_cancelled_exc_class()):
        async with anyio.create_task_group() as group:
            group.start_soon(shielded)
            try:
                await done.wait()
            except anyio.get_cancelled_exc_class():
                stop.set()  # the run sees it within STOP_POLL and winds down
                raise
    # Cancelled or not, the run has ended here (a cancelled one as interrupted).
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


async def acreate_codes(
    df: FrameT,
    *,
    phone: str | None = None,
    message: str | None = None,
    endpoint: str | None = None,
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
    language: Language | None = None,
    qps: float = DEFAULT_QPS,
    output: str | Path | None = None,
    pdf: bool = False,
    zip: bool = False,  # noqa: A002 - the CLI's and the job file's name
    label: str | None = None,
    pdf_layout: Layout = "cards",
    pdf_paper: str | None = None,
    pdf_note: str | bool = "",
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
    registry: str | None = None,
) -> FrameT:
    """Create a QR code for every row of ``df``: the async form of :func:`create_codes`
    (same parameters, same result, same errors). Cancelling it (Stop on a notebook cell
    that awaits it, Ctrl-C under ``asyncio.run``) stops as Stop stops ``create_codes``:
    the calls in flight settle, then ``qrbatch.Interrupted`` with the ``.result``."""
    __tracebackhide__ = True  # IPython and pytest show the caller's line, not this frame
    arguments = {k: v for k, v in locals().items() if k != "df" and not k.startswith("__")}
    try:
        call = _check(df, **arguments)
    except KeyboardInterrupt:
        raise not_started(df) from None
    return cast(FrameT, await _create(call, threading.Event()))


# The settings that shape what is sent: one journal per endpoint and these, whatever the
# rows. The pace (qps, attempts, timeout, concurrency) and what is written (pdf, zip,
# label, images) do not split it: a cell run again at another qps resumes.
JOURNAL_SETTINGS = ("image_type", "cust_space_id", "default_region", "country_column")


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
    state = Path(state_dir) if state_dir is not None else frames_state_dir()
    digest = _digest({"endpoint": endpoint, **{k: options[k] for k in JOURNAL_SETTINGS}})
    target = Path(output) if output is not None else state / f"dataframe-{digest}.results.xlsx"
    options.setdefault("images", output is not None)
    return Job(
        input=state / "DataFrame",  # one name for every frame: the journal binds to it
        output=target,
        endpoint=endpoint,
        state_dir=state,
        **options,
    )


def not_started(df: Any) -> BaseException:
    """Stop pressed before the run started (while qrbatch was loading or checking the
    frame): ``Interrupted`` with every row not sent; a plain KeyboardInterrupt when
    ``df`` is no frame to answer with."""
    try:
        frame = df if isinstance(df, Frame) else as_pandas(df)
    except QrbatchError:
        return KeyboardInterrupt()
    unsent = RowResult("skipped", error_code="NotSent", error_message=said("advice.not_sent"))
    rows = [dataclasses.replace(unsent, attempts=0)] * len(frame.pandas)
    error = Interrupted.of("frames.interrupted")
    error.result = frame.result(_result_frame(frame.pandas, rows))
    return error.with_traceback(None)


def stopped_call(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as the call that follows a Stop pressed while it was being loaded
    sees it: Interrupted with its frame, every row not sent (``qrbatch.__getattr__``)."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def stopped_async(df: Any, *args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            raise not_started(df)

        return stopped_async

    @functools.wraps(function)
    def stopped(df: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        raise not_started(df)

    return stopped


def _result_frame(df: pd.DataFrame, results: Sequence[RowResult]) -> pd.DataFrame:
    # qrbatch's own messages were worded in the call's language (speaking) and stay
    # said(): describe(message, language="id") words one again
    cells = [r.cells() for r in results]
    out = pd.DataFrame(cells, index=df.index, columns=list(RESULT_COLUMNS))
    # JSON-safe: a row never sent made 0 attempts (not <NA>, which json.dumps refuses)
    out["Attempts"] = out["Attempts"].fillna(0).astype("int64")
    # The caller's columns are never renamed: a result column that would take one's name
    # gets the prefix instead (a CRM's own Status stays Status).
    out = out.rename(columns={c: f"{PREFIX}{c}" for c in RESULT_COLUMNS if c in df.columns})
    return pd.concat([df, out], axis=1)


def create_codes(
    df: FrameT,
    *,
    phone: str | None = None,
    message: str | None = None,
    endpoint: str | None = None,
    image_type: ImageType = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
    country: str | None = None,
    language: Language | None = None,
    qps: float = DEFAULT_QPS,
    output: str | Path | None = None,
    pdf: bool = False,
    zip: bool = False,  # noqa: A002 - the CLI's and the job file's name
    label: str | None = None,
    pdf_layout: Layout = "cards",
    pdf_paper: str | None = None,
    pdf_note: str | bool = "",
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
    registry: str | None = None,
) -> FrameT:
    """Create a WhatsApp QR code for every row of a DataFrame.

    Parameters
    ----------
    df : pandas.DataFrame or polars.DataFrame
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
    language : {"en", "id"}, optional
        The words of ``ErrorMessage`` and of the workbook, PDF and errors (default:
        ``QRBATCH_LANGUAGE``, else the locale, else English).
    qps : float
        Ceiling of API calls per second (the account allows 5).
    output : str or Path, optional
        Also write the results workbook there (and, with ``pdf``/``zip``, the PDF and the
        ZIP beside it; ``label`` names the caption's column; ``images`` the image files).
    pdf_layout, pdf_paper, pdf_note : optional
        The PDF's layout (``"cards"``, ``"labels"``, ``"poster"``), its paper or label
        sheet (``"a4"``, ``"letter-3x10"``...), and a line printed with every code
        (``"Scan to chat with us"``; ``True``: that line in ``language``).
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
    registry : str, optional
        The account registry shared with other runs: ``"local"`` (this computer, the
        default), ``"off"``, or a Redis URL every machine of the account names
        (``"redis://:PASSWORD@cache:6379/0"``; default: ``QRBATCH_REGISTRY``).

    Returns
    -------
    pandas.DataFrame or polars.DataFrame
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
    __tracebackhide__ = True  # IPython and pytest show the caller's line, not this frame
    arguments = {k: v for k, v in locals().items() if k != "df" and not k.startswith("__")}
    try:
        call = _check(df, **arguments)
    except KeyboardInterrupt:  # Stop while the frame is being checked: nothing started
        raise not_started(df) from None
    return cast(FrameT, _in_thread(call))


def _in_thread(call: _Call) -> Any:
    """Run the call on a loop of its own in a worker thread; Ctrl-C (Stop) sets the stop
    flag, the calls in flight settle, the thread ends and the run raises Interrupted."""
    stop = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="qrbatch") as pool:
        # The caller's context goes with it: the kernel's (which cell its output goes
        # to) and the words' (language and audience).
        context = contextvars.copy_context()
        future: concurrent.futures.Future[Any] | None = None
        try:
            try:
                future = pool.submit(context.run, _loop_of_its_own, call, stop)
                return _wait(future)
            except KeyboardInterrupt:
                stop.set()
            if future is None:  # pressed as the thread was being started: the run sees
                raise not_started(call.frame) from None  # the flag at once, if it started
            return future.result()  # the calls in flight settle: seconds at most
        except QrbatchError as error:
            raise error.with_traceback(None) from None  # not the worker thread's frames


def _loop_of_its_own(call: _Call, stop: threading.Event) -> Any:
    return anyio.run(_create, call, stop)


def _wait(future: concurrent.futures.Future[Any]) -> Any:
    """The thread's result, waiting in short steps so Ctrl-C reaches this thread."""
    while True:
        try:
            return future.result(timeout=0.1)
        except concurrent.futures.TimeoutError:
            continue
