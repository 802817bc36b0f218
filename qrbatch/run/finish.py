"""Stage 3 of a run, finish: the results joined with the journal, the workbook written
atomically (or owed, when the disk is full: the journal remembers and the rerun writes
it without a call), the images, the PDF and the ZIP, ``run_end``, and the exit code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from glob import escape as glob_escape
from pathlib import Path

from qrbatch.engine.events import OutputsPrinted, RunEnded
from qrbatch.errors import AccountError, OutputWriteError, QrbatchError, ServiceUnavailableError
from qrbatch.outputs.images import ImageCounts, ImageStore, RowImage, check_template
from qrbatch.outputs.printing import (
    PRINTABLE_STATUSES,
    CaptionColumns,
    items_from_results,
    smallest_module_mm,
    write_pdf,
    write_zip,
)
from qrbatch.outputs.results import RESULT_COLUMNS, Checked, RowResult, Summary
from qrbatch.outputs.workbook import write_workbook
from qrbatch.run.connect import RunContext, describe_credentials
from qrbatch.run.exit_codes import ExitCode, exit_code_of
from qrbatch.run.settings import Job
from qrbatch.sheets.read import Sheet
from qrbatch.words import LANGUAGES, said, say

log = logging.getLogger("qrbatch")


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a command did: the summary, the per-row results and the exit code."""

    summary: Summary
    results: list[RowResult]
    exit_code: ExitCode
    output: Path
    stopped_by: str = ""
    error: QrbatchError | None = None  # what stopped the run early: the account, an outage


REAL_DATA = say("workbook.data.real", language="en")  # "real CAMS account"


def results_data(path: Path) -> str | None:
    """What a results workbook's Summary says its codes are ("real CAMS account" or
    "sandbox (simulated)", in English whatever the workbook's language), or None when it
    does not say (not one of ours, unreadable)."""
    if path.suffix.lower() != ".xlsx":
        return None
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            if "Summary" not in workbook.sheetnames:
                return None
            labels = {say("workbook.data", language=lang) for lang in LANGUAGES}
            for row in workbook["Summary"].iter_rows(max_col=2, values_only=True):
                if row and row[0] in labels:
                    return _data(str(row[1]))
            return None
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - an unreadable file says nothing about its codes
        return None


def _data(words: str) -> str:
    """The Summary's ``Data`` fact in English, whichever language the workbook is in."""
    for key in ("workbook.data.real", "workbook.data.sandbox"):
        if words in {say(key, language=lang) for lang in LANGUAGES}:
            return say(key, language="en")
    return words


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


def check_print_columns(job: Job, sheet: Sheet) -> None:
    """A label column, or a file name field, that is not there is a usage error, before
    the first call."""
    if job.images:
        check_template(job.image_options().name_template, sheet.columns)
    if job.zip:
        check_template(job.print_options().image.name_template, sheet.columns)
    if job.label_column is not None or job.pdf or job.zip:
        CaptionColumns.find(
            sheet.columns,
            label_column=job.label_column,
            phone_column=job.phone_column,
            message_column=job.message_column,
            source=str(job.input),
        )


def pdf_module_mm(job: Job, sheet: Sheet, results: Sequence[RowResult]) -> float | None:
    """The smallest module the run's PDF prints, in mm (None: no code to print)."""
    items = items_from_results(
        sheet,
        results,
        label_column=job.label_column,
        phone_column=job.phone_column,
        message_column=job.message_column,
    )
    return smallest_module_mm(items, job.print_options())


def write_print_outputs(job: Job, sheet: Sheet, results: Sequence[RowResult]) -> list[Path]:
    """The PDF of labelled codes and the ZIP for the print shop, when the job asks."""
    if not (job.pdf or job.zip):
        return []
    refused: list[int] = []
    items = items_from_results(
        sheet,
        results,
        label_column=job.label_column,
        phone_column=job.phone_column,
        message_column=job.message_column,
        refused=refused,
    )
    if refused:  # never from the service's own answers; said if it ever happens
        log.warning("rows %s not printed: their link is not their code's WhatsApp link", refused)
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
        raise OutputWriteError.of(
            "run.print_not_written",
            file=exc.filename or job.output_path.parent,
            reason=exc.strerror or exc,
            output=job.output_path,
        ) from None
    return written


OUTPUTS_PENDING = "outputs_pending"


def _write_results(
    ctx: RunContext,
    output: Path,
    sheet: Sheet,
    results: list[RowResult],
    summary: Summary,
    thumbnails: bool,
) -> None:
    """The workbook, atomically; when the disk is full, the journal remembers that the
    outputs are owed, and the rerun writes them without a call."""
    _remove_stale_temp_files(output)
    try:
        write_workbook(output, sheet, results, summary, thumbnails=thumbnails)
    except OSError as exc:
        if ctx.journal is not None:
            ctx.journal.set_meta(OUTPUTS_PENDING, str(output))
        raise OutputWriteError.of(
            "run.results_not_written" if ctx.journal else "run.results_not_written_no_journal",
            file=output,
            reason=exc.strerror or exc,
            journal=ctx.journal.path if ctx.journal else "",
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
    stopped: AccountError | None = ctx.report.stopped_by
    summary = ctx.record.summary(
        results, unique_requests=unique_requests, stats=ctx.client.stats, stopped=stopped
    )
    output = ctx.job.output_path
    printed: list[Path] = []
    module: float | None = None
    if write:
        if ctx.job.pdf and not interrupted:  # in the workbook's Summary, written first
            module = pdf_module_mm(ctx.job, sheet, results)
            summary = replace(summary, print_module_mm=module)
        _write_results(ctx, output, output_sheet(sheet), results, summary, thumbnails)
        if not interrupted:
            printed = write_print_outputs(ctx.job, sheet, results)
    if printed:
        ctx.emit(OutputsPrinted(tuple(str(p) for p in printed), module))
        summary = replace(
            summary, printed=list(ctx.record.printed), print_module_mm=ctx.record.print_module_mm
        )  # after the workbook
    code = (
        ExitCode.UNAVAILABLE  # the service down, or no claim to be had: rows pending
        if ctx.outage or ctx.report.unavailable is not None
        else exit_code_of(results, stopped is not None, interrupted)
    )
    ctx.emit(
        RunEnded(
            ctx.action,
            summary,
            int(code),
            {
                "input": str(ctx.job.input.resolve()),
                "output": str(output.resolve()),
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
    stop = (
        said("run.stopped", code=stopped.code, message=stopped.message, advice=stopped.fix,
             key=describe_credentials(ctx.credentials))  # fmt: skip
        if stopped
        else ""
    )
    error: QrbatchError | None = stopped
    if code == ExitCode.UNAVAILABLE and stopped is None:
        error = ctx.report.unavailable or ServiceUnavailableError.of("run.unavailable")
    return RunResult(summary, results, code, output, stop, error)
