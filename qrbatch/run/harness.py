"""The one job harness: what every command that calls CAMS does around the engine.

    check outputs -> connect (endpoint, credentials, or the in-process sandbox)
    -> journal (locked, bound to the account) -> summary -> pacer -> client
    -> [the command's work: the executor, or List] under the signal watcher
    -> results (input rows + journal) -> workbook (atomic) -> run_end

``run``, ``update``, ``delete`` and ``list`` all go through ``open_run`` and
``finish_run``, so they log, stop, exit and write the same way. Usage problems are
raised (``UsageError``) before any call; account stops, failed rows and interruptions
still write the workbook, and the exit code in the result says which happened.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Protocol

import anyio

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials, credentials_reader, find_credentials
from qrbatch.engine.actions import Action
from qrbatch.engine.events import (
    Event,
    EventBus,
    Interrupted,
    RunEnded,
    RunStarted,
    Subscriber,
)
from qrbatch.engine.executor import (
    DEFAULT_CONCURRENCY,
    ExecutionReport,
    ExecutionSettings,
    Executor,
)
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.registry import Claims, NoClaims, account_pacing
from qrbatch.engine.retry import RetryPolicy
from qrbatch.errors import AccountError, ConfigError, OutputWriteError
from qrbatch.outputs.images import ImageCounts, ImageStore, RowImage
from qrbatch.outputs.outcomes import Journaled
from qrbatch.outputs.printing import (
    PRINTABLE_STATUSES,
    CaptionColumns,
    items_from_results,
    write_pdf,
    write_zip,
)
from qrbatch.outputs.results import RESULT_COLUMNS, Checked, RowResult, Summary, join_results
from qrbatch.outputs.workbook import write_workbook
from qrbatch.run.exit_codes import ExitCode, exit_code_of
from qrbatch.run.logs import log_events
from qrbatch.run.settings import SANDBOX, Job, resolve_endpoint
from qrbatch.sheets.read import Sheet
from qrbatch.version import VERSION

log = logging.getLogger("qrbatch")


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a command did: the summary, the per-row results and the exit code."""

    summary: Summary
    results: list[RowResult]
    exit_code: ExitCode
    output: Path
    stopped_by: str = ""


@dataclass(slots=True)
class RunContext:
    """Everything the command's work needs, opened by ``open_run``."""

    job: Job
    action: str
    endpoint: str
    credentials: Credentials
    client: CamsClient
    pacer: AdaptivePacer
    summary: Summary
    emit: Callable[[Event], None]
    journal: Journal | None
    claims: Claims = field(default_factory=NoClaims)
    report: ExecutionReport = field(default_factory=ExecutionReport)


class Stoppable(Protocol):
    """Something that can be asked to stop taking work (first Ctrl-C)."""

    @property
    def stopping_requested(self) -> bool: ...

    def request_stop(self) -> None: ...


def event_bus(events: Subscriber | EventBus | None) -> EventBus:
    """The run's event stream: the log always listens; ``events`` too when given."""
    if isinstance(events, EventBus):
        return events
    bus = EventBus(log_events)
    if events is not None:
        bus.subscribe(events)
    return bus


# Before any call ----------------------------------------------------------------------


def check_output(job: Job, output: Path) -> None:
    """Refuse, before any call, an output that would overwrite the input, is a folder,
    cannot be written, or holds a real run's results that a sandbox run would replace."""
    if output.exists() and output.resolve() == job.input.resolve():
        raise ConfigError(
            f"{output}: the output would overwrite the input; pass -o with another file name"
        )
    if output.is_dir():
        raise ConfigError(f"{output}: is a folder; pass -o with a file name (.xlsx or .csv)")
    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise ConfigError(f"{output}: the output must end in .xlsx or .csv")
    folder = output.parent
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(f"{folder}: cannot write there; pass -o with a folder you can write")
    if output.exists() and not os.access(output, os.W_OK):
        raise ConfigError(f"{output}: cannot be replaced (read-only); pass another -o")
    if job.is_sandbox and output.exists() and results_data(output) == REAL_DATA:
        raise ConfigError(
            f"{output} holds the results of a real run; a sandbox run never replaces them. "
            "Pass another -o for the sandbox run."
        )


