"""Workbooks: .xlsx/.xlsm through openpyxl, .xls/.ods/.xlsb through calamine.

Two readers, one shape: a workbook lists its sheets (name, visible, active) and yields a
sheet's rows as text from row 1 and column A, so the sheet's own row numbers and column
letters hold whichever reader ran.

- **openpyxl, read-only** for .xlsx/.xlsm: it streams (bounded memory) and it is what the
  results are written with. Values are the ones the file saved (``data_only``); a formula
  cell the file holds no saved value for (files written by scripts, never opened in a
  spreadsheet app) would read as empty, so the sheet's XML is scanned for formulas first
  (only when it has any) and such cells are reported with their formula.
- **calamine** (``python-calamine``, the Rust reader pandas uses as ``engine="calamine"``)
  for .xls, .ods and .xlsb; used directly rather than through ``pandas.read_excel`` because
  pandas drops sheet visibility and coerces columns to one dtype, and qrbatch needs each
  cell's own value.

Before either library opens a file, ``limits`` bounds what it may need: a ZIP package's
sizes and each sheet's used range (calamine builds a sheet as one dense grid, and a
grid it cannot allocate aborts the process), a binary .xls's file size.

A file's first bytes decide its container, not its name: an encrypted (password
protected) Office file is an OLE container holding ``EncryptedPackage`` and is reported
as such; an old binary .xls saved with an .xlsx name is read as .xls.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol
from xml.etree import ElementTree

from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import CellProblem, cell_text
from qrbatch.sheets.limits import Extent, check_binary, check_extent, check_package
from qrbatch.words import said

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
# Which library reads .xlsx cell values: calamine is 6x faster than openpyxl's streaming
# reader on 100,000 rows (bench/read_bench.py); openpyxl stays the fallback.
XLSX_READER = "calamine"
CALAMINE_SUFFIXES = (".xls", ".ods", ".xlsb")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_COORDINATE = re.compile(r"([A-Z]+)(\d+)")


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One sheet of a workbook: its name, whether it is visible, whether it is active."""

    name: str
    visible: bool
    active: bool = False


@dataclass(frozen=True, slots=True)
class Bounds:
    """The used range of each part of a package (``limits.check_package``), to check a
    sheet's before it is read."""

    path: Path
    extents: dict[str, Extent]

    def check(self, sheet: str, part: str | None) -> Extent:
        """The sheet's extent, or InputFileError if it is over the limits.

        A sheet whose part has no cells here gets the largest extent in the package: the
        reader may have found the sheet's XML where this module did not.
        """
        if part is not None and part in self.extents:
            extent = self.extents[part]
        else:
            extent = max(self.extents.values(), key=lambda e: e.cells, default=Extent())
        check_extent(self.path, sheet, extent)
        return extent

    def check_largest(self) -> None:
        """InputFileError if any sheet of the package is over the limits."""
        largest = max(self.extents.values(), key=lambda e: e.cells, default=Extent())
        check_extent(self.path, largest.sheet, largest)


class Book(Protocol):
    """What the sheet reader needs of a workbook, whichever library opened it."""

    format: str
    sheets: list[SheetInfo]
    notes: list[str]
    problems: dict[int, list[CellProblem]]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]: ...

    def close(self) -> None: ...


def password_protected(path: Path) -> InputFileError:
    return InputFileError.of("sheet.password", file=path)


def _why(exc: Exception) -> str:
    """What the reading library said (for a bug report), in its own words."""
    return f"{type(exc).__name__}: {exc}"


