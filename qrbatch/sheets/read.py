"""Read a sheet (CSV/TSV/TXT, .xlsx/.xlsm, .xls/.ods/.xlsb) into rows of text, keeping the
sheet's own row numbers, without changing or dropping what the person wrote.

Every cell becomes text exactly as a person would read it: a phone number stored as a
number stays digits (never ``6.28E+12`` or ``6281234567890.0``). The header row is found
by its column names, even below title rows. What the reader cannot read faithfully is
reported, never smoothed over:

- a row with more cells than its header (an unquoted comma in a CSV message, a value in
  an unnamed column) keeps every cell (extra columns get generated names, ``Column 5``)
  and is reported as ``RowDoesNotFitHeader``;
- bytes that are not UTF-8 in an otherwise UTF-8 file are ``BadEncoding`` on their row;
- a formula cell with no saved value is ``FormulaNotCalculated`` (it would read as empty);
- a workbook's hidden sheets are read only when named; the sheet used is in
  ``Sheet.sheet_name`` and why in ``Sheet.notes``;
- more columns or rows than an Excel sheet holds (the results must fit in one) is an
  InputFileError naming the row.

The formats themselves live in ``textfile`` (encodings, delimiters) and ``workbooks``
(openpyxl for .xlsx, calamine for the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import (
    DELIMITER_NAMES,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    CellProblem,
    InputRow,
    Sheet,
    cell_text,
    column_letter,
)
from qrbatch.sheets.textfile import (
    TextRecords,
    choose_delimiter,
    decode_text,
    detect_encoding,
)
from qrbatch.sheets.workbooks import (
    CALAMINE_SUFFIXES,
    OLE_MAGIC,
    OPENPYXL_SUFFIXES,
    ZIP_MAGIC,
    Book,
    open_book,
)
from qrbatch.words import Words, said

__all__ = [
    "EXCEL_SUFFIXES",
    "HEADER_SCAN_ROWS",
    "TEXT_SUFFIXES",
    "CellProblem",
    "HeaderTest",
    "InputRow",
    "Sheet",
    "cell_text",
    "detect_encoding",
    "read_sheet",
]

# Every workbook suffix (drop folders take these too), then the text ones.
EXCEL_SUFFIXES = (*OPENPYXL_SUFFIXES, *CALAMINE_SUFFIXES)
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
HEADER_SCAN_ROWS = 30
SHOWN_CELLS = 12

HeaderTest = Callable[[Sequence[str]], bool]
"""Accepts a row (cells stripped) that holds the columns the caller needs."""

HeaderScore = Callable[[Sequence[str]], int]
"""How many known column names a row holds: picks the row to quote when none fits."""


def read_sheet(
    path: Path,
    *,
    is_header: HeaderTest,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    score: HeaderScore | None = None,
) -> Sheet:
    """Read ``path``; the header is the first row that ``is_header`` accepts.

    ``sheet`` names a workbook's sheet (hidden ones too); without it the active sheet is
    read if it is visible and has the header, else the first visible sheet that has it.
    ``header_row`` (1-based) skips the search. ``encoding`` forces a text file's
    encoding. ``score`` ranks rows when no header is found, to quote the likeliest one.

    Raises InputFileError naming the file and what was found when the file is missing,
    not a spreadsheet, encrypted, corrupt, empty, too big for a sheet, or has no usable
    header.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError.of("sheet.no_such_file", file=path, cwd=Path.cwd())
    if path.is_dir():
        raise InputFileError.of("sheet.is_folder", file=path)
    suffix = path.suffix.lower()
    if score is None:
        score = getattr(is_header, "score", None)
    finder = HeaderFinder(is_header, header_row, score)
    if suffix in EXCEL_SUFFIXES:
        return _read_book(path, finder, sheet)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise InputFileError.of("sheet.sheet_of_text", file=path, suffix=suffix)
        return _read_text(path, finder, encoding)
    raise InputFileError.of(
        "sheet.not_a_sheet",
        file=path,
        suffix=suffix or Words("sheet.no_extension"),
        suffixes=[*EXCEL_SUFFIXES, *TEXT_SUFFIXES],
    )