REAL_DATA = "real CAMS account"


def results_data(path: Path) -> str | None:
    """What a results workbook's Summary says its codes are ("real CAMS account" or
    "sandbox (simulated)"), or None when it does not say (not one of ours, unreadable)."""
    if path.suffix.lower() != ".xlsx":
        return None
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            if "Summary" not in workbook.sheetnames:
                return None
            for row in workbook["Summary"].iter_rows(max_col=2, values_only=True):
                if row and row[0] == "Data":
                    return str(row[1])
            return None
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - an unreadable file says nothing about its codes
        return None


def journal_path(job: Job) -> Path:
    """A real run's journal beside its output (or in ``--state-dir``); a sandbox run's in
    a folder of its own, so it never touches a real run's journal."""
    if job.is_sandbox:
        return Path(tempfile.mkdtemp(prefix="qrbatch-sandbox-")) / "sandbox.qrbatch.db"
    return job.journal_path


# Connecting ---------------------------------------------------------------------------


@asynccontextmanager
async def connect(
    job: Job,
    env: Mapping[str, str] | None,
    credentials: Credentials | None,
    numbers: Iterable[str] = (),
) -> AsyncIterator[tuple[str, Credentials, Callable[[], Credentials] | None]]:
    """The endpoint URL, the credentials and how to read them again (an STS token that
    expires mid-run); for ``sandbox``, a simulator in this process whose demo account owns
    the demo numbers plus ``numbers`` (the sheet's own), so a dry try of any sheet works."""
    endpoint = resolve_endpoint(job.endpoint, env)
    if endpoint != SANDBOX:
        refresh: Callable[[], Credentials] | None = None
        if credentials is None and job.access_key_id and job.access_key_secret:
            credentials = Credentials(job.access_key_id, job.access_key_secret, source="job file")
        if credentials is None:
            refresh = credentials_reader(env=env, profile=job.profile)
        creds = credentials or find_credentials(env=env, profile=job.profile)
        yield endpoint, creds, refresh
        return
    from qrbatch.sandbox import (
        DEMO_KEY_ID,
        DEMO_KEY_SECRET,
        DEMO_NUMBERS,
        Sandbox,
        SandboxConfig,
        World,
    )
    from qrbatch.sandbox.server import running_sandbox

    world = World.demo(numbers=(*DEMO_NUMBERS, *numbers))
    sandbox = Sandbox(world, SandboxConfig(qps=max(job.qps, 5.0)))
    async with running_sandbox(sandbox) as (_, url):
        log.info("sandbox: serving a simulated CAMS at %s", url)
        yield url, Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET, source="sandbox demo key"), None


@asynccontextmanager
async def open_run(
    job: Job,
    action: str,
    *,
    sheet_name: str | None,
    numbers: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    use_journal: bool = True,
) -> AsyncIterator[RunContext]:
    """Connect, open the journal (locked, bound to the account), start the summary,
    the pacer and the client. Everything is closed again on the way out."""
    bus = event_bus(events)
    output = job.output_path
    async with connect(job, env, credentials, numbers) as (endpoint, creds, refresh):
        journal: Journal | None = None
        if use_journal:
            journal = Journal(journal_path(job), fresh=job.fresh, wait=job.wait)
        try:
            if journal is not None:
                if journal.dropped:
                    log.warning("--fresh: starting over; dropped %s", journal.dropped)
                journal.bind(
                    "sandbox" if job.is_sandbox else f"{endpoint} key {creds.access_key_id}"
                )
                bind_input(journal, job)
            summary = Summary(
                input_file=str(job.input),
                sheet=sheet_name,
                output_file=str(output),
                endpoint=f"sandbox ({endpoint})" if job.is_sandbox else endpoint,
                sandbox=job.is_sandbox,
                version=VERSION,
                started=datetime.now(UTC),
                action=action,
            )
            # Host-wide: the account's rate and Create claims are shared with every qrbatch
            # run on this machine (the in-process sandbox is this run's alone).
            account = account_pacing(
                access_key_id=creds.access_key_id,
                endpoint=endpoint,
                ceiling=job.qps,
                shared=not job.is_sandbox,
            )
            pacer = account.pacer
            pacer.on_event = bus.emit
            concurrency = job.concurrency or DEFAULT_CONCURRENCY
            async with CamsClient(
                credentials=creds,
                pacer=pacer,
                endpoint=endpoint,
                timeout=job.timeout,
                max_connections=concurrency + 8,
                refresh_credentials=refresh,
            ) as client:
                try:
                    yield RunContext(
                        job,
                        action,
                        endpoint,
                        creds,
                        client,
                        pacer,
                        summary,
                        bus.emit,
                        journal,
                        claims=account.claims,
                    )
                finally:
                    account.close()
        finally:
            if journal is not None:
                journal.close()
                if job.is_sandbox and journal.path is not None:
                    _remove_sandbox_journal(journal.path)


