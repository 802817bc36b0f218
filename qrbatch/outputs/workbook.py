"""The results workbook: Results (input columns untouched, then the contract columns),
Errors (failed and invalid rows only) and Summary, each set up to print.

Written in openpyxl's write-only mode (bounded memory), to a temporary file beside the
target that is renamed into place only when complete (with the umask's permissions).
Text that a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@``) is stored
as text.

Printing: Results is landscape, one page wide, header repeated on every page, long text
wrapped, and its QR thumbnails sized from the expected fit-to-width scale so each prints
at least ``MIN_PRINTED_QR_MM`` wide (phones read that from paper). Wrapping needs a
styled cell each, which costs time: it is applied up to ``PRINT_STYLED_ROWS`` rows,
beyond which nobody prints the sheet. Errors and Summary have set widths and fit one
page when they are short enough to stay legible. Summary carries two native Excel
charts: rows by status, and calls accepted per second over the run.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins

from qrbatch.outputs.files import atomic_path
from qrbatch.outputs.images import thumbnail
from qrbatch.outputs.results import LIVE_STATUSES, RESULT_COLUMNS, RowResult, Summary, explain
from qrbatch.sheets.csvtext import FORMULA_PREFIXES, escape_cell
from qrbatch.sheets.read import Sheet
from qrbatch.words import describe, say

if TYPE_CHECKING:
    from openpyxl.chart._chart import ChartBase
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.page import PrintPageSetup
    from openpyxl.worksheet.properties import WorksheetProperties

    class _Sheet(WriteOnlyWorksheet):
        """A write-only sheet as it is at runtime, for mypy: ``Worksheet._setup`` gives it
        these attributes, which types-openpyxl's WriteOnlyWorksheet does not declare; the
        stubs leave ``append`` untyped and type the methods it copies from Worksheet as
        taking a Worksheet."""

        page_setup: PrintPageSetup
        sheet_properties: WorksheetProperties
        page_margins: PageMargins
        row_dimensions: DimensionHolder[int, RowDimension]
        column_dimensions: DimensionHolder[str, ColumnDimension]
        auto_filter: AutoFilter

        def append(self, row: list[_Item]) -> None: ...
        def add_image(self, img: XLImage, anchor: str | None = None) -> None: ...
        def add_chart(self, chart: ChartBase, anchor: str | None = None) -> None: ...


# What qrbatch writes in a cell (text, numbers, blanks), and an item of an appended row:
# such a value (fast) or a cell that carries a style or a link.
_Value: TypeAlias = str | float | None
_Item: TypeAlias = Cell | _Value

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
IMAGE_FILE_COLUMN = "ImageFile"
ERRORS_ROW_COLUMN = "InputRow"  # the Errors sheet's first column: the row in the input
MAX_HYPERLINKS = 65_000
MAX_THUMBNAILS = 5000  # embedded images cost memory and make Excel slow past this
PRINT_STYLED_ROWS = 5000  # wrapped, printable cells up to here; plain (fast) cells after
# Printed thumbnail side, quiet zone included: the symbol itself is then about 16 mm,
# which phones read from paper (15 mm is the usual minimum for a short URL).
MIN_PRINTED_QR_MM = 20.0
# Column widths in characters of Excel's default font (about 7 px each at 100 %).
# Links do not wrap, so their columns show the start: the link works when clicked, and on
# paper the QR thumbnail is what counts.
RESULT_WIDTHS = {
    "Status": 9,
    "QrdlCode": 16,
    "DeepLinkUrl": 20,
    "QrImageUrl": 12,
    "ErrorCode": 14,
    "ErrorMessage": 28,
    "RequestId": 11,
    "Attempts": 9,
    "SentPhoneNumber": 16,  # "+6281234567001" on one line: a number is read whole
    "BusinessName": 16,
    IMAGE_FILE_COLUMN: 16,
}
MAX_INPUT_WIDTH = 24
WRAPPED = frozenset({"DeepLinkUrl", "QrImageUrl", "ErrorMessage", "RequestId", IMAGE_FILE_COLUMN})
# Letter landscape (narrower than A4) less 0.25 in side margins, in Excel pixels (96 dpi):
# what fits one page wide on either paper.
PRINTABLE_WIDTH_PX = (11 - 2 * 0.25) * 96
FIT_ONE_PAGE_ROWS = 40  # Errors: one page up to this many rows, then one page wide only
CHART_ROWS = 17  # rows of the Summary sheet one chart covers (7.5 cm)
MAX_TIMELINE_POINTS = 600
SUMMARY_WIDTHS = (26.0, 44.0, 34.0, 34.0)
MAX_LABEL_WIDTH = 42.0
LINE_POINTS = 15.0  # one line of the default 11 pt font
MAX_ROW_LINES = 6
_BOLD = Font(name="Calibri", size=11, bold=True)  # the body's font: a bare bold turns serif
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
SANDBOX_NOTICE = say("workbook.sandbox_notice", language="en")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def _cell(ws: WriteOnlyWorksheet, value: _Value, *, bold: bool = False, wrap: bool = False) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = _BOLD
    if wrap:
        cell.alignment = _WRAP
    return cell


def _value(ws: WriteOnlyWorksheet, value: _Value, *, wrap: bool = False) -> _Item:
    """A plain value where that is safe (fast), a text cell where it could be a formula
    or where it wraps for print."""
    if isinstance(value, str):
        if not value:
            return None
        if is_formula_like(value) or wrap:
            return _cell(ws, value, wrap=wrap)
    elif wrap and value is not None:
        return _cell(ws, value, wrap=wrap)
    return value


def _link(ws: WriteOnlyWorksheet, url: str, clickable: bool, *, wrap: bool = False) -> _Item:
    if not clickable or not url.startswith(("https://", "http://")):
        return _value(ws, url, wrap=wrap)
    cell = WriteOnlyCell(ws, value=url)
    cell.hyperlink = url
    cell.style = "Hyperlink"
    if wrap:
        cell.alignment = _WRAP
    return cell


def _file_link(ws: WriteOnlyWorksheet, path: str, clickable: bool, *, wrap: bool) -> Cell | None:
    """A relative link to a local image file: it keeps working when the workbook and its
    images folder are moved or zipped together."""
    if not path:
        return None
    cell = _cell(ws, path, wrap=wrap)
    if clickable:
        cell.hyperlink = path
        cell.style = "Hyperlink"
        if wrap:
            cell.alignment = _WRAP
    return cell


def _input_widths(sheet: Sheet, columns: Sequence[str]) -> list[float]:
    sample = sheet.rows[:200]
    widths = []
    for index, name in enumerate(columns):
        longest = max([len(name), *(len(r.cells[index]) for r in sample if index < len(r.cells))])
        widths.append(min(float(MAX_INPUT_WIDTH), max(8.0, longest + 2.0)))
    return widths


def _widths(sheet: Sheet, columns: Sequence[str], results: Sequence[RowResult]) -> list[float]:
    """Widths of the Results columns: input columns by content, capped (they wrap); the
    error columns narrow when no row has an error, so a clean run prints larger."""
    inputs = _input_widths(sheet, sheet.columns)
    sample = results[:PRINT_STYLED_ROWS]
    has_errors = any(r.error_message for r in sample)
    widths = []
    for index, name in enumerate(columns):
        if index < len(inputs):
            widths.append(inputs[index])
        elif name in ("ErrorCode", "ErrorMessage") and not has_errors:
            widths.append(len(name) + 2.0)
        else:
            widths.append(float(RESULT_WIDTHS.get(name, 15 if name == "QR" else 12)))
    return widths


def _row_height(texts: Sequence[str], widths: Sequence[float]) -> float:
    """Points that show every wrapped line of ``texts`` in columns of ``widths``: set
    explicitly, since neither Excel nor LibreOffice resizes rows of a written file."""
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        if text:
            chars = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
            lines = max(lines, math.ceil(chars / max(1.0, width - 1.5)))
    return LINE_POINTS * min(lines, MAX_ROW_LINES) + 1


def column_px(width: float) -> float:
    """Excel's on-screen pixels of a column ``width`` characters wide (default font)."""
    return width * 7 + 5


