"""Printable codes read back from a results (or list) workbook: no API call, no key.

Reads the ``Results`` sheet (header in row 1: the input columns, then ``Status``,
``QrdlCode``, ``DeepLinkUrl``...) in openpyxl's read-only mode, so a million-row
workbook is streamed, not loaded. A row prints when its Status is created, reused,
listed or updated and it has a deep link.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from qrbatch.errors import InputFileError
from qrbatch.outputs.printing.bundle import write_zip
from qrbatch.outputs.printing.items import CaptionColumns, made_by_the_service
from qrbatch.outputs.printing.options import PRINTABLE_STATUSES, PrintItem, PrintOptions
from qrbatch.outputs.printing.pdf import write_pdf
from qrbatch.sheets.cells import cell_text

RESULTS_SHEET = "Results"
REQUIRED = ("Status", "QrdlCode", "DeepLinkUrl")
SENT = "SentPhoneNumber"  # the number each code opens, printed instead of the cell


def items_from_workbook(
    workbook: Path | str, *, label_column: str | None = None, refused: list[int] | None = None
) -> list[PrintItem]:
    """The printable rows of a results workbook, in row order.

    ``label_column`` names the input column that heads each caption (matched like the
    input columns: case, spaces and underscores ignored); ``None`` uses the phone.
    Raises InputFileError when the file is not a results workbook, ConfigError when the
    label column is not in it. A row whose link is not a WhatsApp message link of its own
    code is never printed: its row number is appended to ``refused``.
    """
    return list(iter_items(workbook, label_column=label_column, refused=refused))


def iter_items(
    workbook: Path | str, *, label_column: str | None = None, refused: list[int] | None = None
) -> Iterator[PrintItem]:
    """Like :func:`items_from_workbook`, one row at a time."""
    path = Path(workbook)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, InvalidFileException, BadZipFile) as error:
        raise InputFileError(f"{path}: not a readable .xlsx workbook ({error})") from error
    try:
        if RESULTS_SHEET not in book.sheetnames:
            raise InputFileError(
                f"{path}: no {RESULTS_SHEET} sheet (is it a qrbatch results file?)"
            )
        rows = book[RESULTS_SHEET].iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise InputFileError(f"{path}: the {RESULTS_SHEET} sheet has no {', '.join(missing)}")
        status, code, link = (header.index(name) for name in REQUIRED)
        sent = header.index(SENT) if SENT in header else None  # older results have none
        inputs = header[:status]
        columns = CaptionColumns.find(inputs, label_column=label_column, source=path.name)
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            cells += [""] * (len(header) - len(cells))
            if cells[status] not in PRINTABLE_STATUSES or not cells[link]:
                continue
            if not made_by_the_service(cells[code], cells[link]):
                if refused is not None:
                    refused.append(number)
            else:
                number_sent = cells[sent] if sent is not None else ""
                yield columns.item(
                    inputs, number, cells[:status], cells[code], cells[link], number_sent
                )
    finally:
        book.close()


def pdf_from_workbook(
    workbook: Path | str, target: Path | str, options: PrintOptions | None = None
) -> int:
    """Write the PDF of a results workbook's printable rows; return the pages written.

    ``options.label_column`` picks the caption's column. No API call is made.
    """
    options = options or PrintOptions()
    items = items_from_workbook(workbook, label_column=options.label_column)
    return write_pdf(items, target, options)


def zip_from_workbook(
    workbook: Path | str, target: Path | str, options: PrintOptions | None = None
) -> int:
    """Write the images + manifest ZIP of a results workbook; return the image count."""
    options = options or PrintOptions()
    items = items_from_workbook(workbook, label_column=options.label_column)
    return write_zip(items, target, options)