def describe_credentials(creds: Credentials) -> str:
    """Where the AccessKey came from and its ID, for the log (never the secret)."""
    return f"{creds.source}, AccessKey ID {creds.access_key_id}"


def bind_input(journal: Journal, job: Job) -> None:
    """A journal (and its output) belongs to one input file: ``campaign.csv`` and
    ``campaign.xlsx`` side by side would otherwise share ``campaign.results.xlsx`` and
    one would silently replace the other's results."""
    recorded = journal.get_meta("input")
    if recorded is None:
        journal.set_meta("input", job.input.name)
    elif recorded != job.input.name:
        raise ConfigError(
            f"{job.output_path} and its journal belong to {recorded}, not {job.input.name}: "
            f"pass -o with another name for {job.input.name} (or --fresh if it is "
            f"{recorded} renamed)"
        )


def _remove_sandbox_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


# Doing the work -----------------------------------------------------------------------


async def watch_signals(runner: Stoppable, scope: anyio.CancelScope, emit: Subscriber) -> None:
    """First Ctrl-C or SIGTERM: finish the calls in flight, send nothing new. Second: stop now."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for signum in signals:
            name = signal.Signals(signum).name
            if not runner.stopping_requested:
                emit(Interrupted(name))
                runner.request_stop()
            else:
                emit(Interrupted(name, immediate=True))
                scope.cancel()
                return


async def execute(
    ctx: RunContext,
    action: Action,
    requests: Sequence[Journaled],
    *,
    handle_signals: bool = False,
) -> ExecutionReport:
    """Run ``action`` over ``requests`` with the executor, under the signal watcher."""
    assert ctx.journal is not None
    job = ctx.job
    executor = Executor(
        action=action,
        client=ctx.client,
        pacer=ctx.pacer,
        journal=ctx.journal,
        settings=ExecutionSettings(
            concurrency=job.concurrency or DEFAULT_CONCURRENCY,
            retry=RetryPolicy(max_attempts=job.max_attempts),
        ),
        events=ctx.emit,
        claims=ctx.claims,
    )
    ctx.report = executor.report
    first = anyio.current_time()
    try:
        async with anyio.create_task_group() as tg:
            if handle_signals:
                tg.start_soon(watch_signals, executor, tg.cancel_scope, ctx.emit)
            await executor.execute(requests)
            tg.cancel_scope.cancel()  # done: the signal watcher can go
    finally:
        ctx.summary.send_seconds = max(0.0, anyio.current_time() - first)
    return executor.report


# Outputs beside the workbook ----------------------------------------------------------


def place_images(
    job: Job, sheet: Sheet, checked: Sequence[Checked], results: Sequence[RowResult]
) -> ImageCounts:
    """One print-quality image file per results row that has a live code (rendered from
    its deep link: a CAMS image URL may expire), named by the job's template."""
    caption = CaptionColumns.find(
        sheet.columns,
        label_column=job.label_column,
        phone_column=job.phone_column,
        message_column=job.message_column,
    )
    placed = [
        RowImage(
            row.row.number,
            row.request.phone,
            result.qrdl_code,
            row.request.image_type or "PNG",
            result.deep_link_url,
            label=row.row.cells[caption.label] if caption.label is not None else "",
            columns=dict(zip(sheet.columns, row.row.cells, strict=False)),
        )
        for row, result in zip(checked, results, strict=True)
        if row.request is not None and result.qrdl_code and result.status in PRINTABLE_STATUSES
    ]
    return ImageStore(job.images_path, options=job.image_options()).place(placed)