# Header and rows -----------------------------------------------------------------------


@dataclass(slots=True)
class Found:
    """A header found in some rows, and the data rows under it."""

    header_row: int
    columns: tuple[str, ...]
    rows: list[InputRow]
    header_width: int
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class HeaderFinder:
    """Finds the header in a sheet's rows and keeps what the error needs when it cannot."""

    is_header: HeaderTest
    header_row: int | None = None
    score: HeaderScore | None = None
    # (score, text cells, -row, cells, where): the likeliest header row seen so far
    best: tuple[int, int, int, list[str], str] | None = None
    best_where: str = ""

    def find(
        self, path: Path, rows: Iterator[tuple[str, ...]], *, strict: bool = False
    ) -> tuple[int, tuple[str, ...]] | None:
        """(row number, cells) of the header among the first rows, or None."""
        for number, cells in enumerate(rows, start=1):
            if len(cells) > MAX_COLUMNS:
                cells = _trim(cells)
                if len(cells) > MAX_COLUMNS:
                    raise _too_wide(path, number, len(cells))
            stripped = [c.strip() for c in cells]
            if self.header_row is not None:
                # A header row given is the header, whatever it holds (map_columns then
                # says which column is missing); only the delimiter choice asks more of it.
                if number == self.header_row:
                    if not strict or self.is_header(stripped):
                        return number, cells
                    return None
                self._consider(number, stripped)
                continue
            if self.is_header(stripped):
                return number, cells
            self._consider(number, stripped)
            if number >= HEADER_SCAN_ROWS:
                return None
        return None

    def finds_header(self, path: Path, rows: Iterator[tuple[str, ...]]) -> bool:
        """True if the header is among ``rows`` (keeps nothing for the error)."""
        saved = self.best
        try:
            return self.find(path, rows, strict=True) is not None
        finally:
            self.best = saved

    def _consider(self, number: int, cells: list[str]) -> None:
        shown = [c for c in cells if c]
        if not shown:
            return
        hits = self.score(cells) if self.score is not None else 0
        texts = sum(1 for c in shown if not _is_number(c))
        key = (hits, texts, -number, shown, self.best_where)
        if self.best is None or key[:3] > self.best[:3]:
            self.best = key

    def quote(self) -> Words:
        """The row that looks most like a header, for the error message."""
        if self.best is None:
            return Words("sheet.every_row_empty")
        _, _, row, cells, where = self.best
        more = len(cells) - SHOWN_CELLS
        return Words(
            "sheet.best_row",
            row=-row,
            where=Words("sheet.best_row_of_sheet", sheet=where) if where else "",
            cells=cells[:SHOWN_CELLS],
            more=Words("sheet.more_cells", count=more) if more > 0 else "",
        )


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace("+", "", 1).replace(" ", "").isdigit()


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _too_wide(path: Path, number: int, width: int) -> InputFileError:
    return InputFileError.of(
        "sheet.too_wide", file=path, row=number, width=width, limit=MAX_COLUMNS
    )


