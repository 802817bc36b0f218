"""The library entry point: one job from sheet to results workbook.

read sheet -> validate rows -> plan -> execute (pace, call, retry) -> journal -> write
workbook -> report. The CLI is a thin shell over ``run_batch`` and ``validate_input``.
"""

from __future__ import annotations

import logging
import math
import signal
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials, find_credentials
from qrbatch.errors import ConfigError
from qrbatch.images import ImageCounts, ImageStore, RowImage
from qrbatch.job import SANDBOX, Job, resolve_endpoint
from qrbatch.journal import Entry, Journal
from qrbatch.logs import event
from qrbatch.registry import account_pacing
from qrbatch.results import RowResult, Summary, join_results
from qrbatch.retry import RetryPolicy
from qrbatch.rows import CheckedRow, check_rows, header_matcher, map_columns
from qrbatch.runner import DEFAULT_CONCURRENCY, ExecutionReport, ExecutionSettings, Runner
from qrbatch.sheets.read import Sheet, read_sheet
from qrbatch.sheets.write import write_workbook

log = logging.getLogger("qrbatch")

EXIT_OK = 0
EXIT_ROWS_FAILED = 1
EXIT_USAGE = 2
EXIT_ACCOUNT = 3
EXIT_INTERRUPTED = 130


class Stoppable(Protocol):
    """A runner that can be asked to stop taking work (first Ctrl-C)."""

    @property
    def stopping_requested(self) -> bool: ...

    def request_stop(self) -> None: ...


class Progress(Protocol):
    """Where the run reports rows as they finish (a progress bar, or nothing)."""

    def start(self, total: int) -> None: ...

    def advance(self, rows: int) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        return None

    def advance(self, rows: int) -> None:
        return None

    def stop(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Validated:
    """A sheet and its rows after validation."""

    sheet: Sheet
    rows: list[CheckedRow]


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run did: the summary, the per-row results and the exit code."""

    summary: Summary
    results: list[RowResult]
    exit_code: int
    output: Path
    stopped_by: str = ""


def validate_input(job: Job) -> Validated:
    """Read and validate the job's sheet without calling any API (raises InputFileError)."""
    sheet = read_sheet(
        job.input,
        is_header=header_matcher(job.phone_column, job.message_column),
        sheet=job.sheet,
        header_row=job.header_row,
        encoding=job.encoding,
    )
    columns = map_columns(sheet, phone_column=job.phone_column, message_column=job.message_column)
    rows = check_rows(
        sheet,
        columns,
        image_type=job.image_type,
        cust_space_id=job.cust_space_id,
        default_region=job.default_region,
    )
    return Validated(sheet, rows)


def write_validation(output: Path, job: Job, validated: Validated, *, version: str = "") -> None:
    """Write the workbook of a validate-only pass: problems by row, nothing sent."""
    results = [
        RowResult(
            "invalid" if row.state == "invalid" else "skipped",
            error_code=row.error_code or "NotSent",
            error_message=row.error_message or "valid; not sent (validate only)",
        )
        for row in validated.rows
    ]
    summary = Summary(
        input_file=str(job.input),
        sheet=validated.sheet.sheet_name,
        output_file=str(output),
        endpoint="(none: validate only)",
        sandbox=False,
        version=version,
        started=datetime.now(UTC),
    )
    summary.finished = summary.started
    summary.count(results)
    write_workbook(output, validated.sheet, results, summary)


@asynccontextmanager
async def connect(
    job: Job,
    env: Mapping[str, str] | None,
    credentials: Credentials | None,
    numbers: Iterable[str] = (),
) -> AsyncIterator[tuple[str, Credentials]]:
    """The endpoint URL and credentials; for ``sandbox``, a simulator in this process
    whose demo account owns the demo numbers plus ``numbers`` (the sheet's own), so a
    dry try of any sheet works."""
    endpoint = resolve_endpoint(job.endpoint, env)
    if endpoint != SANDBOX:
        if credentials is None and job.access_key_id and job.access_key_secret:
            credentials = Credentials(job.access_key_id, job.access_key_secret, source="job file")
        yield endpoint, credentials or find_credentials(env=env, profile=job.profile)
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
        yield url, Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET, source="sandbox demo key")


