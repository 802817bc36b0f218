"""Library entry points for managing existing codes: list, update, delete.

Like ``run_batch``: UsageError before any call for bad input or settings; account stops,
failures and interruptions still write the results workbook; the exit code says which.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import anyio

from qrbatch.batch import RunResult, connect, exit_code, watch_signals
from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials
from qrbatch.errors import AccountError, ConfigError
from qrbatch.job import Job
from qrbatch.journal import Journal
from qrbatch.lifecycle import Action, CheckedOp, OpsRunner, check_ops, code_sheet_header, list_codes
from qrbatch.logs import event
from qrbatch.pacing import AdaptivePacer
from qrbatch.results import RowResult, Status, Summary, from_entry
from qrbatch.retry import RetryPolicy
from qrbatch.rows import RowProblem, normalise_phone
from qrbatch.sheets.read import InputRow, Sheet, read_sheet
from qrbatch.sheets.write import write_workbook

LIST_COLUMNS = ("PhoneNumber", "CustSpaceId", "PrefilledMessage", "GenerateQrImage")


def _summary(job: Job, output: Path, endpoint: str, sheet: str | None, version: str) -> Summary:
    return Summary(
        input_file=str(job.input),
        sheet=sheet,
        output_file=str(output),
        endpoint=f"sandbox ({endpoint})" if job.is_sandbox else endpoint,
        sandbox=job.is_sandbox,
        version=version,
        started=datetime.now(UTC),
    )


def _finish(summary: Summary, results: list[RowResult], stopped: AccountError | None) -> None:
    summary.finished = datetime.now(UTC)
    summary.count(results)
    if stopped is not None:
        summary.stopped_by = str(stopped)
        summary.stop_fix = stopped.fix


async def list_to_workbook(
    phones: Sequence[str],
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    version: str = "",
) -> RunResult:
    """Export the live codes of business numbers; ``job.output`` is the workbook."""
    output = job.output_path
    wanted = [(normalise_or_fail(p, job.default_region), job.cust_space_id) for p in phones]
    async with connect(job, env, credentials) as (endpoint, creds):
        summary = _summary(job, output, endpoint, None, version)
        pacer = AdaptivePacer(job.qps)
        async with CamsClient(
            credentials=creds, pacer=pacer, endpoint=endpoint, timeout=job.timeout
        ) as client:
            stopped: AccountError | None = None
            try:
                found = await list_codes(
                    client, wanted, retry=RetryPolicy(max_attempts=job.max_attempts)
                )
            except AccountError as account_error:
                stopped, found = account_error, []
            summary.calls, summary.throttled = client.stats.total_calls, client.stats.throttled
    rows: list[InputRow] = []
    results: list[RowResult] = []
    for number, (phone, space, qrdl, error) in enumerate(found, start=2):
        if qrdl is None:
            rows.append(InputRow(number, (phone, space, "", "")))
            results.append(
                RowResult("failed", error_code=error.code, error_message=error.message)
                if error is not None
                else RowResult("skipped", error_code="NoCode", error_message="no live codes")
            )
            continue
        rows.append(InputRow(number, (phone, space, qrdl.prefilled_message, qrdl.image_type)))
        results.append(RowResult("listed", qrdl.code, qrdl.deep_link_url, qrdl.qr_image_url))
    sheet = Sheet(output, "Codes", 1, LIST_COLUMNS, rows)
    _finish(summary, results, stopped)
    write_workbook(output, sheet, results, summary, thumbnails=job.images)
    code = exit_code(results, stopped is not None, False)
    return RunResult(summary, results, code, output, str(stopped or ""))


def normalise_or_fail(phone: str, region: str | None) -> str:
    """A phone given on the command line, normalised, or a usage error (exit 2)."""
    try:
        return normalise_phone(phone, region)
    except RowProblem as problem:
        raise ConfigError(f"{phone!r}: {problem.message}") from None


def read_ops(job: Job, action: Action) -> tuple[Sheet, list[CheckedOp]]:
    """Read and check the sheet of codes to update or delete (no API call)."""
    sheet = read_sheet(
        job.input,
        is_header=code_sheet_header(action),
        sheet=job.sheet,
        header_row=job.header_row,
        encoding=job.encoding,
    )
    return sheet, check_ops(
        sheet, action, image_type=job.image_type, default_region=job.default_region
    )


async def run_ops(
    action: Action,
    job: Job,
    *,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    version: str = "",
    handle_signals: bool = False,
    checked: tuple[Sheet, list[CheckedOp]] | None = None,
) -> RunResult:
    """Update or delete every code listed in ``job.input``; journaled and resumable."""
    sheet, ops = checked or read_ops(job, action)
    output = job.output_path
    if output.resolve() == job.input.resolve():
        raise ConfigError(f"{output}: the output would overwrite the input; pass -o")
    runner: OpsRunner | None = None
    interrupted = False
    async with connect(job, env, credentials) as (endpoint, creds):
        with Journal(job.journal_path, fresh=job.fresh or job.is_sandbox, wait=job.wait) as journal:
            journal.bind("sandbox" if job.is_sandbox else f"{endpoint} key {creds.access_key_id}")
            summary = _summary(job, output, endpoint, sheet.sheet_name, version)
            event(
                logging.INFO,
                "run_start",
                f"{action}: {sum(o.op is not None for o in ops)} codes",
                action=action,
                input=str(job.input),
                output=str(output),
            )
            pacer = AdaptivePacer(job.qps)
            try:
                async with CamsClient(
                    credentials=creds, pacer=pacer, endpoint=endpoint, timeout=job.timeout
                ) as client:
                    runner = OpsRunner(
                        client=client,
                        pacer=pacer,
                        journal=journal,
                        retry=RetryPolicy(max_attempts=job.max_attempts),
                    )
                    try:
                        async with anyio.create_task_group() as tg:
                            if handle_signals:
                                tg.start_soon(watch_signals, runner, tg.cancel_scope)
                            await runner.execute(o.op for o in ops if o.op is not None)
                            tg.cancel_scope.cancel()
                    finally:
                        summary.calls = client.stats.total_calls
                        summary.throttled = client.stats.throttled
                interrupted = runner.report.interrupted
            except BaseException:
                interrupted = True
                raise
            finally:
                results = _join(ops, journal)
                stopped = runner.report.stopped_by if runner is not None else None
                _finish(summary, results, stopped)
                write_workbook(output, sheet, results, summary, thumbnails=False)
    code = exit_code(results, stopped is not None, interrupted)
    event(logging.INFO, "run_end", summary.line(), exit_code=code, output=str(output))
    return RunResult(summary, results, code, output, str(stopped or ""))


def _join(ops: Sequence[CheckedOp], journal: Journal) -> list[RowResult]:
    entries = journal.entries()
    results: list[RowResult] = []
    for checked in ops:
        if checked.op is None:
            status: Status = "invalid" if checked.state == "invalid" else "skipped"
            results.append(
                RowResult(
                    status, error_code=checked.error_code, error_message=checked.error_message
                )
            )
            continue
        entry = entries.get(checked.op.key)
        if entry is None or entry.state in ("pending", "inflight"):
            results.append(
                RowResult(
                    "skipped",
                    checked.op.code,
                    error_code="NotSent",
                    error_message="not sent: the run stopped first; rerun",
                )
            )
            continue
        results.append(from_entry(entry))
    return results
