"""Read a CSV/TSV/XLSX sheet into rows of text, keeping the sheet's own row numbers.

Every cell becomes text exactly as a person would read it: a phone number stored as a
number stays digits (never ``6.28E+12`` or ``6281234567890.0``). The header row is found
by its column names, even below title rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from qrbatch.errors import InputFileError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True, slots=True)
class InputRow:
    """One data row: its row number in the sheet (1-based) and its cells as text."""

    number: int
    cells: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Sheet:
    """The rows under the header of one sheet."""

    path: Path
    sheet_name: str | None
    header_row: int
    columns: tuple[str, ...]
    rows: list[InputRow]
    encoding: str | None = None


HeaderTest = Callable[[Sequence[str]], bool]


def cell_text(value: object) -> str:
    """A cell value as text, the way a person reads it (no float or scientific forms)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_sheet(
    path: Path,
    *,
    is_header: HeaderTest,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> Sheet:
    """Read ``path``; the header is the first row that ``is_header`` accepts.

    Raises InputFileError naming the file and what was found when the file is missing,
    not a spreadsheet, corrupt, empty, or has no usable header.
    """
    if not path.exists():
        raise InputFileError(
            f"{path}: no such file. Check the path (current folder: {Path.cwd()})."
        )
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder, not a spreadsheet.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, is_header=is_header, sheet=sheet, header_row=header_row)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise InputFileError(f"{path}: --sheet applies to Excel files only; this is {suffix}.")
        return _read_text(path, is_header=is_header, header_row=header_row, encoding=encoding)
    raise InputFileError(
        f"{path}: not a spreadsheet qrbatch reads ({suffix or 'no extension'}). "
        "Save it as .xlsx or .csv."
    )


# Excel ---------------------------------------------------------------------------------


def _read_excel(
    path: Path, *, is_header: HeaderTest, sheet: str | None, header_row: int | None
) -> Sheet:
    import openpyxl  # deferred: loading it costs a third of a second

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputFileError(
            f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc}). "
            "Open it in Excel and save it again as .xlsx, or export it as CSV."
        ) from None
    try:
        names = list(workbook.sheetnames)
        if sheet is not None:
            if sheet not in names:
                raise InputFileError(
                    f"{path}: no sheet named {sheet!r}. Sheets: {', '.join(map(repr, names))}."
                )
            candidates = [sheet]
        else:
            candidates = names
        tried: list[str] = []
        seen: list[str] = []
        for name in candidates:
            rows = (
                tuple(cell_text(v) for v in values)
                for values in workbook[name].iter_rows(values_only=True)
            )
            found = _split_header(rows, is_header=is_header, header_row=header_row, seen=seen)
            if found is not None:
                header_number, columns, data = found
                return Sheet(path, name, header_number, columns, data)
            tried.append(name)
        raise _no_header(path, tried_sheets=tried, header_row=header_row, seen=seen)
    finally:
        workbook.close()


# CSV / TSV -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(raw: bytes) -> str:
    """BOM first, then strict UTF-8, then UTF-16 without BOM, then Windows cp1252."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = raw[:4096]
    if sample and sample.count(0) > len(sample) // 4:
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    return "cp1252"


def _read_text(
    path: Path, *, is_header: HeaderTest, header_row: int | None, encoding: str | None
) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    if not raw.strip():
        raise InputFileError(f"{path}: the file is empty. Put a header row and data rows in it.")
    if raw.startswith(b"PK\x03\x04"):
        raise InputFileError(
            f"{path}: this is an Excel workbook with a text extension. Rename it to .xlsx."
        )
    chosen = encoding or detect_encoding(raw)
    try:
        text = raw.decode(chosen)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputFileError(
            f"{path}: cannot be decoded as {chosen} ({exc}). Pass --encoding (utf-8, "
            "utf-16, cp1252, ...) or save the file as 'CSV UTF-8'."
        ) from None
    if "\x00" in text:
        raise InputFileError(
            f"{path}: holds binary data, not text. Pass the right --encoding or export as CSV."
        )
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text, path.suffix.lower())
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # csv.reader joins quoted multi-line fields; a spreadsheet shows each record as one
    # row, so records (not physical lines) are what get numbered.
    rows = (tuple(record) for record in records)
    seen: list[str] = []
    found = _split_header(rows, is_header=is_header, header_row=header_row, seen=seen)
    if found is None:
        raise _no_header(
            path, tried_sheets=None, header_row=header_row, delimiter=delimiter, seen=seen
        )
    header_number, columns, data = found
    return Sheet(path, None, header_number, columns, data, encoding=chosen)


def _sniff_delimiter(text: str, suffix: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return "\t" if suffix == ".tsv" else ","


# Header --------------------------------------------------------------------------------


def _split_header(
    rows: Iterator[tuple[str, ...]],
    *,
    is_header: HeaderTest,
    header_row: int | None,
    seen: list[str] | None = None,
) -> tuple[int, tuple[str, ...], list[InputRow]] | None:
    """Find the header, then collect numbered data rows (trailing blank rows dropped).

    ``seen`` receives the first non-blank row when no header is found, for the error.
    """
    header: tuple[str, ...] | None = None
    number = 0
    for number, cells in enumerate(rows, start=1):  # noqa: B007
        if seen is not None and not seen and any(c.strip() for c in cells):
            seen.extend(c.strip() for c in cells if c.strip())
        if header_row is not None:
            if number == header_row:
                header = cells
                break
        elif is_header([c.strip() for c in cells]):
            header = cells
            break
        elif number >= HEADER_SCAN_ROWS:
            return None
    if header is None:
        return None
    header_number = number
    columns = _column_names(header)
    data: list[InputRow] = []
    width = len(columns)
    pending_blank: list[InputRow] = []
    for number, cells in enumerate(rows, start=header_number + 1):
        padded = cells[:width] + ("",) * (width - len(cells)) if len(cells) != width else cells
        row = InputRow(number, padded)
        if row.is_blank:
            pending_blank.append(row)
            continue
        data.extend(pending_blank)
        pending_blank.clear()
        data.append(row)
    return header_number, columns, data


def _column_names(header: Sequence[str]) -> tuple[str, ...]:
    cells = list(header)
    while cells and not cells[-1].strip():
        cells.pop()
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {index}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return tuple(names)


def _no_header(
    path: Path,
    *,
    tried_sheets: list[str] | None,
    header_row: int | None,
    delimiter: str | None = None,
    seen: list[str] | None = None,
) -> InputFileError:
    where = f" in sheets {', '.join(map(repr, tried_sheets))}" if tried_sheets else ""
    if header_row is not None:
        what = f"row {header_row} is not a header with a phone and a message column"
    else:
        what = (
            f"no header row with a phone and a message column in the first {HEADER_SCAN_ROWS} rows"
        )
    shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter or "", "")
    sep = f" (read as {shown}-separated)" if shown else ""
    if seen:
        found = f" The first row holds: {', '.join(map(repr, seen[:12]))}."
    else:
        found = " Every row is empty."
    return InputFileError(
        f"{path}: {what}{where}{sep}.{found} Name the columns PhoneNumber and PrefilledMessage, "
        "or pass --phone-column and --message-column (and --header-row N if the header is "
        "not found)."
    )