def _head(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise InputFileError.of("sheet.unreadable", file=path, reason=exc.strerror) from None


def _is_encrypted(path: Path) -> bool:
    """An OLE container holding an EncryptedPackage stream (password-protected OOXML)."""
    with open(path, "rb") as handle:
        data = handle.read(8 << 20)
    return ENCRYPTED_PACKAGE in data


def open_book(path: Path) -> Book:
    """Open ``path`` with the reader its content needs, or InputFileError saying why not."""
    head = _head(path, 8)
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        bounds = Bounds(path, check_package(path))
    else:
        check_binary(path)
        bounds = Bounds(path, {})
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            raise password_protected(path)
        old = CalamineBook(path, "xls")
        if suffix != ".xls":
            old.notes.append(said("sheet.note_old_xls", suffix=suffix))
        return old
    if suffix == ".xls" and head.startswith(ZIP_MAGIC):
        book: Book = XlsxBook(path, bounds)
        book.notes.append(said("sheet.note_xlsx_named_xls"))
        return book
    if suffix in CALAMINE_SUFFIXES:
        # calamine builds every sheet of an .ods as it opens it (.xlsb: parts are binary,
        # no extents): the largest sheet is checked before
        bounds.check_largest()
        return CalamineBook(path, suffix[1:])
    if not head.startswith(ZIP_MAGIC):
        raise InputFileError.of("sheet.not_xlsx", file=path)
    if XLSX_READER == "calamine":
        try:
            return XlsxBook(path, bounds)
        except InputFileError:
            pass  # openpyxl reads some files calamine refuses, or says why it cannot
    return OpenpyxlBook(path, bounds)


# openpyxl ------------------------------------------------------------------------------


class OpenpyxlBook:
    """A .xlsx/.xlsm workbook in openpyxl's read-only (streaming) mode."""

    format = "xlsx"

    def __init__(self, path: Path, bounds: Bounds) -> None:
        import openpyxl  # deferred: loading it costs a third of a second
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self._bounds = bounds
        self.notes: list[str] = []
        self.problems: dict[int, list[CellProblem]] = {}
        try:
            self._workbook: Workbook = openpyxl.load_workbook(
                path, read_only=True, data_only=True, keep_links=False
            )
        except (
            zipfile.BadZipFile,
            KeyError,
            OSError,
            ValueError,
            TypeError,
            InvalidFileException,
            ElementTree.ParseError,
        ) as exc:
            raise InputFileError.of(
                "sheet.broken_workbook", file=path, kind="Excel", reason=_why(exc)
            ) from None
        try:
            active = self._workbook.active
        except IndexError:
            active = None
        self.sheets = [
            SheetInfo(ws.title, ws.sheet_state == "visible", ws is active)
            for ws in self._workbook.worksheets
        ]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]:
        worksheet = self._workbook[name]
        self.problems.clear()
        # _worksheet_path is ReadOnlyWorksheet's own, private, so not in the stubs
        part: str = worksheet._worksheet_path  # type: ignore[attr-defined]
        if self._bounds.check(name, part.lstrip("/")).over_declared():
            # openpyxl pads every row to the declared width and yields each row up to
            # the declared end: go by the cells instead.
            worksheet.reset_dimensions()
        number = 0
        try:
            self._scan_formulas(worksheet)
            for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):  # noqa: B007
                yield tuple([cell_text(v) for v in values])
        except (ValueError, KeyError, TypeError, OSError, ElementTree.ParseError) as exc:
            raise InputFileError.of(
                "sheet.broken_sheet_after", file=self.path, sheet=name, row=number, reason=_why(exc)
            ) from None

    def _scan_formulas(self, worksheet: ReadOnlyWorksheet) -> None:
        # _get_source (the sheet's XML) is ReadOnlyWorksheet's own, private, so not in the stubs
        source: Callable[[], IO[bytes]] = worksheet._get_source  # type: ignore[attr-defined]
        scan_formulas(source, worksheet.title, self.problems, self.notes)

    def close(self) -> None:
        self._workbook.close()


def scan_formulas(
    source: Callable[[], IO[bytes]],
    title: str,
    problems: dict[int, list[CellProblem]],
    notes: list[str],
) -> None:
    """Report formula cells that hold no saved value (files never opened in an app).

    ``source`` opens the sheet's XML; it is read once more only when it has formulas.
    """
    if not _has_formulas(source()):
        return
    found = 0
    for row, column, formula, error in _formulas_without_values(source()):
        if error is not None:
            problems.setdefault(row, []).append(
                CellProblem(
                    "FormulaError",
                    said("sheet.formula_error", error=error, formula=formula),
                    column,
                )
            )
            continue
        found += 1
        problems.setdefault(row, []).append(
            CellProblem(
                "FormulaNotCalculated", said("sheet.formula_no_value", formula=formula), column
            )
        )
    if found:
        notes.append(said("sheet.note_formulas", count=found, sheet=title))


