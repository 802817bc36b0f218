"""Bounds on a workbook, checked before a reader allocates anything for it.

calamine holds a sheet as one dense grid from its first used cell to its last, 32 bytes a
cell: a 5 KB .xlsx with a value in A1 and one in XFD1048576 asks for 17 billion cells
(512 GiB), and the allocation failure aborts the process (SIGABRT from Rust, no Python
exception): ``qrbatch serve`` with its running run, or a night's drop folder, dies with
it. A zip bomb (a sheet's XML compressed a thousandfold) costs minutes and gigabytes
before any cell is seen. So a workbook package (a ZIP: .xlsx, .xlsm, .xlsb, .ods) is
checked before calamine or openpyxl opens it:

- its directory (no extraction): each part's and the whole package's uncompressed size,
  and the compression ratio of large parts;
- each XML part streamed once, decompressing at most ``max_part_bytes`` whatever its
  header says (a header can lie), and its cell references read with a regular
  expression, so the *used* range (cells that hold something, the ones calamine
  allocates for) is known before any reader builds it. The ``<dimension>`` a sheet
  declares is kept only for the message: a sheet that declares A1:XFD1048576 but holds
  ten rows is read (the openpyxl fallback is told to ignore the declaration).

An .ods keeps every sheet in ``content.xml``, where one cell can stand for many
(``table:number-columns-repeated``, ``table:number-rows-repeated``): calamine builds what
they stand for (up to its own 100 million cells, 3.2 GB), so the repeats are counted
too, and the largest sheet in the file is the one checked, whichever is read. An .xlsb's
parts are binary: only their sizes are checked. A binary .xls is bounded by its file size
only: its cell records are not parsed here.
"""

from __future__ import annotations

import copy
import functools
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import MAX_COLUMNS, MAX_SHEET_ROWS, column_letter
from qrbatch.words import Words

# 256 MiB of XML is a full sheet (1,048,576 rows of phone, message and a name, ~200 bytes
# a row) with room to spare; a real campaign sheet is a few MB. Twice that for the whole
# package leaves room for the shared strings of such a sheet.
MAX_PART_BYTES = 256 << 20
MAX_PACKAGE_BYTES = 512 << 20
# A sheet of phone numbers and messages compresses 5-20:1; 100:1 is repetition nobody
# types. Small parts (styles, an empty sheet) compress better, so only large ones count.
MAX_RATIO = 100
RATIO_FROM_BYTES = 10 << 20
# As many cells as a full old .xls sheet (65,536 x 256), or every row of a new one by 16
# columns: 512 MiB in calamine's grid. The range counts from A1 because the reader puts
# rows back at column A.
MAX_CELLS = 1 << 24
# An .xls holds at most 16.7 million cells of a few bytes; a larger file is not a sheet.
MAX_BINARY_BYTES = 256 << 20
# No tag in a sheet's XML is longer; a longer one would grow the scan's carry-over.
MAX_TAG_BYTES = 1 << 20
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """What a workbook may need; the defaults are the module's constants."""

    max_part_bytes: int = MAX_PART_BYTES
    max_package_bytes: int = MAX_PACKAGE_BYTES
    max_ratio: int = MAX_RATIO
    ratio_from_bytes: int = RATIO_FROM_BYTES
    max_cells: int = MAX_CELLS
    max_binary_bytes: int = MAX_BINARY_BYTES


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Extent:
    """A sheet part's used range from A1 (last row, last column, 1-based; 0: no cell), the
    ``<dimension ref>`` it declares (empty when none), and the sheet's name if known."""

    rows: int = 0
    columns: int = 0
    declared: str = ""
    sheet: str = ""  # in an .ods, which sheet (an .xlsx part is one sheet)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def last(self) -> str:
        return f"{column_letter(self.columns - 1)}{self.rows}" if self.cells else "A1"

    def over_declared(self) -> bool:
        """The declared dimension reaches beyond the cells the sheet holds."""
        match = _CELL_REF.fullmatch(self.declared.rsplit(":", 1)[-1].upper())
        if match is None:
            return bool(self.declared)
        return (_column_number(match.group(1)), int(match.group(2))) > (self.columns, self.rows)


