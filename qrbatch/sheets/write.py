"""The results workbook: Results (input columns untouched, then the contract columns),
Errors (failed and invalid rows only) and Summary.

Written in openpyxl's write-only mode (bounded memory), to a temporary file beside the
target that is renamed into place only when complete. Text that a spreadsheet could
take for a formula (``=``, ``+``, ``-``, ``@``) is stored as text.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from qrbatch.images import thumbnail
from qrbatch.results import RESULT_COLUMNS, RowResult, Summary, explain
from qrbatch.sheets.csvtext import escape_cell
from qrbatch.sheets.read import Sheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STATUS_FILLS = {
    "created": "C6EFCE",
    "reused": "C6EFCE",
    "failed": "FFC7CE",
    "invalid": "FFD8A8",
    "skipped": "D9D9D9",
    "listed": "DDEBF7",
    "updated": "C6EFCE",
    "deleted": "C6EFCE",
    "notfound": "FFC7CE",
}
LINK_COLUMNS = ("DeepLinkUrl", "QrImageUrl")
MAX_HYPERLINKS = 65_000
MAX_THUMBNAILS = 5000  # embedded images cost memory and make Excel slow past this
THUMBNAIL_ROW_HEIGHT = 52
_BOLD = Font(bold=True)
SANDBOX_NOTICE = (
    "SANDBOX DATA: these QR codes were made by qrbatch's simulator and do not exist on WhatsApp."
)


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place on success only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = _BOLD
    return cell


def _value(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """A plain value where that is safe (fast), a text cell where it could be a formula."""
    if isinstance(value, str):
        if not value:
            return None
        if is_formula_like(value):
            return _cell(ws, value)
    return value


def _link(ws: WriteOnlyWorksheet, url: str, clickable: bool) -> Any:
    if not clickable or not url.startswith(("https://", "http://")):
        return _value(ws, url)
    cell = WriteOnlyCell(ws, value=url)
    cell.hyperlink = url
    cell.style = "Hyperlink"
    return cell


def _widths(sheet: Sheet, columns: Sequence[str]) -> list[float]:
    sample = sheet.rows[:200]
    widths = []
    for index, name in enumerate(columns):
        longest = len(name)
        if index < len(sheet.columns):
            longest = max([longest, *(len(r.cells[index]) for r in sample)])
        elif name in LINK_COLUMNS:
            longest = max(longest, 40)
        elif name == "ErrorMessage":
            longest = max(longest, 50)
        elif name == "QR":
            longest = 10
        elif name in ("QrdlCode", "RequestId"):
            longest = max(longest, 16 if name == "QrdlCode" else 36)
        widths.append(min(60.0, max(8.0, longest * 1.1 + 2)))
    return widths


def write_workbook(
    target: Path,
    sheet: Sheet,
    results: Sequence[RowResult],
    summary: Summary,
    *,
    thumbnails: bool = False,
) -> None:
    """Write the results workbook (``.xlsx``) or, for ``.csv``, the Results table only."""
    if len(results) != len(sheet.rows):
        raise ValueError(f"{len(sheet.rows)} input rows but {len(results)} results")
    if target.suffix.lower() == ".csv":
        write_csv(target, sheet, results)
        return
    workbook = Workbook(write_only=True)
    with_thumbnails = thumbnails and len(results) <= MAX_THUMBNAILS
    if len(results) > MAX_HYPERLINKS // 2:
        summary.links = (
            f"deep links clickable up to row {MAX_HYPERLINKS + 1:,}; image links as text "
            "(Excel allows 65,530 hyperlinks per sheet)"
        )
    summary.thumbnails = (
        "a QR column renders each deep link locally"
        if with_thumbnails
        else f"none (over {MAX_THUMBNAILS:,} rows)"
        if thumbnails
        else "none (--no-images)"
    )
    _write_results(workbook, sheet, results, with_thumbnails)
    _write_errors(workbook, sheet, results)
    _write_summary(workbook, summary)
    with atomic_path(target) as temp:
        workbook.save(temp)


def _write_results(
    workbook: Workbook, sheet: Sheet, results: Sequence[RowResult], thumbnails: bool
) -> None:
    """The Results sheet: input cells as given, then the contract columns."""
    ws = workbook.create_sheet("Results")
    columns = [*sheet.columns, *RESULT_COLUMNS, *(["QR"] if thumbnails else [])]
    for index, width in enumerate(_widths(sheet, columns), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_landscape_one_page_wide(ws)
    ws.append([_cell(ws, name, bold=True) for name in columns])
    fills = {s: PatternFill("solid", fgColor=color) for s, color in STATUS_FILLS.items()}
    qr_column = get_column_letter(len(columns))
    # Excel refuses more than 65,530 hyperlinks per sheet: deep links come first.
    deep_links_until = 1 + MAX_HYPERLINKS
    image_links_until = 1 + max(0, MAX_HYPERLINKS - len(results))
    for number, (row, result) in enumerate(zip(sheet.rows, results, strict=True), start=2):
        cells = [_value(ws, value) for value in row.cells]
        if thumbnails and result.deep_link_url and result.status in ("created", "reused"):
            image = XLImage(io.BytesIO(thumbnail(result.deep_link_url)))
            image.anchor = f"{qr_column}{number}"
            ws.add_image(image)
            ws.row_dimensions[number].height = THUMBNAIL_ROW_HEIGHT
        status = WriteOnlyCell(ws, value=result.status)
        status.fill = fills[result.status]
        cells.append(status)
        cells.append(_value(ws, result.qrdl_code))
        cells.append(_link(ws, result.deep_link_url, number <= deep_links_until))
        cells.append(_link(ws, result.qr_image_url, number <= image_links_until))
        cells.extend(
            _value(ws, v)
            for v in (result.error_code, result.error_message, result.request_id, result.attempts)
        )
        ws.append(cells)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{len(results) + 1}"


def _print_landscape_one_page_wide(ws: WriteOnlyWorksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _write_errors(workbook: Workbook, sheet: Sheet, results: Sequence[RowResult]) -> None:
    ws = workbook.create_sheet("Errors")
    columns = ["InputRow", *sheet.columns, "Status", "ErrorCode", "ErrorMessage"]
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, name, bold=True) for name in columns])
    for row, result in zip(sheet.rows, results, strict=True):
        if result.status in ("failed", "invalid"):
            ws.append(
                [
                    row.number,
                    *(_cell(ws, v) for v in row.cells),
                    result.status,
                    _cell(ws, result.error_code),
                    _cell(ws, result.error_message),
                ]
            )


def _write_summary(workbook: Workbook, summary: Summary) -> None:
    ws = workbook.create_sheet("Summary")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 70
    if summary.sandbox:
        ws.append([_cell(ws, SANDBOX_NOTICE, bold=True)])
        ws.append([])
    facts: list[tuple[str, Any]] = [
        ("Input file", summary.input_file),
        ("Sheet", summary.sheet or "(text file)"),
        ("Output file", summary.output_file),
        ("Started", summary.started.isoformat(timespec="seconds")),
        ("Finished", summary.finished.isoformat(timespec="seconds") if summary.finished else ""),
        ("Duration (s)", round(summary.duration, 1)),
        ("Endpoint", summary.endpoint),
        ("Data", "sandbox (simulated)" if summary.sandbox else "real CAMS account"),
        ("qrbatch version", summary.version),
        ("Rows read", summary.rows_read),
        ("Unique requests", summary.unique_requests),
        *((f"Rows {status}", summary.statuses.get(status, 0)) for status in summary.shown_statuses),
        ("API calls", summary.calls),
        ("Throttled calls", summary.throttled),
        ("Calls per second", round(summary.calls_per_second, 2)),
        ("QR thumbnails", summary.thumbnails),
        ("Links", summary.links),
    ]
    if summary.images is not None:
        facts.append(("QR image files", summary.images_folder))
        facts.append(("Images downloaded", summary.images.downloaded))
        facts.append(("Images rendered locally", summary.images.rendered))
    if summary.stopped_by:
        facts.append(("Stopped by", summary.stopped_by))
        facts.append(("To fix", summary.stop_fix))
    for name, value in facts:
        ws.append([_cell(ws, name, bold=True), _cell(ws, value)])
    ws.append([])
    ws.append([_cell(ws, h, bold=True) for h in ("ErrorCode", "Rows", "Meaning", "What to do")])
    for code, count in summary.error_codes.most_common():
        meaning, fix = explain(code)
        ws.append([_cell(ws, code), count, _cell(ws, meaning), _cell(ws, fix)])


def csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (OWASP) or mangle (long digits) written
    as a formula that shows the text itself, ``="=1+1"``; reading it back undoes it (the
    scheme is in ``qrbatch.sheets.csvtext``)."""
    return escape_cell(value)


def write_csv(target: Path, sheet: Sheet, results: Sequence[RowResult]) -> None:
    """The Results table as UTF-8 CSV with BOM (Excel opens it right); qrbatch reads it
    back to the same values (``update``, ``delete``)."""
    with atomic_path(target) as temp, open(temp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*sheet.columns, *RESULT_COLUMNS])
        for row, result in zip(sheet.rows, results, strict=True):
            values = [*row.cells, *("" if v is None else str(v) for v in result.cells())]
            writer.writerow([csv_safe(v) for v in values])