def split_rows(
    path: Path,
    rows: Iterator[tuple[str, ...]],
    finder: HeaderFinder,
    problems: dict[int, list[CellProblem]],
    *,
    text_file: bool,
) -> Found | None:
    """Find the header, then collect numbered data rows (trailing blank rows dropped).

    Rows wider than the header keep their cells and get ``RowDoesNotFitHeader``; the
    columns are extended with generated names so that every cell is written back.
    """
    found = finder.find(path, rows)
    if found is None:
        return None
    header_number, header = found
    columns = column_names(header)
    width = len(columns)
    widest = width
    empty = ("",) * width
    data: list[InputRow] = []
    pending_from = 0  # first of the blank rows not yet kept (0: none)
    pending = 0
    too_wide = 0
    for number, cells in enumerate(rows, start=header_number + 1):
        row_problems = problems.get(number)
        size = len(cells)
        if size != width:
            if size > width:
                if any(c.strip() for c in cells[width:]):
                    cells = _trim(cells)
                    if len(cells) > MAX_COLUMNS:
                        raise _too_wide(path, number, len(cells))
                    widest = max(widest, len(cells))
                    too_wide += 1
                    misfit = _does_not_fit(cells, width, columns, text_file)
                    row_problems = [*(row_problems or ()), misfit]
                else:
                    cells = cells[:width]
            else:
                cells = cells + empty[size:]
        if row_problems is None and not "".join(cells).strip():
            if not pending:
                pending_from = number
            pending += 1
            continue
        if len(data) + pending >= MAX_DATA_ROWS:
            raise InputFileError.of(
                "sheet.too_many_rows",
                file=path,
                row=number,
                index=len(data) + pending + 1,
                limit=MAX_DATA_ROWS,
            )
        if pending:
            data.extend(InputRow(n, empty) for n in range(pending_from, pending_from + pending))
            pending = 0
        data.append(InputRow(number, cells, tuple(row_problems) if row_problems else ()))
    notes: list[str] = []
    if widest > width:
        columns = column_names(header, widest)
        data = [
            row
            if len(row.cells) == widest
            else InputRow(row.number, row.cells + ("",) * (widest - len(row.cells)), row.problems)
            for row in data
        ]
        notes.append(
            said("sheet.note_too_wide", count=too_wide, width=width, columns=columns[width:])
        )
    return Found(header_number, columns, data, width, notes)


def _does_not_fit(
    cells: tuple[str, ...], width: int, columns: tuple[str, ...], text_file: bool
) -> CellProblem:
    extra = [f"{column_letter(i)} {c!r}" for i, c in enumerate(cells) if i >= width and c.strip()]
    fix = Words("sheet.fit_text" if text_file else "sheet.fit_book")
    return CellProblem(
        "RowDoesNotFitHeader",
        said("sheet.does_not_fit", cells=len(cells), width=width, beyond=extra[:3], advice=fix),
    )


def column_names(header: Sequence[str], width: int | None = None) -> tuple[str, ...]:
    """Header cells as unique column names; empty ones (and ones past the header, up to
    ``width``) are named by their position, ``Column 5``, so no cell loses its column."""
    cells = list(_trim(tuple(header)))
    if width is not None:
        cells.extend([""] * (width - len(cells)))
    names: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {index}"
        base, n = name, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
        taken.add(name)
    return tuple(names)


# Workbooks -----------------------------------------------------------------------------


def _read_book(path: Path, finder: HeaderFinder, sheet: str | None) -> Sheet:
    if path.stat().st_size == 0:
        raise InputFileError.of("sheet.empty_workbook", file=path)
    book: Book = open_book(path)
    try:
        return _choose_sheet(path, book, finder, sheet)
    finally:
        book.close()


