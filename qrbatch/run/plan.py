"""Stage 2 of a run, plan: what can be checked before the first call (the output, the
label columns), then the checked rows' requests sent by the engine's executor under the
signal watcher, then ``finish``. ``run_plan`` is the whole of a run for ``run``,
``update`` and ``delete``:

    check outputs -> connect (``connect.open_run``) -> run_start -> execute
    -> results (input rows + journal) -> images -> finish (``finish.finish_run``)
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import anyio

from qrbatch.engine.actions import Action
from qrbatch.engine.events import (
    Event,
    ImagesPlaced,
    Interrupted,
    RunStarted,
    SendingEnded,
    Subscriber,
)
from qrbatch.engine.executor import (
    DEFAULT_CONCURRENCY,
    ExecutionReport,
    ExecutionSettings,
    Executor,
)
from qrbatch.engine.journal import Journal
from qrbatch.engine.retry import RetryPolicy
from qrbatch.errors import ConfigError, QrbatchError
from qrbatch.outputs.outcomes import Journaled
from qrbatch.outputs.results import Checked, join_results, read_note
from qrbatch.rows.checks import map_columns
from qrbatch.run.connect import (
    Caller,
    RunContext,
    describe_credentials,
    open_run,
)
from qrbatch.run.finish import (
    OUTPUTS_PENDING,
    REAL_DATA,
    RunResult,
    check_print_columns,
    finish_run,
    place_images,
    results_data,
)
from qrbatch.run.numbers import Later, decide_numbers
from qrbatch.run.outage import OutageWatch
from qrbatch.run.settings import Job
from qrbatch.sheets.read import Sheet

log = logging.getLogger("qrbatch")
T = TypeVar("T")


class Stoppable(Protocol):
    """Something that can be asked to stop taking work (first Ctrl-C)."""

    @property
    def stopping_requested(self) -> bool: ...

    def request_stop(self) -> None: ...


def check_output(job: Job, output: Path) -> None:
    """Refuse, before any call, an output that would overwrite the input, is a folder,
    cannot be written, or holds a real run's results that a sandbox run would replace."""
    if output.exists() and output.resolve() == job.input.resolve():
        raise ConfigError.of("run.output_is_input", file=output)
    if output.is_dir():
        raise ConfigError.of("run.output_is_folder", file=output)
    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise ConfigError.of("run.output_suffix", file=output)
    folder = output.parent
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError.of("run.output_folder", folder=folder)
    if output.exists() and not os.access(output, os.W_OK):
        raise ConfigError.of("run.output_read_only", file=output)
    if job.is_sandbox and output.exists() and results_data(output) == REAL_DATA:
        raise ConfigError.of("run.output_real", file=output)


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


async def watch_stop(runner: Stoppable, stop: threading.Event, emit: Subscriber) -> None:
    """A caller's stop flag, set from its own thread (a notebook's Ctrl-C): as the first
    Ctrl-C, finish the calls in flight and send nothing new."""
    while not stop.is_set():
        await anyio.sleep(STOP_POLL)
    if not runner.stopping_requested:
        emit(Interrupted("KeyboardInterrupt"))
        runner.request_stop()


STOP_POLL = 0.05  # seconds between looks at a caller's stop flag: a press feels instant


async def _cancel_when_set(stop: threading.Event, scope: anyio.CancelScope) -> None:
    while not stop.is_set():
        await anyio.sleep(STOP_POLL)
    scope.cancel()


async def unless_stopped(
    stop: threading.Event | None, work: Callable[[], Awaitable[T]]
) -> T | None:
    """``work()``, or None when the caller's ``stop`` flag is set first: the work is
    cancelled at once. Only for what sends nothing (the query of the account's numbers
    and its retries): a cancelled read leaves nothing to settle."""
    if stop is None:
        return await work()
    if stop.is_set():
        return None
    found: list[T] = []
    with anyio.CancelScope() as stopped:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_cancel_when_set, stop, stopped)
            found.append(await work())
            tg.cancel_scope.cancel()  # done: the watcher can go
    return None if stopped.cancelled_caught or not found else found[0]


async def execute(
    ctx: RunContext,
    action: Action,
    requests: Sequence[Journaled],
    *,
    handle_signals: bool = False,
    stop: threading.Event | None = None,
) -> ExecutionReport:
    """Run ``action`` over ``requests`` with the executor, under the signal watcher (and
    the ``stop`` flag of a caller in another thread)."""
    assert ctx.journal is not None
    job = ctx.job

    def outage() -> None:
        ctx.outage = True
        executor.request_stop()  # calls in flight finish; nothing new is sent

    watch = OutageWatch(
        ctx.client.stats,
        clock=anyio.current_time,
        stop=outage,
        max_failures=job.outage_failures,
        quiet_seconds=job.outage_seconds,
    )

    def events(item: Event) -> None:
        ctx.emit(item)
        watch(item)

    executor = Executor(
        action=action,
        client=ctx.client,
        pacer=ctx.pacer,
        journal=ctx.journal,
        settings=ExecutionSettings(
            concurrency=job.concurrency or DEFAULT_CONCURRENCY,
            retry=RetryPolicy(max_attempts=job.max_attempts),
        ),
        events=events,
        claims=ctx.claims,
    )
    ctx.report = executor.report
    first = anyio.current_time()
    try:
        async with anyio.create_task_group() as tg:
            if handle_signals:
                tg.start_soon(watch_signals, executor, tg.cancel_scope, ctx.emit)
            if stop is not None:
                tg.start_soon(watch_stop, executor, stop, ctx.emit)
            await executor.execute(requests)
            tg.cancel_scope.cancel()  # done: the signal watcher can go
    finally:
        ctx.emit(SendingEnded(max(0.0, anyio.current_time() - first)))
    return executor.report


