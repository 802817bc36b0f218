"""The Python API: one function per command, each a thin plan over the run's stages
(``connect`` -> ``plan`` -> ``finish``).

    validate_input(job)          read + check a sheet, no call      (qrbatch validate)
    run_batch(job)               create a code for every row        (qrbatch run)
    read_code_sheet(job, action) read + check a sheet of codes       (update/delete, no call)
    update_codes(job)            change the messages of codes       (qrbatch update)
    delete_codes(job)            delete codes                       (qrbatch delete)
    list_codes(phones, job)      export live codes to a workbook    (qrbatch list)

Every function raises ``UsageError`` (exit 2) before any API call for input,
configuration and credential problems. Account stops, failed rows and interruptions
still write the workbook; the ``exit_code`` of the ``RunResult`` says which happened.
``events`` takes a callable that receives the engine's events (``qrbatch.engine.events``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qrbatch.cams.credentials import Credentials
from qrbatch.engine.actions import Create, Delete, Update
from qrbatch.engine.events import AccountStopped, EventBus, RunStarted, SendingEnded, Subscriber
from qrbatch.engine.executor import list_live
from qrbatch.engine.retry import RetryPolicy
from qrbatch.errors import (
    AccountError,
    CamsError,
    ConfigError,
    JournalLockedError,
    QrbatchError,
)
from qrbatch.outputs.results import RowResult
from qrbatch.outputs.workbook import write_numbers
from qrbatch.rows.checks import CheckedRow, RowProblem
from qrbatch.rows.codes import CheckedCode, CodeAction
from qrbatch.rows.phones import display
from qrbatch.run.connect import Caller, describe_credentials, open_run
from qrbatch.run.drops import (
    Ledger,
    expand_drop,
    ledger_path,
    move_processed,
    settle_file,
    settle_unusable,
)
from qrbatch.run.exit_codes import ExitCode, worst
from qrbatch.run.finish import RunResult, finish_run
from qrbatch.run.kept_sandbox import KeptSandbox
from qrbatch.run.logs import event
from qrbatch.run.numbers import Later, account_numbers, decide_numbers
from qrbatch.run.plan import check_output, phone_column, run_plan, sandbox_numbers
from qrbatch.run.settings import Job
from qrbatch.run.validation import Validated as Validated
from qrbatch.run.validation import describe_sheet as describe_sheet
from qrbatch.run.validation import read_code_sheet as read_code_sheet
from qrbatch.run.validation import validate_drop as validate_drop
from qrbatch.run.validation import validate_input as validate_input
from qrbatch.run.validation import validate_sheet as validate_sheet
from qrbatch.run.validation import write_validation as write_validation
from qrbatch.sheets.read import InputRow, Sheet
from qrbatch.words import speaking

if TYPE_CHECKING:
    from qrbatch.cams.models import AccountNumber

SHOWN_ROWS = 200  # rows a check reports by name; the rest are counted

LIST_COLUMNS = ("PhoneNumber", "CustSpaceId", "PrefilledMessage", "GenerateQrImage")


async def run_batch(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    validated: Validated | None = None,
    write_outputs: bool = True,
    stop: threading.Event | None = None,
    sandbox: KeptSandbox | None = None,
) -> RunResult:
    """Create a QR code for every valid row of ``job.input``; write the results workbook
    (``write_outputs=False``: the journal alone keeps the outcomes). ``sandbox``: the
    process's kept sandbox for the endpoint "sandbox" (``kept_sandbox()``). What the run
    says (rows' problems, log lines, errors) is in ``job.language``."""
    with speaking(language=job.language):
        validated = validated or validate_input(job)
        caller = Caller.of(
            env=env,
            credentials=credentials,
            events=events,
            handle_signals=handle_signals,
            stop=stop,
            sandbox=sandbox,
        )
        return await run_plan(
            job,
            Create(reuse_existing=not job.always_create),
            validated.sheet,
            validated.rows,
            caller,
            write_outputs=write_outputs,
        )


async def _run_codes(
    action: CodeAction,
    job: Job,
    caller: Caller,
    checked: tuple[Sheet, list[CheckedCode]] | None,
) -> RunResult:
    sheet, codes = checked or read_code_sheet(job, action)
    return await run_plan(job, Update() if action == "update" else Delete(), sheet, codes, caller)


async def update_codes(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    checked: tuple[Sheet, list[CheckedCode]] | None = None,
) -> RunResult:
    """Change the messages of the codes in ``job.input``. Each update answers with a new
    code (the results hold it); unchanged messages are skipped."""
    caller = Caller.of(
        env=env, credentials=credentials, events=events, handle_signals=handle_signals
    )
    return await _run_codes("update", job, caller, checked)


async def delete_codes(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    checked: tuple[Sheet, list[CheckedCode]] | None = None,
) -> RunResult:
    """Delete the codes listed in ``job.input``; a code the service does not know is
    ``notfound``, never counted as deleted."""
    caller = Caller.of(
        env=env, credentials=credentials, events=events, handle_signals=handle_signals
    )
    return await _run_codes("delete", job, caller, checked)


def normalise_or_fail(phone: str, region: str | None) -> str:
    """A phone given on the command line, normalised, or a usage error (exit 2)."""
    from qrbatch.rows.checks import normalise_phone

    try:
        return normalise_phone(phone, region)
    except RowProblem as problem:
        raise ConfigError.of("rows.in_column", column=repr(phone), problem=problem.words) from None


async def list_codes(
    phones: Sequence[str],
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
) -> RunResult:
    """Export the live codes of business numbers; ``job.output`` is the workbook."""
    groups = list(
        dict.fromkeys((normalise_or_fail(p, job.default_region), job.cust_space_id) for p in phones)
    )
    output = job.output_path
    check_output(job, output)
    caller = Caller.of(env=env, credentials=credentials, events=events)
    async with open_run(
        job, "list", caller, sheet_name="Codes", numbers=[g[0] for g in groups], use_journal=False
    ) as ctx:
        caller.bus.emit(
            RunStarted(
                "list",
                len(groups),
                len(groups),
                ", ".join(phones),
                str(output),
                ctx.record.endpoint,
                job.qps,
                credentials=describe_credentials(ctx.credentials),
            )
        )
        rows: list[InputRow] = []
        results: list[RowResult] = []
        retry = RetryPolicy(max_attempts=job.max_attempts)
        first = ctx.record.started
        for phone, space in groups:
            try:
                live = await list_live(ctx.client, (phone, space), retry, events=ctx.emit)
            except AccountError as error:
                ctx.report.stopped_by = error
                ctx.emit(
                    AccountStopped(
                        error.code, error.action, error.request_id, str(error), error.fix
                    )
                )
                break
            except CamsError as error:
                rows.append(InputRow(len(rows) + 2, (phone, space, "", "")))
                results.append(
                    RowResult("failed", error_code=error.code, error_message=error.message)
                )
                continue
            if not live.codes:
                rows.append(InputRow(len(rows) + 2, (phone, space, "", "")))
                results.append(
                    RowResult("skipped", error_code="NoCode", error_message="no live codes")
                )
            for qrdl in live.codes:
                cells = (phone, space, qrdl.prefilled_message, qrdl.image_type)
                rows.append(InputRow(len(rows) + 2, cells))
                results.append(
                    RowResult("listed", qrdl.code, qrdl.deep_link_url, qrdl.qr_image_url)
                )
        ctx.emit(SendingEnded((datetime.now(UTC) - first).total_seconds()))
        sheet = Sheet(output, "Codes", 1, LIST_COLUMNS, rows)
        return finish_run(
            ctx,
            sheet,
            results,
            unique_requests=len(groups),
            interrupted=False,
            thumbnails=job.images,
        )


async def check_against_account(
    job: Job,
    validated: Validated,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
) -> Validated:
    """The rows of a validated sheet decided by the account's numbers: one
    QueryChatappPhoneNumbers per space and no other call (``validate --against-account``).
    An account that may not ask leaves the rows as the written rules read them."""
    caller = Caller.of(env=env, credentials=credentials, events=events)
    adopt = sandbox_numbers(validated.rows) if job.is_sandbox else set()
    async with open_run(
        job,
        "validate",
        caller,
        sheet_name=validated.sheet.sheet_name,
        numbers=adopt,
        use_journal=False,
    ) as ctx:
        later: Later = []
        rows = await decide_numbers(
            ctx, validated.rows, phone_column=phone_column(job, validated.sheet), later=later
        )
        for say in later:
            say()
        if ctx.report.stopped_by is not None:
            raise ctx.report.stopped_by
        decided = [row for row in rows if isinstance(row, CheckedRow)]
        shown = [r for r in decided if r.request is not None and r.phone_cell][:SHOWN_ROWS]
        for row in shown:
            assert row.request is not None
            name = ctx.business_names.get(row.request.phone, "")
            event(
                logging.INFO,
                "row_number",
                f"row {row.row.number}: {row.phone_cell!r} is {display(row.request.phone)}"
                + (f" ({name})" if name else ""),
                row=row.row.number,
                phone=f"+{row.request.phone}",
                business_name=name,
            )
    return Validated(validated.sheet, decided)


@dataclass(frozen=True, slots=True)
class NumberReport:
    """One of the account's WhatsApp numbers, as ``qrbatch numbers`` shows it."""

    number: AccountNumber
    live_codes: int | None  # None: its List failed

    def cells(self) -> tuple[str | int | None, ...]:
        return (
            f"+{self.number.phone}",
            self.number.verified_name,
            self.number.status,
            self.number.quality_rating,
            self.number.messaging_limit_tier,
            self.number.code_verification_status,
            self.live_codes,
            self.number.warning or ("" if self.number.usable else "gets no codes"),
        )


async def list_numbers(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
) -> list[NumberReport]:
    """The account's WhatsApp numbers (of ``job.cust_space_id``'s space), each with its
    count of live codes (one List per number); ``job.output``, when set, gets a workbook.
    An account that may not ask raises AccountError naming the permission to grant."""
    if job.output is not None:
        check_output(job, job.output)
    caller = Caller.of(env=env, credentials=credentials, events=events)
    async with open_run(job, "numbers", caller, sheet_name=None, use_journal=False) as ctx:
        space = job.cust_space_id
        retry = RetryPolicy(max_attempts=job.max_attempts)
        try:
            found = await account_numbers(ctx, [space], allow_refusal=False)
            assert found is not None  # a refusal raised
        except AccountError as error:
            ctx.emit(
                AccountStopped(error.code, error.action, error.request_id, str(error), error.fix)
            )
            raise
        reports: list[NumberReport] = []
        for number in sorted(found[space].values(), key=lambda n: n.phone):
            try:
                live = await list_live(ctx.client, (number.phone, space), retry, events=ctx.emit)
                count: int | None = len(live.codes)
            except CamsError as error:
                if isinstance(error, AccountError):
                    raise
                count = None
            reports.append(NumberReport(number, count))
    if job.output is not None:
        write_numbers(job.output, [r.cells() for r in reports])
    return reports


@dataclass(frozen=True, slots=True)
class DropFile:
    """What became of one file of a drop folder in this run."""

    source: Path
    result: RunResult | None  # None when the file could not be used (``error``)
    error: QrbatchError | None
    state: str  # the ledger's: finished, retry, gave_up, started (stopped: rerun resumes)
    tries: int
    moved_to: Path | None = None


async def run_drop(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    on_file: Callable[[DropFile], None] | None = None,
) -> list[DropFile]:
    """Run each new (or to-be-retried) file of a drop folder once, in the order dropped.

    An unusable file is reported and the others still run; an account stop or an
    interruption ends the night (the rerun resumes)."""
    done: list[DropFile] = []
    with Ledger(ledger_path(job)) as ledger:
        for single, digest, tries in expand_drop(job, ledger):
            ledger.mark(single.input, digest, single.output_path, "started", tries=tries)
            try:
                result = await run_batch(
                    single,
                    env=env,
                    credentials=credentials,
                    events=events,
                    handle_signals=handle_signals,
                )
            except JournalLockedError:
                raise  # another run is on it: try later, as a whole
            except QrbatchError as error:
                # A file that cannot be used is tried on the next runs too (it may be
                # fixed in place), up to MAX_TRIES, then given up like failing rows.
                state, tries = settle_unusable(ledger, single, digest, tries)
                item = DropFile(single.input, None, error, state, tries)
            else:
                state, tries = "started", tries
                moved = None
                if result.exit_code in (ExitCode.OK, ExitCode.ROWS_FAILED, ExitCode.UNAVAILABLE):
                    state, tries = settle_file(ledger, single, digest, tries, result.results)
                    if single.move_processed and state in ("finished", "gave_up"):
                        moved = move_processed(single.input, job.input)
                item = DropFile(single.input, result, None, state, tries, moved)
            done.append(item)
            if on_file is not None:
                on_file(item)
            if item.result is not None and item.result.exit_code in (
                ExitCode.ACCOUNT,
                ExitCode.UNAVAILABLE,  # the service is down: the other files wait too
                ExitCode.INTERRUPTED,
            ):
                break
    return done


def drop_exit_code(files: Sequence[DropFile]) -> ExitCode:
    """The exit code of a drop run means what a single run's means: a file that could not
    be used counts as failed rows once other files made calls (2 says "no call made")."""
    ran = any(f.result is not None for f in files)
    codes: list[int] = []
    for item in files:
        if item.result is not None:
            codes.append(item.result.exit_code)
            if item.state == "gave_up":
                codes.append(ExitCode.ROWS_FAILED)
        elif item.error is not None:
            code = int(getattr(item.error, "exit_code", ExitCode.USAGE))
            codes.append(ExitCode.ROWS_FAILED if ran and code == ExitCode.USAGE else code)
            if item.state == "gave_up":
                codes.append(ExitCode.ROWS_FAILED)
    return worst(*codes)