def _all_done(journal: Journal, requests: Sequence[Journaled]) -> bool:
    entries = journal.entries()
    return all((e := entries.get(r.key)) is not None and e.state == "done" for r in requests)


def check_print_columns(job: Job, sheet: Sheet) -> None:
    """A label column that is not there is a usage error, before the first call."""
    if job.label_column is not None or job.pdf or job.zip:
        CaptionColumns.find(
            sheet.columns,
            label_column=job.label_column,
            phone_column=job.phone_column,
            message_column=job.message_column,
            source=str(job.input),
        )


def write_print_outputs(job: Job, sheet: Sheet, results: Sequence[RowResult]) -> list[Path]:
    """The PDF of labelled codes and the ZIP for the print shop, when the job asks."""
    if not (job.pdf or job.zip):
        return []
    items = items_from_results(
        sheet,
        results,
        label_column=job.label_column,
        phone_column=job.phone_column,
        message_column=job.message_column,
    )
    options = job.print_options()
    written: list[Path] = []
    try:
        if job.pdf:
            write_pdf(items, job.pdf_path, options)
            written.append(job.pdf_path)
        if job.zip:
            write_zip(items, job.zip_path, options)
            written.append(job.zip_path)
    except OSError as exc:
        raise OutputWriteError(
            f"{exc.filename or job.output_path.parent}: could not be written "
            f"({exc.strerror or exc}). The results workbook is written; make the PDF or ZIP "
            f"again with: qrbatch pdf {job.output_path}"
        ) from None
    return written


# Finishing ----------------------------------------------------------------------------


OUTPUTS_PENDING = "outputs_pending"


def _write_results(
    ctx: RunContext, output: Path, sheet: Sheet, results: list[RowResult], thumbnails: bool
) -> None:
    """The workbook, atomically; when the disk is full, the journal remembers that the
    outputs are owed, and the rerun writes them without a call."""
    _remove_stale_temp_files(output)
    try:
        write_workbook(output, sheet, results, ctx.summary, thumbnails=thumbnails)
    except OSError as exc:
        if ctx.journal is not None:
            ctx.journal.set_meta(OUTPUTS_PENDING, str(output))
        where = f"the journal {ctx.journal.path} keeps" if ctx.journal else "the service keeps"
        raise OutputWriteError(
            f"{output}: could not be written ({exc.strerror or exc}); {where} every outcome. "
            "Once there is room, rerun the same command: it writes the results without "
            "calling the service again."
        ) from None
    if ctx.journal is not None:
        ctx.journal.set_meta(OUTPUTS_PENDING, None)


def _remove_stale_temp_files(output: Path) -> None:
    """A run killed while saving leaves ``.<name>.*.tmp`` beside the output: the journal's
    lock (held for this run) says no other run is writing it, so they can go."""
    for stale in output.parent.glob(f".{glob_escape(output.name)}.*.tmp"):
        stale.unlink(missing_ok=True)


def output_sheet(sheet: Sheet) -> Sheet:
    """The input sheet as the Results sheet shows it: an input column named like a result
    column (a results workbook handed to update or delete) is kept as ``Previous <name>``,
    so the workbook never has two ``Status`` or two ``QrdlCode`` columns."""
    taken = set(RESULT_COLUMNS)
    if not taken.intersection(sheet.columns):
        return sheet
    columns = tuple(f"Previous {c}" if c in taken else c for c in sheet.columns)
    return Sheet(sheet.path, sheet.sheet_name, sheet.header_row, columns, sheet.rows)


