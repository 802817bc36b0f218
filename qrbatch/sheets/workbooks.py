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

A file's first bytes decide its container, not its name: an encrypted (password
protected) Office file is an OLE container holding ``EncryptedPackage`` and is reported
as such; an old binary .xls saved with an .xlsx name is read as .xls.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from xml.etree import ElementTree

from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import CellProblem, cell_text

OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
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


class Book(Protocol):
    """What the sheet reader needs of a workbook, whichever library opened it."""

    format: str
    sheets: list[SheetInfo]
    notes: list[str]
    problems: dict[int, list[CellProblem]]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]: ...

    def close(self) -> None: ...


def password_protected(path: Path) -> InputFileError:
    return InputFileError(
        f"{path}: the workbook is password protected (encrypted), so it cannot be read. "
        "Open it, remove the password (Excel: File > Info > Protect Workbook > Encrypt with "
        "Password, clear it) and save it, or export the sheet as CSV UTF-8."
    )


def _head(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}).") from None


def _is_encrypted(path: Path) -> bool:
    """An OLE container holding an EncryptedPackage stream (password-protected OOXML)."""
    with open(path, "rb") as handle:
        data = handle.read(8 << 20)
    return ENCRYPTED_PACKAGE in data


def open_book(path: Path) -> Book:
    """Open ``path`` with the reader its content needs, or InputFileError saying why not."""
    head = _head(path, 8)
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            raise password_protected(path)
        book = CalamineBook(path, "xls")
        if suffix != ".xls":
            book.notes.append(f"the file is an old binary .xls workbook named {suffix}")
        return book
    if suffix in CALAMINE_SUFFIXES:
        return CalamineBook(path, suffix[1:])
    if not head.startswith(ZIP_MAGIC):
        raise InputFileError(
            f"{path}: not a readable Excel workbook (it is not a zip file, as .xlsx files "
            "are). Open it in Excel and save it again as .xlsx, or export it as CSV."
        )
    return OpenpyxlBook(path)


# openpyxl ------------------------------------------------------------------------------


class OpenpyxlBook:
    """A .xlsx/.xlsm workbook in openpyxl's read-only (streaming) mode."""

    format = "xlsx"

    def __init__(self, path: Path) -> None:
        import openpyxl  # deferred: loading it costs a third of a second
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self.notes: list[str] = []
        self.problems: dict[int, list[CellProblem]] = {}
        try:
            self._workbook: Any = openpyxl.load_workbook(
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
            raise InputFileError(
                f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc}). "
                "Open it in Excel and save it again as .xlsx, or export it as CSV."
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
        number = 0
        try:
            self._scan_formulas(worksheet)
            for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):  # noqa: B007
                yield tuple([cell_text(v) for v in values])
        except (ValueError, KeyError, TypeError, OSError, ElementTree.ParseError) as exc:
            raise InputFileError(
                f"{self.path}: sheet {name!r} cannot be read after row {number} "
                f"({type(exc).__name__}: {exc}). Open it in Excel and save it again, or "
                "export it as CSV."
            ) from None

    def _scan_formulas(self, worksheet: Any) -> None:
        """Report formula cells that hold no saved value (files never opened in an app)."""
        if not _has_formulas(worksheet._get_source()):
            return
        found = 0
        for row, column, formula in _formulas_without_values(worksheet._get_source()):
            found += 1
            self.problems.setdefault(row, []).append(
                CellProblem(
                    "FormulaNotCalculated",
                    f"the cell holds the formula ={formula} but no saved value (the file was "
                    "written by a program, not saved by a spreadsheet app): open it in Excel or "
                    "LibreOffice and save it, or type the value",
                    column,
                )
            )
        if found:
            self.notes.append(
                f"{found} formula cell(s) in sheet {worksheet.title!r} have no saved value "
                "and read as empty; open and save the file in a spreadsheet app to compute them"
            )

    def close(self) -> None:
        self._workbook.close()


def _has_formulas(source: IO[bytes]) -> bool:
    with source:
        tail = b""
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas_without_values(source: IO[bytes]) -> Iterator[tuple[int, int, str]]:
    """(row, 0-based column, formula) of each formula cell with no saved value."""
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
                # Excel saves "" results as t="str" with an empty <v>; an empty <v> of any
                # other type, or none, means the value was never computed.
                empty = value is None or (not value.text and element.get("t") != "str")
                if formula is not None and empty:
                    match = _COORDINATE.fullmatch(element.get("r", ""))
                    if match:
                        yield (
                            int(match.group(2)),
                            column_index_from_string(match.group(1)) - 1,
                            formula.text or "(shared formula)",
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
            if path.suffix.lower() == f".{format}":
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
            raise InputFileError(
                f"{path}: not a readable .{format} workbook ({type(exc).__name__}: {exc}). "
                "Open it in a spreadsheet app and save it again as .xlsx, or export it as CSV."
            ) from None
        visible = python_calamine.SheetVisibleEnum.Visible
        worksheet = python_calamine.SheetTypeEnum.WorkSheet
        self.sheets = [
            SheetInfo(m.name, m.visible == visible) for m in metadata if m.typ == worksheet
        ]

    def rows(self, name: str) -> Iterator[tuple[str, ...]]:
        import python_calamine

        self.problems.clear()
        try:
            sheet = self._workbook.get_sheet_by_name(name)
            start = sheet.start
            # calamine starts each row at the first used column: put columns back at A.
            prefix = ("",) * (start[1] if start else 0)
            for values in sheet.iter_rows():
                yield prefix + tuple([cell_text(v) for v in values])
        except python_calamine.CalamineError as exc:
            raise InputFileError(
                f"{self.path}: sheet {name!r} cannot be read ({type(exc).__name__}: {exc}). "
                "Open it in a spreadsheet app and save it again as .xlsx, or export it as CSV."
            ) from None

    def close(self) -> None:
        self._workbook.close()