def _choose_sheet(path: Path, book: Book, finder: HeaderFinder, sheet: str | None) -> Sheet:
    names = [s.name for s in book.sheets]
    if sheet is not None:
        if sheet not in names:
            raise InputFileError.of("sheet.no_sheet_named", file=path, sheet=sheet, sheets=names)
        candidates = [sheet]
    else:
        visible = [s for s in book.sheets if s.visible]
        active = [s for s in visible if s.active]
        candidates = [s.name for s in (*active, *(s for s in visible if not s.active))]
    tried: list[str] = []
    for name in candidates:
        finder.best_where = name if len(candidates) > 1 else ""
        found = split_rows(path, book.rows(name), finder, book.problems, text_file=False)
        if found is not None:
            notes = list(book.notes)
            hidden = [s.name for s in book.sheets if not s.visible]
            if sheet is None:
                first = tried == [] and any(s.active and s.name == name for s in book.sheets)
                key = "sheet.note_read_active" if first else "sheet.note_read_first"
                notes.append(said(key, sheet=name))
                if tried:
                    notes.append(said("sheet.note_no_header_in", sheets=tried))
                if hidden:
                    notes.append(said("sheet.note_hidden", sheets=hidden))
            else:
                notes.append(said("sheet.note_read_named", sheet=name))
            return _sheet(path, name, found, notes, book.format, None, None)
        tried.append(name)
    hint: Words | str = ""
    if sheet is None:
        hidden_fit = [
            s.name
            for s in book.sheets
            if not s.visible
            and finder.finds_header(path, _first(book.rows(s.name), HEADER_SCAN_ROWS))
        ]
        if hidden_fit:
            hint = Words("sheet.hidden_fit", sheets=hidden_fit, first=hidden_fit[0])
        elif not candidates:
            hint = Words("sheet.all_hidden")
    raise _no_header(path, finder, tried_sheets=tried, hint=hint)


def _first(rows: Iterator[tuple[str, ...]], count: int) -> Iterator[tuple[str, ...]]:
    for number, row in enumerate(rows, start=1):
        yield row
        if number >= count:
            return


def _sheet(
    path: Path,
    name: str | None,
    found: Found,
    notes: Iterable[str],
    source_format: str,
    encoding: str | None,
    delimiter: str | None,
) -> Sheet:
    return Sheet(
        path,
        name,
        found.header_row,
        found.columns,
        found.rows,
        encoding=encoding,
        notes=(*notes, *found.notes),
        source_format=source_format,
        delimiter=delimiter,
        header_width=found.header_width,
    )


# CSV / TSV -----------------------------------------------------------------------------


def _read_text(path: Path, finder: HeaderFinder, encoding: str | None) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError.of("sheet.unreadable", file=path, reason=exc.strerror) from None
    if not raw.strip():
        raise InputFileError.of("sheet.empty_text", file=path)
    if raw.startswith(ZIP_MAGIC):
        raise InputFileError.of("sheet.xlsx_as_text", file=path)
    if raw.startswith(OLE_MAGIC):
        raise InputFileError.of("sheet.xls_as_text", file=path)
    decoded = decode_text(path, raw, encoding)
    text = decoded.text
    if "\x00" in text:
        raise InputFileError.of("sheet.binary_text", file=path)
    decoded.text = text.lstrip("\ufeff")
    delimiter = choose_delimiter(
        decoded.text, path.suffix.lower(), lambda rows: finder.finds_header(path, rows)
    )
    records = TextRecords(path, decoded, delimiter)
    found = split_rows(path, iter(records), finder, records.problems, text_file=True)
    if found is None:
        shown = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        raise _no_header(path, finder, tried_sheets=None, hint="", delimiter=shown)
    return _sheet(path, None, found, decoded.notes, "csv", decoded.encoding, delimiter)


def _no_header(
    path: Path,
    finder: HeaderFinder,
    *,
    tried_sheets: list[str] | None,
    hint: Words | str,
    delimiter: str = "",
) -> InputFileError:
    params: dict[str, object] = {
        "file": path,
        "where": Words("sheet.in_sheets", sheets=tried_sheets) if tried_sheets else "",
        "delimiter": Words("sheet.read_as", delimiter=delimiter) if delimiter else "",
        "best": finder.quote(),
        "hint": hint,
    }
    if finder.header_row is not None:
        return InputFileError.of("sheet.not_a_header", row=finder.header_row, **params)
    # The likeliest header lacks one of the two columns only: ask for that one alone
    lacks = getattr(finder.is_header, "missing", None)
    missing = tuple(lacks(finder.best[3])) if lacks and finder.best else ()
    if len(missing) == 1:
        return InputFileError.of(f"sheet.no_header_{missing[0]}", rows=HEADER_SCAN_ROWS, **params)
    return InputFileError.of("sheet.no_header", rows=HEADER_SCAN_ROWS, **params)