def _has_formulas(source: IO[bytes]) -> bool:
    with source:
        tail = b""
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas_without_values(
    source: IO[bytes],
) -> Iterator[tuple[int, int, str, str | None]]:
    """(row, 0-based column, formula, error) of each formula cell with no saved value
    (error None) or whose saved value is an error such as ``#N/A``."""
    from openpyxl.utils.cell import column_index_from_string

    with source:
        for _, element in ElementTree.iterparse(source, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                formula = value = None
                for child in element:
                    child_tag = child.tag.rsplit("}", 1)[-1]
                    if child_tag == "f":
                        formula = child
                    elif child_tag in ("v", "is"):
                        value = child
                kind = element.get("t")
                # Excel saves "" results as t="str" with an empty <v>; an empty <v> of any
                # other type, or none, means the value was never computed.
                empty = value is None or (not value.text and kind != "str")
                error = value.text if value is not None and kind == "e" else None
                if formula is not None and (empty or error):
                    match = _COORDINATE.fullmatch(element.get("r", ""))
                    if match:
                        yield (
                            int(match.group(2)),
                            column_index_from_string(match.group(1)) - 1,
                            formula.text or "(shared formula)",
                            error,
                        )
                element.clear()
            elif tag == "row":
                element.clear()


# calamine ------------------------------------------------------------------------------


class CalamineBook:
    """A .xls/.ods/.xlsb workbook read by calamine (python-calamine)."""

    def __init__(self, path: Path, format: str) -> None:
        import python_calamine

        self.path = path
        self.format = format
        self.notes: list[str] = []
        self.problems: dict[int, list[CellProblem]] = {}
        try:
            if path.suffix.lower() in (f".{format}", ".xlsm" if format == "xlsx" else ""):
                self._workbook = python_calamine.CalamineWorkbook.from_path(str(path))
            else:  # named for another format: let calamine go by the content
                with open(path, "rb") as handle:
                    content = io.BytesIO(handle.read())
                self._workbook = python_calamine.CalamineWorkbook.from_filelike(content)
            metadata = self._workbook.sheets_metadata
        except python_calamine.PasswordError:
            raise password_protected(path) from None
        except (python_calamine.CalamineError, OSError, ValueError) as exc:
            if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
                raise password_protected(path) from None
            raise InputFileError.of(
                "sheet.broken_workbook", file=path, kind=f".{format}", reason=_why(exc)
            ) from None
        visible = python_calamine.SheetVisibleEnum.Visible
        worksheet = python_calamine.SheetTypeEnum.WorkSheet
        self.sheets = [
            SheetInfo(m.name, m.visible == visible) for m in metadata if m.typ == worksheet
        ]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]:
        self.problems.clear()
        return self.cells(name)

    def cells(self, name: str) -> Iterator[tuple[str, ...]]:
        """The sheet's rows as text from row 1 and column A (``problems`` untouched)."""
        import python_calamine

        try:
            sheet = self._workbook.get_sheet_by_name(name)
            start = sheet.start
            # calamine starts each row at the first used column: put columns back at A.
            prefix = ("",) * (start[1] if start else 0)
            for values in sheet.iter_rows():
                yield prefix + tuple([cell_text(v) for v in values])
        except python_calamine.CalamineError as exc:
            raise InputFileError.of(
                "sheet.broken_sheet", file=self.path, sheet=name, reason=_why(exc)
            ) from None

    def close(self) -> None:
        self._workbook.close()


# .xlsx through calamine ------------------------------------------------------------------

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xlsx_layout(archive: zipfile.ZipFile) -> tuple[str | None, dict[str, str]]:
    """(active sheet name, sheet name -> worksheet XML part) from the workbook's XML."""
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    book_part = next(
        (r.get("Target", "") for r in rels if r.get("Type", "").endswith("/officeDocument")),
        "xl/workbook.xml",
    ).lstrip("/")
    folder = book_part.rsplit("/", 1)[0] if "/" in book_part else ""
    rels_part = f"{folder}/_rels/{book_part.rsplit('/', 1)[-1]}.rels".lstrip("/")
    targets = {
        r.get("Id", ""): r.get("Target", "")
        for r in ElementTree.fromstring(archive.read(rels_part))
    }
    workbook = ElementTree.fromstring(archive.read(book_part))
    active_tab = 0
    names: list[str] = []
    parts: dict[str, str] = {}
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "workbookView":
            active_tab = int(element.get("activeTab", "0") or 0)
        elif tag == "sheet":
            name = element.get("name", "")
            names.append(name)
            target = targets.get(element.get(f"{_REL_NS}id", ""), "")
            if target:
                parts[name] = (
                    target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
                ).lstrip("/")
    active = names[active_tab] if 0 <= active_tab < len(names) else None
    return active, parts


class XlsxBook:
    """A .xlsx/.xlsm workbook: values through calamine, the rest from the package's XML
    (which sheet is active, where each sheet's XML is, for the formula scan)."""

    format = "xlsx"

    def __init__(self, path: Path, bounds: Bounds) -> None:
        self.path = path
        self._bounds = bounds
        self._values = CalamineBook(path, "xlsx")
        self.notes = self._values.notes
        self.problems = self._values.problems
        try:
            with zipfile.ZipFile(path) as archive:
                active, self._parts = xlsx_layout(archive)
        except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as exc:
            self._values.close()
            raise InputFileError.of(
                "sheet.broken_workbook", file=path, kind="Excel", reason=exc
            ) from None
        self.sheets = [SheetInfo(s.name, s.visible, s.name == active) for s in self._values.sheets]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]:
        self.problems.clear()
        part = self._parts.get(name)
        self._bounds.check(name, part)
        if part is not None:
            with zipfile.ZipFile(self.path) as archive, suppress(KeyError, ElementTree.ParseError):
                # An odd package only loses the formula scan; its values are still read.
                scan_formulas(lambda: archive.open(part), name, self.problems, self.notes)
        return self._values.cells(name)

    def close(self) -> None:
        self._values.close()