def thumbnail_px(widths: Sequence[float]) -> int:
    """Side of the QR thumbnails in pixels (96 dpi): big enough that, at the scale that
    fits ``widths`` one landscape page wide, each prints >= ``MIN_PRINTED_QR_MM``."""
    scale = min(1.0, PRINTABLE_WIDTH_PX / sum(column_px(w) for w in widths))
    return math.ceil(MIN_PRINTED_QR_MM / 25.4 * 96 / scale)


def expected_print_scale(widths: Sequence[float]) -> float:
    """The fit-to-one-page-wide scale Excel will use (about; fonts differ by machine)."""
    return min(1.0, PRINTABLE_WIDTH_PX / sum(column_px(w) for w in widths))


def write_workbook(
    target: Path,
    sheet: Sheet,
    results: Sequence[RowResult],
    summary: Summary,
    *,
    thumbnails: bool = False,
    image_files: Mapping[int, str] | None = None,
) -> None:
    """Write the results workbook (``.xlsx``) or, for ``.csv``, the Results table only.

    ``image_files`` maps input row numbers to image files relative to the workbook's
    folder, for the ``ImageFile`` column; by default the files ``summary.images`` placed.
    """
    if len(results) != len(sheet.rows):
        raise ValueError(f"{len(sheet.rows)} input rows but {len(results)} results")
    language = summary.language
    results = [_worded(r, language) for r in results]
    if target.suffix.lower() == ".csv":
        write_csv(target, sheet, results)
        return
    if image_files is None and summary.images is not None:
        image_files = summary.images.paths
    workbook = Workbook(write_only=True)
    with_thumbnails = thumbnails and len(results) <= MAX_THUMBNAILS
    links = (
        say("workbook.links.capped", language=language, row=MAX_HYPERLINKS + 1, limit=65_530)
        if len(results) > MAX_HYPERLINKS // 2
        else say("workbook.links.all", language=language)
    )
    shown = (
        say("workbook.thumbnails.shown", language=language)
        if with_thumbnails
        else say("workbook.thumbnails.too_many", language=language, limit=MAX_THUMBNAILS)
        if thumbnails
        else say("workbook.thumbnails.off", language=language)
    )
    _write_results(workbook, sheet, results, with_thumbnails, image_files or {}, language)
    _write_errors(workbook, sheet, results, language)
    _write_summary(workbook, summary, thumbnails=shown, links=links)  # the writer's own facts
    with atomic_path(target) as temp:
        workbook.save(temp)