def phone_column(job: Job, sheet: Sheet) -> str:
    """The name of the sheet's phone column, for the rows' messages."""
    with contextlib.suppress(QrbatchError):
        found = map_columns(
            sheet,
            phone_column=job.phone_column,
            message_column=job.message_column,
            country_column=job.country_column,
        )
        return sheet.columns[found.phone]
    return "phone"


def _all_done(journal: Journal, requests: Sequence[Journaled]) -> bool:
    entries = journal.entries()
    return all((e := entries.get(r.key)) is not None and e.state == "done" for r in requests)


def sandbox_numbers(checked: Sequence[Checked]) -> set[str]:
    """The sheet's numbers the in-process sandbox's account takes as its own, so a dry try
    of any sheet works; but not a number another reading of its cell makes one of the demo
    account's (``81234567890``: +62 812-3456-7890 with the 0 Excel dropped): that row
    means the demo number, as it would on a real account, instead of being ambiguous."""
    from qrbatch.rows.phones import RowProblem, readings, region_of
    from qrbatch.sandbox import DEMO_NUMBERS

    demo = set(DEMO_NUMBERS)
    regions = {r for r in map(region_of, demo) if r}
    adopted: set[str] = set()
    for row in checked:
        request = row.request
        if request is None:
            continue
        cell = str(getattr(row, "phone_cell", "") or "")
        try:
            others = readings(cell, regions) - {request.phone} if cell else set()
        except RowProblem:
            others = set()
        if request.phone in demo or not others & demo:
            adopted.add(request.phone)
    return adopted


async def run_plan(
    job: Job,
    action: Action,
    sheet: Sheet,
    checked: Sequence[Checked],
    caller: Caller,
    *,
    write_outputs: bool = True,
) -> RunResult:
    """Send every checked row's request with ``action`` and write the results workbook
    (unless ``write_outputs`` is false: then the journal alone keeps the outcomes)."""
    check_output(job, job.output_path)
    check_print_columns(job, sheet)
    requests = [row.request for row in checked if row.request is not None]
    unique = len({r.key for r in requests})
    bus = caller.bus
    numbers = sandbox_numbers(checked) if job.is_sandbox else set()
    interrupted = False
    stop = caller.stop
    async with open_run(
        job, action.name, caller, sheet_name=sheet.sheet_name, numbers=numbers
    ) as ctx:
        if not write_outputs:  # nothing is written: no closing line may point at a file
            ctx.record.output_file = ""
        later: Later = []  # said once run_start is out
        if action.name == "create":  # the account decides which number each row means
            column = phone_column(job, sheet)
            decided = await unless_stopped(
                stop, lambda: decide_numbers(ctx, checked, phone_column=column, later=later)
            )
            if decided is not None:
                checked = decided
                requests = [row.request for row in checked if row.request is not None]
                unique = len({r.key for r in requests})
        bus.emit(
            RunStarted(
                action.name,
                len(checked),
                unique,
                str(job.input.resolve()),  # absolute: a log line says where, whatever the cwd
                str(job.output_path.resolve()),
                ctx.record.endpoint,
                job.qps,
                valid_rows=len(requests),
                credentials=describe_credentials(ctx.credentials),
                notes=(read_note(sheet), *sheet.notes),
            )
        )
        for say in later:
            say()
        try:
            assert ctx.journal is not None
            if stop is not None and stop.is_set():  # Stop before the first send: none
                ctx.emit(Interrupted("KeyboardInterrupt"))
                interrupted = True
            elif ctx.report.stopped_by is not None or ctx.outage:
                pass  # the account stopped, or the service is down: nothing to send
            elif ctx.journal.get_meta(OUTPUTS_PENDING) and _all_done(ctx.journal, requests):
                log.info("writing the results an earlier run could not write; no call needed")
            else:
                report = await execute(
                    ctx, action, requests, handle_signals=caller.handle_signals, stop=caller.stop
                )
                interrupted = report.interrupted
        except BaseException:
            interrupted = True
            raise
        finally:
            assert ctx.journal is not None
            results = join_results(checked, ctx.journal.entries(), ctx.business_names)
            if job.images and job.image_files and not interrupted:
                placed = place_images(job, sheet, checked, results)
                ctx.emit(ImagesPlaced(placed, str(job.images_path)))
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