async def watch_signals(runner: Stoppable, scope: anyio.CancelScope) -> None:
    """First Ctrl-C or SIGTERM: finish the calls in flight, send nothing new. Second: stop now."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for signum in signals:
            if not runner.stopping_requested:
                event(
                    logging.WARNING,
                    "interrupted",
                    f"{signal.Signals(signum).name}: stopping after the calls in flight (again "
                    "to stop at once); the journal keeps every outcome and a rerun resumes",
                    signal=signal.Signals(signum).name,
                )
                runner.request_stop()
            else:
                log.warning("stopping at once; calls in flight are settled on the rerun")
                scope.cancel()
                return


BENIGN_SKIPS = frozenset({"BlankRow", "NoCode", "Unchanged"})


def exit_code(results: list[RowResult], stopped: bool, interrupted: bool) -> int:
    """The contract's exit code for a finished (or stopped) run."""
    if interrupted:
        return EXIT_INTERRUPTED
    if stopped:
        return EXIT_ACCOUNT
    if any(r.status in ("failed", "invalid") for r in results):
        return EXIT_ROWS_FAILED
    if any(r.status == "skipped" and r.error_code not in BENIGN_SKIPS for r in results):
        return EXIT_ROWS_FAILED
    return EXIT_OK


@dataclass(slots=True)
class _RunState:
    """What the execution stage hands back, even when it is cut short."""

    report: ExecutionReport | None = None
    interrupted: bool = False


async def run_batch(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    progress: Progress | None = None,
    version: str = "",
    handle_signals: bool = False,
) -> RunResult:
    """Run one job end to end and write its results workbook.

    Raises UsageError (exit 2) before any API call for input, configuration and
    credential problems. Account-level stops, failed rows and interruptions still write
    the workbook; the exit code in the result says which happened.
    """
    progress = progress or NoProgress()
    validated = validate_input(job)
    output = job.output_path
    if output.resolve() == job.input.resolve():
        raise ConfigError(f"{output}: the output would overwrite the input; pass -o")
    state = _RunState()
    started = datetime.now(UTC)
    numbers = {row.request.phone for row in validated.rows if row.request is not None}
    async with connect(job, env, credentials, numbers) as (endpoint, creds):
        # The in-process simulator starts empty: an earlier run's codes are gone with it.
        fresh = job.fresh or job.is_sandbox
        with Journal(job.journal_path, fresh=fresh, wait=job.wait) as journal:
            if journal.dropped and not job.is_sandbox:
                log.warning("--fresh: starting over; dropped %s", journal.dropped)
            journal.bind("sandbox" if job.is_sandbox else f"{endpoint} key {creds.access_key_id}")
            summary = Summary(
                input_file=str(job.input),
                sheet=validated.sheet.sheet_name,
                output_file=str(output),
                endpoint=f"sandbox ({endpoint})" if job.is_sandbox else endpoint,
                sandbox=job.is_sandbox,
                version=version,
                started=started,
            )
            images: list[ImageStore] = []
            try:
                await _execute(
                    job,
                    validated,
                    endpoint,
                    creds,
                    journal,
                    summary,
                    progress,
                    state,
                    images,
                    handle_signals,
                )
            except BaseException:
                state.interrupted = True
                raise
            finally:
                progress.stop()
                results = join_results(validated.rows, journal.entries())
                if images:
                    summary.images = _place_images(images[0], validated.rows, results)
                    summary.images_folder = str(images[0].folder)
                summary.finished = datetime.now(UTC)
                summary.count(results)
                if state.report is not None and state.report.stopped_by is not None:
                    summary.stopped_by = str(state.report.stopped_by)
                    summary.stop_fix = state.report.stopped_by.fix
                write_workbook(output, validated.sheet, results, summary, thumbnails=job.images)
    stopped = state.report is not None and state.report.stopped_by is not None
    code = exit_code(results, stopped, state.interrupted)
    event(
        logging.INFO,
        "run_end",
        summary.line(),
        exit_code=code,
        output=str(output),
        rows=summary.rows_read,
        **{status: summary.statuses.get(status, 0) for status in summary.shown_statuses},
        calls=summary.calls,
        throttled=summary.throttled,
        calls_per_second=round(summary.calls_per_second, 3),
        seconds=round(summary.duration, 1),
        error_codes=dict(summary.error_codes),
    )
    stop = ""
    if state.report is not None and state.report.stopped_by is not None:
        error = state.report.stopped_by
        stop = f"{error.code}: {error.message}. To fix: {error.fix}"
    return RunResult(summary, results, code, output, stop)