def _worded(result: RowResult, language: str) -> RowResult:
    """The row's ErrorMessage in the workbook's language, when qrbatch wrote it (a text
    made by ``said``); the service's own messages stay as the service wrote them."""
    if not result.error_message:
        return result
    worded = describe(result.error_message, language=language)
    return result if worded == result.error_message else replace(result, error_message=worded)


def _words(value: _Value, language: str) -> _Value:
    """A Summary fact in the workbook's language when qrbatch worded it (``said``)."""
    return describe(value, language=language) if isinstance(value, str) else value


def local_time(moment: datetime) -> str:
    """A moment as a person reads it: this computer's local time with its zone,
    ``2026-12-06 21:34:05 WIB (UTC+07:00)`` (the zone's name when it has one)."""
    local = moment.astimezone()
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = local.tzname() or ""
    if not name or name[0] in "+-" or name == "UTC" or offset == name:
        return f"{local:%Y-%m-%d %H:%M:%S} ({offset})"
    return f"{local:%Y-%m-%d %H:%M:%S} {name} ({offset})"


def _write_results(
    workbook: Workbook,
    sheet: Sheet,
    results: Sequence[RowResult],
    thumbnails: bool,
    image_files: Mapping[int, str],
    language: str = "en",
) -> None:
    """The Results sheet: input cells as given, then the contract columns."""
    ws: _Sheet = workbook.create_sheet("Results")  # stubs: Any (write_only picks the class)
    files = bool(image_files)
    columns = [
        *sheet.columns,
        *RESULT_COLUMNS,
        *([IMAGE_FILE_COLUMN] if files else []),
        *(["QR"] if thumbnails else []),
    ]
    widths = _widths(sheet, columns, results)
    side_px = thumbnail_px(widths) if thumbnails else 0
    if thumbnails:  # the QR column holds the thumbnail, whatever the width estimate says
        widths[-1] = max(widths[-1], (side_px + 12 - 5) / 7)
        side_px = thumbnail_px(widths)
        widths[-1] = max(widths[-1], (side_px + 12 - 5) / 7)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws, landscape=True, one_page=False, title_rows="1:1", language=language)
    ws.row_dimensions[1].height = 30  # two lines: narrow columns wrap their names
    inputs = len(sheet.columns)
    ws.append([_heading(ws, name, language, noted=i >= inputs) for i, name in enumerate(columns)])
    fills = {s: PatternFill("solid", fgColor=color) for s, color in STATUS_FILLS.items()}
    qr_column = get_column_letter(len(columns))
    # Excel refuses more than 65,530 hyperlinks per sheet: deep links come first.
    deep_links_until = 1 + MAX_HYPERLINKS
    image_links_until = 1 + max(0, MAX_HYPERLINKS - len(results))
    file_links_until = 1 + max(0, MAX_HYPERLINKS - 2 * len(results))
    for number, (row, result) in enumerate(zip(sheet.rows, results, strict=True), start=2):
        styled = number <= PRINT_STYLED_ROWS + 1
        cells = [_value(ws, value, wrap=styled) for value in row.cells]
        if thumbnails and result.deep_link_url and result.status in LIVE_STATUSES:
            image = XLImage(io.BytesIO(thumbnail(result.deep_link_url, side_px)))
            image.anchor = f"{qr_column}{number}"
            ws.add_image(image)
            # points (3/4 px), with a gap so neighbouring codes never touch
            ws.row_dimensions[number].height = image.height * 0.75 + 6
        elif styled:
            # links are left out: Excel and LibreOffice do not break a URL to wrap it
            texts = [*row.cells, "", "", "", "", result.error_code, result.error_message,
                     result.request_id]  # fmt: skip
            ws.row_dimensions[number].height = _row_height(texts, widths)
        status = WriteOnlyCell(ws, value=result.status)
        status.fill = fills[result.status]
        if styled:
            status.alignment = _TOP
        cells.append(status)
        cells.append(_value(ws, result.qrdl_code, wrap=styled))
        cells.append(_link(ws, result.deep_link_url, number <= deep_links_until, wrap=styled))
        cells.append(_link(ws, result.qr_image_url, number <= image_links_until, wrap=styled))
        cells.extend(
            _value(ws, v, wrap=styled)
            for v in (result.error_code, result.error_message, result.request_id, result.attempts)
        )
        cells.append(_value(ws, result.sent_phone, wrap=styled))  # "+62...": text, never a formula
        cells.append(_value(ws, result.business_name, wrap=styled))
        if files:
            path = image_files.get(row.number, "")
            cells.append(_file_link(ws, path, number <= file_links_until, wrap=styled))
        ws.append(cells)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{len(results) + 1}"