def check_binary(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a binary workbook (.xls) larger than ``limits.max_binary_bytes``."""
    size = path.stat().st_size
    if size > limits.max_binary_bytes:
        raise InputFileError.of(
            "sheet.workbook_too_big", file=path, size=size, limit=limits.max_binary_bytes
        )


def check_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Extent]:
    """Check the ZIP package at ``path``; the used range of each XML part that has cells.

    Raises InputFileError naming the limit when a part or the package is too large, too
    compressed, or a part's cells reach beyond ``limits.max_cells``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_directory(path, infos, limits)
            extents: dict[str, Extent] = {}
            budget = limits.max_package_bytes
            for info in infos:
                extent, size = _scan_part(path, archive, info, limits, budget)
                budget -= size
                if extent.cells:
                    extents[info.filename] = extent
            return extents
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError, EOFError) as exc:
        # RuntimeError: an encrypted member; EOFError/BadZipFile: a truncated or damaged one
        kind = "OpenDocument" if path.suffix.lower() == ".ods" else "Excel"
        raise InputFileError.of(
            "sheet.broken_workbook", file=path, kind=kind, reason=f"{type(exc).__name__}: {exc}"
        ) from None


def check_extent(path: Path, sheet: str, extent: Extent, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a sheet whose used range is beyond a sheet or ``limits.max_cells``."""
    if (
        extent.rows <= MAX_SHEET_ROWS
        and extent.columns <= MAX_COLUMNS
        and extent.cells <= limits.max_cells
    ):
        return
    raise InputFileError.of(
        "sheet.cells_beyond",
        file=path,
        sheet=sheet,
        last=extent.last,
        declared=Words("sheet.declares", extent=extent.declared) if extent.declared else "",
        rows=extent.rows,
        columns=extent.columns,
        cells=extent.cells,
        limit=limits.max_cells,
        max_rows=MAX_SHEET_ROWS,
        max_columns=MAX_COLUMNS,
    )


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_part_bytes:
            _too_large(path, info.filename, info.file_size, limits)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_from_bytes and ratio > limits.max_ratio:
            raise InputFileError.of(
                "sheet.part_ratio",
                file=path,
                part=info.filename,
                ratio=f"{ratio:,.0f}",
                packed=info.compress_size,
                size=info.file_size,
                limit=limits.max_ratio,
            )
    if total > limits.max_package_bytes:
        raise InputFileError.of(
            "sheet.package_too_big", file=path, size=total, limit=limits.max_package_bytes
        )


def _too_large(path: Path, part: str, size: int, limits: Limits, *, over: bool = False) -> NoReturn:
    raise InputFileError.of(
        "sheet.part_over" if over else "sheet.part_too_big",
        file=path,
        part=part,
        size=size,
        limit=limits.max_part_bytes,
    )


# Scanning a part --------------------------------------------------------------------------

# <row ...>, <c ...> and <dimension ...> with any namespace prefix; attribute values are
# matched whole, so a ">" inside one does not end the tag early.
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|dimension)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
# The same tags, attributes quoted and spaced as XML requires, r captured in one pass.
_FAST_TAG = re.compile(
    rb"<(?:[\w.-]+:)?(row|c)"
    rb"(?:\s+(?:r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')|[\w.:-]+\s*=\s*(?:\"[^\"]*\"|'[^']*')))*"
    rb"\s*(/?)>"
)
_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(?:row|c)(?=[\s/>])")
_DIMENSION_TAG = re.compile(
    rb"<(?:[\w.-]+:)?(dimension)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_TAG_START = re.compile(rb"<(?:[\w.-]+:)?(row|c|dimension)(?=[\s/>])")
_ODS_TAG_START = re.compile(
    rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
)
_ATTR = re.compile(rb"(?:^|\s)(r|ref)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(r"\$?([A-Z]+)\$?(\d+)")


@functools.lru_cache(maxsize=4096)
def _letters_number(letters: bytes) -> int | None:
    """The column number of plain letters (``b"XFD"``), None for anything else."""
    if not letters or len(letters) > 3 or not (letters.isalpha() and letters.isupper()):
        return None
    return _column_number(letters.decode())


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _Scanner(Protocol):
    rows: int
    columns: int

    def feed(self, data: bytes) -> None: ...

    def extent(self) -> Extent: ...


@dataclass(slots=True)
class _Scan:
    """Cell positions so far: a cell without ``r`` follows the one before it, as calamine
    and openpyxl place it, and a row without ``r`` follows the row before it."""

    path: Path
    part: str
    row: int = 0
    column: int = 0
    rows: int = 0
    columns: int = 0
    declared: str = ""

    def feed(self, data: bytes) -> None:
        """Take the tags in ``data`` (whole tags: the caller cuts at a "<").

        Most tags are read in one ``findall`` and a short loop; a chunk where that regular
        expression misses a tag the plain one sees (odd spacing, unquoted attributes) is
        read tag by tag.
        """
        if not self.declared and b"dimension" in data:
            self._feed_tags(_DIMENSION_TAG.finditer(data))
        found = _FAST_TAG.findall(data)
        if len(found) != len(_ROW_OR_CELL.findall(data)):
            self._feed_tags(_TAG.finditer(data))
            return
        row, column, rows, columns = self.row, self.column, self.rows, self.columns
        for name, double, single, slash in found:
            ref = double or single
            if name == b"c":
                if ref:
                    letters = ref.rstrip(b"0123456789")
                    number = _letters_number(letters)
                    if number is None or len(letters) == len(ref):
                        column, cell_row = self._cell(ref)
                    else:
                        column, cell_row = number, int(ref[len(letters) :])
                else:
                    column += 1
                    cell_row = row
                if not slash:  # <c .../> holds no value: not read
                    rows = max(rows, cell_row)
                    columns = max(columns, column)
            else:
                row = (int(ref) if ref.isdigit() else self._number(ref)) if ref else row + 1
                column = 0
        self.row, self.column, self.rows, self.columns = row, column, rows, columns

    def _cell(self, ref: bytes) -> tuple[int, int]:
        cell = _CELL_REF.fullmatch(self._text(ref).upper())
        if cell is None:
            self._bad_reference(ref)
        return _column_number(cell.group(1)), int(cell.group(2))

    def _feed_tags(self, matches: Iterator[re.Match[bytes]]) -> None:
        for match in matches:
            name, body = match.group(1), match.group(2)
            attrs = {m.group(1): (m.group(2) or m.group(3) or b"") for m in _ATTR.finditer(body)}
            if name == b"row":
                ref = attrs.get(b"r")
                self.row = self._number(ref) if ref is not None else self.row + 1
                self.column = 0
            elif name == b"c":
                ref = attrs.get(b"r")
                row = self.row
                if ref is None:
                    self.column += 1
                else:
                    self.column, row = self._cell(ref)
                if not body.rstrip().endswith(b"/"):  # <c .../> holds no value: not read
                    self.rows = max(self.rows, row)
                    self.columns = max(self.columns, self.column)
            elif b"ref" in attrs:
                self.declared = self._text(attrs[b"ref"])

    def extent(self) -> Extent:
        return Extent(self.rows, self.columns, self.declared)

    def _text(self, raw: bytes) -> str:
        return html.unescape(raw.decode("utf-8", "replace")).strip()

    def _number(self, raw: bytes) -> int:
        text = self._text(raw)
        if not text.isdigit():
            self._bad_reference(raw)
        return int(text)

    def _bad_reference(self, raw: bytes) -> NoReturn:
        raise InputFileError.of(
            "sheet.bad_reference", file=self.path, part=self.part, reference=self._text(raw)
        )


# <table:table>, <table:table-row>, <table:table-cell>, <table:covered-table-cell>
_ODS_TAG = re.compile(
    rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_ODS_ATTR = re.compile(
    rb"(?:^|\s)(?:[\w.-]+:)?(number-rows-repeated|number-columns-repeated|value-type|name)"
    rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
)


@dataclass(slots=True)
class _OdsScan:
    """The largest sheet in an .ods ``content.xml``, repeated rows and cells counted as
    the rows and cells they stand for. A cell holds something when it has a value type
    or content (it is not ``<table:table-cell/>``); empty repeats (LibreOffice ends each
    sheet with a million of them) move the position only."""

    path: Path
    part: str
    row: int = 0  # last row of the current <table:table-row> (repeats counted)
    column: int = 0
    sheet_rows: int = 0
    sheet_columns: int = 0
    rows: int = 0
    columns: int = 0
    name: str = ""
    largest: str = ""

    def feed(self, data: bytes) -> None:
        for match in _ODS_TAG.finditer(data):
            name, body = match.group(1), match.group(2)
            attrs = {m.group(1): m.group(2) or m.group(3) or b"" for m in _ODS_ATTR.finditer(body)}
            if name == b"table":
                self.row = self.column = self.sheet_rows = self.sheet_columns = 0
                self.name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
            elif name == b"table-row":
                self.row += self._count(attrs.get(b"number-rows-repeated"))
                self.column = 0
            else:
                self.column += self._count(attrs.get(b"number-columns-repeated"))
                if b"value-type" in attrs or not body.rstrip().endswith(b"/"):
                    self.sheet_rows = max(self.sheet_rows, self.row)
                    self.sheet_columns = max(self.sheet_columns, self.column)
                    if self.sheet_rows * self.sheet_columns > self.rows * self.columns:
                        self.rows, self.columns = self.sheet_rows, self.sheet_columns
                        self.largest = self.name

    def extent(self) -> Extent:
        return Extent(self.rows, self.columns, sheet=self.largest)

    def _count(self, raw: bytes | None) -> int:
        if raw is None:
            return 1
        text = html.unescape(raw.decode("utf-8", "replace")).strip()
        if not text.isdigit() or int(text) < 1:
            raise InputFileError.of("sheet.bad_repeat", file=self.path, part=self.part, count=text)
        return int(text)


def _scanner(path: Path, part: str) -> _Scanner | None:
    """What reads the cells of ``part``: OOXML sheets, an .ods content.xml, or nothing."""
    if part == "content.xml":
        return _OdsScan(path, part)
    if part.lower().endswith(".xml"):
        return _Scan(path, part)
    return None


def _scan_part(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int
) -> tuple[Extent, int]:
    """(used range, true uncompressed size) of one part, reading at most the limits."""
    cap = min(limits.max_part_bytes, budget)
    # zipfile stops at the size the header declares (and checks the CRC there); declare a
    # read past the cap instead, so a part that lies about its size is measured by what it
    # really expands to, and refused before zipfile thinks it has reached the end.
    capped = copy.copy(info)
    capped.file_size = cap + _CHUNK + 1
    scan = _scanner(path, info.filename)
    size = 0
    carry = b""
    with archive.open(capped) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                if cap < limits.max_part_bytes:
                    raise InputFileError.of(
                        "sheet.package_over", file=path, limit=limits.max_package_bytes
                    )
                _too_large(path, info.filename, cap, limits, over=True)
            if scan is None:
                continue
            data = carry + chunk
            # A tag cut by the chunk's end is read with the next chunk: XML allows no "<"
            # inside a tag, so whatever follows the last "<" waits for the next one.
            cut = data.rfind(b"<")
            if cut < 0:
                cut = len(data)
            scan.feed(data[:cut])
            carry = data[cut:]
            if len(carry) > MAX_TAG_BYTES:
                if _TAG_START.match(carry) or _ODS_TAG_START.match(carry):
                    raise InputFileError.of(
                        "sheet.long_tag", file=path, part=info.filename, limit=MAX_TAG_BYTES
                    )
                carry = b""  # a long text, not a tag the scan reads
            if scan.rows > MAX_SHEET_ROWS or scan.columns > MAX_COLUMNS:
                break  # already beyond any sheet: refuse without reading the rest
        else:
            if scan is not None:
                scan.feed(carry)
    return (scan.extent() if scan is not None else Extent()), size
