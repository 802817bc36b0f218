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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
from qrbatch.outputs.results import RowResult, Summary
from qrbatch.outputs.workbook import write_workbook
from qrbatch.rows.checks import CheckedRow, RowProblem, check_rows, header_matcher, map_columns
from qrbatch.rows.codes import CheckedCode, CodeAction, check_codes, code_sheet_header
from qrbatch.run.connect import Caller, describe_credentials, open_run
from qrbatch.run.drops import (
    Ledger,
    expand_drop,
    ledger_path,
    move_processed,
    settle_file,
)
from qrbatch.run.exit_codes import ExitCode, worst
from qrbatch.run.finish import RunResult, finish_run
from qrbatch.run.logs import event
from qrbatch.run.plan import check_output, run_plan
from qrbatch.run.settings import Job
from qrbatch.sheets.read import InputRow, Sheet, read_sheet
from qrbatch.version import VERSION

LIST_COLUMNS = ("PhoneNumber", "CustSpaceId", "PrefilledMessage", "GenerateQrImage")


@dataclass(frozen=True, slots=True)
class Validated:
    """A sheet and its rows after validation."""

    sheet: Sheet
    rows: list[CheckedRow]


def validate_input(job: Job) -> Validated:
    """Read and validate the job's sheet without calling any API (raises InputFileError)."""
    sheet = read_sheet(
        job.input,
        is_header=header_matcher(job.phone_column, job.message_column),
        sheet=job.sheet,
        header_row=job.header_row,
        encoding=job.encoding,
    )
    return validate_sheet(sheet, job)


def validate_sheet(
    sheet: Sheet, job: Job, *, phone: str | None = None, message: str | None = None
) -> Validated:
    """Find the columns of a sheet already read (a file, a DataFrame) and check every row."""
    columns = map_columns(
        sheet,
        phone_column=phone or job.phone_column,
        message_column=message or job.message_column,
    )
    describe_sheet(sheet, columns.describe(sheet.columns))
    rows = check_rows(
        sheet,
        columns,
        image_type=job.image_type,
        cust_space_id=job.cust_space_id,
        default_region=job.default_region,
    )
    return Validated(sheet, rows)


def describe_sheet(sheet: Sheet, columns: str) -> None:
    """Say in the log which file, sheet, header row and columns were read, and how."""
    event(
        logging.INFO,
        "sheet",
        f"read {sheet.describe()}; columns: {columns}",
        file=str(sheet.path),
        sheet=sheet.sheet_name,
        header_row=sheet.header_row,
        rows=len(sheet.rows),
        columns=columns,
    )
    for note in sheet.notes:
        event(logging.INFO, "sheet_note", note, file=str(sheet.path))


def write_validation(output: Path | str, job: Job, validated: Validated) -> None:
    """Write the workbook of a validate-only pass: problems by row, nothing sent."""
    output = Path(output)
    if output.exists() and output.resolve() == job.input.resolve():
        raise ConfigError(f"{output}: the output would overwrite the input; pass another -o")
    check_output(job, output)
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
        version=VERSION,
        started=datetime.now(UTC),
        action="validate",
    )
    summary.finished = summary.started
    summary.count(results)
    write_workbook(output, validated.sheet, results, summary)


async def run_batch(
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    events: Subscriber | EventBus | None = None,
    handle_signals: bool = False,
    validated: Validated | None = None,
    write_outputs: bool = True,
) -> RunResult:
    """Create a QR code for every valid row of ``job.input``; write the results workbook
    (``write_outputs=False``: the journal alone keeps the outcomes)."""
    validated = validated or validate_input(job)
    caller = Caller.of(
        env=env, credentials=credentials, events=events, handle_signals=handle_signals
    )
    return await run_plan(
        job,
        Create(reuse_existing=not job.always_create),
        validated.sheet,
        validated.rows,
        caller,
        write_outputs=write_outputs,
    )


def read_code_sheet(job: Job, action: CodeAction) -> tuple[Sheet, list[CheckedCode]]:
    """Read and check the sheet of codes to update or delete (no API call)."""
    sheet = read_sheet(
        job.input,
        is_header=code_sheet_header(action),
        sheet=job.sheet,
        header_row=job.header_row,
        encoding=job.encoding,
    )
    describe_sheet(sheet, "phone, QrdlCode" + (" and message" if action == "update" else ""))
    return sheet, check_codes(
        sheet, action, image_type=job.image_type, default_region=job.default_region
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
        raise ConfigError(f"{phone!r}: {problem.message}") from None


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
                item = DropFile(single.input, None, error, "started", tries)
            else:
                state, tries = "started", tries
                moved = None
                if result.exit_code in (ExitCode.OK, ExitCode.ROWS_FAILED):
                    state, tries = settle_file(ledger, single, digest, tries, result.results)
                    if single.move_processed and state in ("finished", "gave_up"):
                        moved = move_processed(single.input, job.input)
                item = DropFile(single.input, result, None, state, tries, moved)
            done.append(item)
            if on_file is not None:
                on_file(item)
            if item.result is not None and item.result.exit_code in (
                ExitCode.ACCOUNT,
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
    return worst(*codes)


def validate_drop(job: Job) -> list[tuple[Path, Validated | QrbatchError]]:
    """Check every file a drop run would take now (no call, nothing marked)."""
    checked: list[tuple[Path, Validated | QrbatchError]] = []
    with Ledger(ledger_path(job)) as ledger:
        for single, _, _ in expand_drop(job, ledger, check_outputs=False):
            try:
                checked.append((single.input, validate_input(single)))
            except QrbatchError as error:
                checked.append((single.input, error))
    return checked