def _heading(
    ws: WriteOnlyWorksheet, name: str, language: str, *, noted: bool = True, wrap: bool = True
) -> Cell:
    """A column's name; qrbatch's own columns (``noted``) carry a note in the workbook's
    language saying what they hold (the name itself stays, for scripts)."""
    cell = _cell(ws, name, bold=True, wrap=wrap)
    if noted and (name in RESULT_COLUMNS or name == ERRORS_ROW_COLUMN):
        text = say(f"workbook.column.{name}", language=language)
        if name == "Status":
            text += "\n\n" + say("workbook.column.note", language=language)
        cell.comment = Comment(text, "qrbatch", width=320, height=140)
    return cell


def _print_setup(
    ws: _Sheet, *, landscape: bool, one_page: bool, title_rows: str | None, language: str
) -> None:
    """One page wide (and tall when ``one_page``), narrow margins, the sheet's name and
    page numbers in the footer, the header row on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # WorksheetProperties() makes one; the stubs allow None
    fit.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.page_margins = PageMargins(left=0.25, right=0.25, top=0.5, bottom=0.6, footer=0.25)
    footer = ws.oddFooter
    assert footer is not None  # every sheet starts with one; the stubs allow None
    footer.center.text = say("workbook.footer", language=language)
    footer.center.size = 9
    if title_rows:
        ws.print_title_rows = title_rows


def _write_errors(
    workbook: Workbook, sheet: Sheet, results: Sequence[RowResult], language: str
) -> None:
    ws: _Sheet = workbook.create_sheet("Errors")
    columns = [ERRORS_ROW_COLUMN, *sheet.columns, "Status", "ErrorCode", "ErrorMessage"]
    widths = [9.0, *_input_widths(sheet, sheet.columns), 9.0, 18.0, 50.0]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    failed = sum(1 for r in results if r.status in ("failed", "invalid"))
    ws.freeze_panes = "A2"
    _print_setup(
        ws,
        landscape=True,
        one_page=failed < FIT_ONE_PAGE_ROWS,
        title_rows="1:1",
        language=language,
    )
    inputs = range(1, 1 + len(sheet.columns))  # the input's own names: no note
    ws.append(
        [
            _heading(ws, name, language, noted=i not in inputs, wrap=False)
            for i, name in enumerate(columns)
        ]
    )
    written = 0
    for row, result in zip(sheet.rows, results, strict=True):
        if result.status in ("failed", "invalid"):
            written += 1
            wrap = written <= PRINT_STYLED_ROWS
            if wrap:
                texts = ["", *row.cells, "", result.error_code, result.error_message]
                ws.row_dimensions[written + 1].height = _row_height(texts, widths)
            ws.append(
                [
                    _cell(ws, row.number, wrap=wrap),
                    *(_cell(ws, v, wrap=wrap) for v in row.cells),
                    _cell(ws, result.status, wrap=wrap),
                    _cell(ws, result.error_code, wrap=wrap),
                    _cell(ws, result.error_message, wrap=wrap),
                ]
            )


def _write_summary(workbook: Workbook, summary: Summary, *, thumbnails: str, links: str) -> None:
    ws: _Sheet = workbook.create_sheet("Summary")
    language = summary.language

    def words(key: str) -> str:
        return say(key, language=language)

    _print_setup(ws, landscape=False, one_page=True, title_rows=None, language=language)
    row = 0

    def append(cells: list[_Item]) -> None:
        nonlocal row
        ws.append(cells)
        row += 1

    facts: list[tuple[str, _Value]] = [
        (words("workbook.input_file"), summary.input_name or summary.input_file),
        (words("workbook.sheet"), summary.sheet or words("workbook.text_file")),
        *((words("workbook.how_read"), _note(note, summary)) for note in summary.notes),
        (words("workbook.output_file"), summary.output_name or summary.output_file),
        (words("workbook.started"), local_time(summary.started)),
        (words("workbook.finished"), local_time(summary.finished) if summary.finished else ""),
        (words("workbook.duration"), round(summary.duration, 1)),
        (words("workbook.endpoint"), _words(summary.endpoint, language)),
        (
            words("workbook.data"),
            words("workbook.data.sandbox" if summary.sandbox else "workbook.data.real"),
        ),
        (words("workbook.version"), summary.version),
        (words("workbook.rows_read"), summary.rows_read),
        (words("workbook.unique_requests"), summary.unique_requests),
    ]
    statuses = [
        (words(f"workbook.rows.{s}"), summary.statuses.get(s, 0)) for s in summary.shown_statuses
    ]
    after: list[tuple[str, _Value]] = [
        (words("workbook.calls"), summary.calls),
        (words("workbook.throttled"), summary.throttled),
        (words("workbook.rate"), round(summary.calls_per_second, 2)),
        (words("workbook.thumbnails"), thumbnails),
        (words("workbook.links"), links),
    ]
    if summary.images is not None:
        # beside the workbook: its name says where (never a folder of this computer's)
        folder = Path(summary.images_folder).name
        after.append((words("workbook.images_folder"), f"{folder}/" if folder else ""))
        after.append((words("workbook.images_written"), summary.images.files))
        after.append((words("workbook.images_rendered"), summary.images.rendered))
        if summary.images.capped:
            after.append((words("workbook.images_capped"), summary.images.capped))
    if summary.print_module_mm is not None:
        after.append((words("workbook.print_module_mm"), round(summary.print_module_mm, 2)))
    if summary.stopped_by:
        after.append((words("workbook.stopped_by"), _words(summary.stopped_by, language)))
        after.append((words("workbook.to_fix"), _words(summary.stop_fix, language)))
    # the labels' column as wide as its longest label (Indonesian ones are longer)
    longest = max(len(name) for name, _ in (*facts, *statuses, *after))
    widths = (min(MAX_LABEL_WIDTH, max(SUMMARY_WIDTHS[0], longest + 1.0)), *SUMMARY_WIDTHS[1:])
    for column, width in zip("ABCD", widths, strict=True):
        ws.column_dimensions[column].width = width
    if summary.sandbox:
        append([_cell(ws, words("workbook.sandbox_notice"), bold=True)])
        append([])
    first_status = row + len(facts) + 1
    for name, value in [*facts, *statuses, *after]:
        cell = _cell(ws, value)
        cell.alignment = _LEFT  # numbers beside text read better left-aligned
        ws.row_dimensions[row + 1].height = _row_height([name, str(value)], widths)
        label = _cell(ws, name, bold=True)
        label.alignment = _TOP  # beside a value of several lines, at its first
        append([label, cell])
    last_status = first_status + len(statuses) - 1
    append([])
    headings = ("ErrorCode", *(words(f"workbook.codes.{h}") for h in ("rows", "meaning", "fix")))
    append([_cell(ws, h, bold=True) for h in headings])
    for code, count in summary.error_codes.most_common():
        meaning, fix = explain(code, language=language)
        count_cell = _cell(ws, count)
        count_cell.alignment = _LEFT
        ws.row_dimensions[row + 1].height = _row_height([code, "", meaning, fix], widths)
        append(
            [
                _cell(ws, code, wrap=True),
                count_cell,
                _cell(ws, meaning, wrap=True),
                _cell(ws, fix, wrap=True),
            ]
        )
    append([])
    charts_top = row + 1
    ws.add_chart(_status_chart(ws, first_status, last_status, language), f"A{charts_top}")
    timeline = _timeline(summary.calls_timeline)
    print_end = charts_top + CHART_ROWS - 1
    if timeline:
        print_end += CHART_ROWS
    for _ in range(print_end - row):
        append([])
    ws.print_area = f"A1:D{print_end}"
    if not timeline:
        return
    append([_cell(ws, words("workbook.chart.data"), bold=True)])
    append(
        [
            _cell(ws, words("workbook.chart.second"), bold=True),
            _cell(ws, words("workbook.rate"), bold=True),
        ]
    )
    data_top = row + 1
    for second, rate in timeline:
        append([second, rate])
    ws.add_chart(_timeline_chart(ws, data_top, row, language), f"A{charts_top + CHART_ROWS}")


def _note(note: str, summary: Summary) -> str:
    """A note on how the sheet was read, in the workbook's language, naming the input as
    the Summary does (never a folder a person did not choose)."""
    worded = describe(note, language=summary.language)
    if summary.input_name and summary.input_file:
        worded = worded.replace(summary.input_file, summary.input_name)
    return worded


def _status_chart(ws: WriteOnlyWorksheet, first: int, last: int, language: str) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = say("workbook.chart.status", language=language)
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.y_axis.title = say("workbook.chart.rows", language=language)
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 16, 7.5  # cm
    return chart


def _timeline_chart(ws: WriteOnlyWorksheet, first: int, last: int, language: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.gapWidth = 10
    chart.title = say("workbook.chart.calls", language=language)
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.x_axis.title = say("workbook.chart.seconds", language=language)
    chart.y_axis.title = say("workbook.chart.rate", language=language)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 16, 7.5  # cm
    return chart


def _timeline(points: Sequence[tuple[int, int]]) -> list[tuple[int, float]]:
    """The calls timeline with every second filled in, averaged into at most
    ``MAX_TIMELINE_POINTS`` buckets (a long run would otherwise chart 200,000 bars)."""
    if not points:
        return []
    end = max(second for second, _ in points) + 1
    bucket = max(1, math.ceil(end / MAX_TIMELINE_POINTS))
    sums = [0] * math.ceil(end / bucket)
    for second, calls in points:
        if second >= 0:
            sums[second // bucket] += calls
    return [(index * bucket, round(total / bucket, 2)) for index, total in enumerate(sums)]


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


NUMBER_COLUMNS = (
    "PhoneNumber",
    "BusinessName",
    "Status",
    "QualityRating",
    "MessagingLimitTier",
    "CodeVerificationStatus",
    "LiveCodes",
    "Note",
)


def write_numbers(target: Path, rows: Sequence[Sequence[str | int | None]]) -> None:
    """The account's WhatsApp numbers (``qrbatch numbers -o``): one sheet, ``Numbers``,
    a row per number in ``NUMBER_COLUMNS`` order, numbers as text (``+62...``)."""
    workbook = Workbook(write_only=True)
    ws: _Sheet = workbook.create_sheet("Numbers")
    for index, width in enumerate((18, 30, 14, 14, 20, 22, 10, 40), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, name, bold=True) for name in NUMBER_COLUMNS])
    for row in rows:
        ws.append([_value(ws, value) for value in row])
    with atomic_path(target) as temp:
        workbook.save(temp)
