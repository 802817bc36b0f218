"""What every reader produces: rows of cell text, problems found while reading, the sheet.

Every reader (CSV, openpyxl, calamine, DataFrame) turns cells into the text a person
sees with ``cell_text``, so that a sheet and its ``.xls``/``.ods``/``.xlsb``/DataFrame twin
read alike. A problem found while reading (a row wider than its header, bytes that are
not UTF-8, a formula with no saved value) is attached to the row it was found in, so that
validation reports it by row instead of sending a value the person never wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# Excel's sheet limits: the Results sheet must fit in one, header row included.
MAX_COLUMNS = 16_384
MAX_SHEET_ROWS = 1_048_576
MAX_DATA_ROWS = MAX_SHEET_ROWS - 1
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True, slots=True)
class CellProblem:
    """Why a row (``column`` None) or one of its cells cannot be trusted as read.

    ``code`` is the Results ErrorCode; ``message`` says what happened and what to do.
    """

    code: str
    message: str
    column: int | None = None


@dataclass(frozen=True, slots=True)
class InputRow:
    """One data row: its row number in the sheet (1-based) and its cells as text.

    ``problems`` are what the reader found wrong with the row as read; validation turns
    them into an ``invalid`` row when they touch a column that would be sent.
    """

    number: int
    cells: tuple[str, ...]
    problems: tuple[CellProblem, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Sheet:
    """The rows under the header of one sheet, and how they were read.

    ``header_row`` is the sheet's own row number of the header; ``notes`` are facts the
    log and the Summary should show (which sheet was chosen and why, the encoding when it
    is not UTF-8, hidden sheets skipped, formulas without saved values); ``source_format``
    is the reader used (``csv``, ``xlsx``, ``xls``, ``ods``, ``xlsb``, ``frame``);
    ``frame_index`` maps rows back to a DataFrame's index (row ``i`` is label
    ``frame_index[i]``), None for files.
    """

    path: Path
    sheet_name: str | None
    header_row: int
    columns: tuple[str, ...]
    rows: list[InputRow]
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    source_format: str = ""
    delimiter: str | None = None
    header_width: int | None = None
    frame_index: tuple[object, ...] | None = field(default=None, repr=False)

    def describe(self) -> str:
        """One line for the log: where the rows came from and how they were read."""
        where = f"{self.path}" + (f", sheet {self.sheet_name!r}" if self.sheet_name else "")
        how = [f"header at row {self.header_row}", f"{len(self.rows):,} data row(s)"]
        if self.source_format:
            how.append(self.source_format)
        if self.encoding:
            how.append(self.encoding)
        if self.delimiter:
            how.append(DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter)) + "-separated")
        problems = len(self.problem_rows)
        if problems:
            how.append(f"{problems:,} row(s) with reading problems")
        return f"{where}: {', '.join(how)}"

    @property
    def problem_rows(self) -> list[InputRow]:
        """Rows the reader found problems in (for a quick count in the log)."""
        return [row for row in self.rows if row.problems]


def cell_text(value: object) -> str:
    """A cell value as text, the way a person reads it (no float or scientific forms).

    Whole numbers are digits (a phone stored as 6281234567890.0 is ``6281234567890``),
    other numbers keep every digit without an exponent, dates are ISO (a midnight
    datetime, which is how spreadsheets store plain dates, is the date alone).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