async def _execute(
    job: Job,
    validated: Validated,
    endpoint: str,
    creds: Credentials,
    journal: Journal,
    summary: Summary,
    progress: Progress,
    state: _RunState,
    images: list[ImageStore],
    handle_signals: bool,
) -> None:
    """Pace, call, retry and record every request; fetch each new code's image."""
    requests = [row.request for row in validated.rows if row.request is not None]
    rows_per_key = Counter(r.key for r in requests)
    summary.unique_requests = len(rows_per_key)
    # Host-wide: shares the account's rate and claims with every qrbatch run on this host.
    account = account_pacing(
        access_key_id=creds.access_key_id,
        endpoint=endpoint,
        ceiling=job.qps,
        shared=not job.is_sandbox,  # an in-process simulator is this run's alone
    )
    pacer = account.pacer
    concurrency = job.concurrency or DEFAULT_CONCURRENCY
    settings = ExecutionSettings(
        concurrency=concurrency,
        reuse_existing=not job.always_create,
        retry=RetryPolicy(max_attempts=job.max_attempts),
    )
    event(
        logging.INFO,
        "run_start",
        f"run: {len(validated.rows)} rows, {len(rows_per_key)} unique requests, "
        f"endpoint {summary.endpoint}, at most {job.qps:g} calls/s",
        input=str(job.input),
        output=str(job.output_path),
        rows=len(validated.rows),
        unique_requests=len(rows_per_key),
        endpoint=summary.endpoint,
        qps=job.qps,
    )
    send_image, receive_image = anyio.create_memory_object_stream[Entry](math.inf)

    def on_done(entry: Entry) -> None:
        progress.advance(rows_per_key.get(entry.key, 0))
        if job.images and entry.qrdl_code and entry.qr_image_url:
            send_image.send_nowait(entry)

    progress.start(len(requests))
    first = anyio.current_time()
    async with CamsClient(
        credentials=creds,
        pacer=pacer,
        endpoint=endpoint,
        timeout=job.timeout,
        max_connections=concurrency + 8,
    ) as client:
        if job.images:
            images.append(ImageStore(job.images_path, client.download))
        runner = Runner(
            client=client,
            pacer=pacer,
            journal=journal,
            settings=settings,
            on_done=on_done,
            claims=account.claims,
        )
        try:
            async with anyio.create_task_group() as tg:
                if handle_signals:
                    tg.start_soon(watch_signals, runner, tg.cancel_scope)
                async with anyio.create_task_group() as fetchers:
                    for _ in range(IMAGE_WORKERS if images else 0):
                        fetchers.start_soon(_fetch_images, images[0], receive_image.clone())
                    receive_image.close()
                    with send_image:
                        state.report = await runner.execute(requests)
                        summary.send_seconds = max(0.0, anyio.current_time() - first)
                # every image is fetched: the signal watcher can go
                tg.cancel_scope.cancel()
            state.report = runner.report
            state.interrupted = runner.report.interrupted
        finally:
            account.close()
            summary.calls = client.stats.total_calls
            summary.throttled = client.stats.throttled
            if not summary.send_seconds:
                summary.send_seconds = max(0.0, anyio.current_time() - first)


IMAGE_WORKERS = 4


async def _fetch_images(store: ImageStore, entries: MemoryObjectReceiveStream[Entry]) -> None:
    with entries:
        async for entry in entries:
            image_type = "SVG" if entry.qr_image_url.lower().endswith(".svg") else "PNG"
            await store.fetch(entry.qrdl_code, entry.qr_image_url, image_type, entry.deep_link_url)


def _place_images(
    store: ImageStore, rows: list[CheckedRow], results: list[RowResult]
) -> ImageCounts:
    placed = [
        RowImage(
            row.row.number,
            row.request.phone,
            result.qrdl_code,
            row.request.image_type,
            result.deep_link_url,
        )
        for row, result in zip(rows, results, strict=True)
        if row.request is not None and result.qrdl_code and result.status in ("created", "reused")
    ]
    return store.place(placed)
