"""Checking a sheet before any call, for ``qrbatch validate``, the page's Check, the
DataFrame API and the start of every run: read, find the columns, check every row. No
call, no client: this module loads no HTTP library, and openpyxl only to write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from qrbatch.errors import ConfigError, QrbatchError
from qrbatch.outputs.results import RowResult, Summary, read_note
from qrbatch.rows.checks import CheckedRow, check_rows, header_matcher, map_columns
from qrbatch.rows.codes import CheckedCode, CodeAction, check_codes, code_sheet_header
from qrbatch.run.drops import Ledger, expand_drop, ledger_path
from qrbatch.run.logs import event
from qrbatch.run.settings import InputSettings, Job
from qrbatch.sheets.read import Sheet, read_sheet
from qrbatch.version import VERSION
from qrbatch.words import Words, said, say


@dataclass(frozen=True, slots=True)
class Validated:
    """A sheet and its rows after validation."""

    sheet: Sheet
    rows: list[CheckedRow]


def validate_input(job: InputSettings) -> Validated:
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
    sheet: Sheet, job: InputSettings, *, phone: str | None = None, message: str | None = None
) -> Validated:
    """Find the columns of a sheet already read (a file, a DataFrame) and check every row."""
    columns = map_columns(
        sheet,
        phone_column=phone or job.phone_column,
        message_column=message or job.message_column,
        country_column=job.country_column,
        guess=not (phone and message),  # named in code: take what is named, guess nothing
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
        say(
            "run.read",
            file=sheet.path,
            sheet=Words("run.read_sheet", name=sheet.sheet_name) if sheet.sheet_name else "",
            how=read_note(sheet),
            columns=columns,
        ),
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
        raise ConfigError.of("run.output_is_input", file=output)
    from qrbatch.outputs.workbook import write_workbook  # openpyxl: only when writing
    from qrbatch.run.plan import check_output

    check_output(job, output)
    results = [
        RowResult(
            "invalid" if row.state == "invalid" else "skipped",
            error_code=row.error_code or "NotSent",
            error_message=row.error_message or said("run.valid_not_sent"),
        )
        for row in validated.rows
    ]
    summary = Summary(
        input_file=str(job.input),
        sheet=validated.sheet.sheet_name,
        output_file=str(output),
        endpoint=said("workbook.validate_only"),
        sandbox=False,
        version=VERSION,
        started=datetime.now(UTC),
        action="validate",
        language=job.language or "en",
        input_name=job.input_name or "",
    )
    summary.finished = summary.started
    summary.count(results)
    write_workbook(output, validated.sheet, results, summary)


def read_code_sheet(job: InputSettings, action: CodeAction) -> tuple[Sheet, list[CheckedCode]]:
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