def finish_run(
    ctx: RunContext,
    sheet: Sheet,
    results: list[RowResult],
    *,
    unique_requests: int,
    interrupted: bool,
    thumbnails: bool = False,
    write: bool = True,
) -> RunResult:
    """Count, write the workbook (atomically), emit ``run_end``, and say the exit code.

    ``write=False`` (a notebook call without ``output=``): the journal holds everything."""
    summary = ctx.summary
    summary.unique_requests = unique_requests
    summary.calls = ctx.client.stats.total_calls
    summary.calls_timeline = ctx.client.stats.timeline()
    summary.throttled = ctx.client.stats.throttled
    summary.finished = datetime.now(UTC)
    summary.count(results)
    stopped: AccountError | None = ctx.report.stopped_by
    if stopped is not None:
        summary.stopped_by = str(stopped)
        summary.stop_fix = stopped.fix
    output = ctx.job.output_path
    printed: list[Path] = []
    if write:
        _write_results(ctx, output, output_sheet(sheet), results, thumbnails)
        if not interrupted:
            printed = write_print_outputs(ctx.job, sheet, results)
    summary.printed = [str(p) for p in printed]
    code = exit_code_of(results, stopped is not None, interrupted)
    ctx.emit(
        RunEnded(
            ctx.action,
            summary,
            int(code),
            {
                "input": str(ctx.job.input),
                "output": str(output),
                "rows": summary.rows_read,
                **{status: summary.statuses.get(status, 0) for status in summary.shown_statuses},
                "calls": summary.calls,
                "throttled": summary.throttled,
                "calls_per_second": round(summary.calls_per_second, 3),
                "seconds": round(summary.duration, 1),
                "error_codes": dict(summary.error_codes),
                **({"images": summary.images_folder} if summary.images_folder else {}),
                **{p.suffix.lstrip("."): str(p) for p in printed},
            },
        )
    )
    stop = f"{stopped.code}: {stopped.message}. To fix: {stopped.fix}" if stopped else ""
    return RunResult(summary, results, code, output, stop)


async def run_plan(
    job: Job,
    action: Action,
    sheet: Sheet,
    checked: Sequence[Checked],
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    write_outputs: bool = True,
) -> RunResult:
    """Send every checked row's request with ``action`` and write the results workbook
    (unless ``write_outputs`` is false: then the journal alone keeps the outcomes)."""
    check_output(job, job.output_path)
    check_print_columns(job, sheet)
    requests = [row.request for row in checked if row.request is not None]
    unique = len({r.key for r in requests})
    bus = event_bus(events)
    numbers = {r.phone for r in requests}
    interrupted = False
    async with open_run(
        job,
        action.name,
        sheet_name=sheet.sheet_name,
        numbers=numbers,
        env=env,
        credentials=credentials,
        events=bus,
    ) as ctx:
        bus.emit(
            RunStarted(
                action.name,
                len(checked),
                unique,
                str(job.input),
                str(job.output_path),
                ctx.summary.endpoint,
                job.qps,
                valid_rows=len(requests),
                credentials=describe_credentials(ctx.credentials),
            )
        )
        ctx.summary.notes = [sheet.describe(), *sheet.notes]
        try:
            assert ctx.journal is not None
            if ctx.journal.get_meta(OUTPUTS_PENDING) and _all_done(ctx.journal, requests):
                log.info("writing the results an earlier run could not write; no call needed")
            else:
                report = await execute(ctx, action, requests, handle_signals=handle_signals)
                interrupted = report.interrupted
        except BaseException:
            interrupted = True
            raise
        finally:
            assert ctx.journal is not None
            results = join_results(checked, ctx.journal.entries())
            if job.images and not interrupted:
                ctx.summary.images = place_images(job, sheet, checked, results)
                ctx.summary.images_folder = str(job.images_path)
            result = finish_run(
                ctx,
                sheet,
                results,
                unique_requests=unique,
                interrupted=interrupted,
                thumbnails=job.images,
                write=write_outputs,
            )
    return result
