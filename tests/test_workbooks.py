"""Every workbook format reads like its .xlsx twin: same header row, same cells as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qrbatch.errors import InputFileError
from qrbatch.rows.checks import header_matcher
from qrbatch.sheets.read import EXCEL_SUFFIXES, Sheet, read_sheet
from tests.fixtures.twin import TWIN_ROWS
from tests.support.sheets import write_xlsx

FIXTURES = Path(__file__).parent / "fixtures"
IS_HEADER = header_matcher()


def _read(path: Path) -> Sheet:
    return read_sheet(path, is_header=IS_HEADER)


def _seen(sheet: Sheet) -> tuple[int, tuple[str, ...], list[tuple[int, tuple[str, ...]]]]:
    return sheet.header_row, sheet.columns, [(r.number, r.cells) for r in sheet.rows]


def _write_twin_xlsx(path: Path) -> Path:
    """TWIN_ROWS as a person types them: ``=1+1`` is text (as in the other twins)."""
    write_xlsx(path, [])
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    for r, row in enumerate(TWIN_ROWS, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    workbook.save(path)
    return path


@pytest.fixture
def xlsx_twin(tmp_path: Path) -> Sheet:
    return _read(_write_twin_xlsx(tmp_path / "twin.xlsx"))


def test_the_xlsx_twin_reads_as_a_person_sees_it(xlsx_twin: Sheet) -> None:
    assert _seen(xlsx_twin) == (
        3,
        ("Phone Number", "Message", "Sent on", "Price"),
        [
            (4, ("6281234567890", "Halo, café ☕ ünïcode", "2026-03-01", "12.5")),
            (5, ("+62 812-3456-7891", "=1+1", "", "100")),
            (6, ("", "", "", "")),
            (7, ("6591234567", "Line one\nline two", "", "0.1")),
        ],
    )
    assert xlsx_twin.source_format == "xlsx"


@pytest.mark.parametrize("name", ["twin.xls", "twin.xlsb"])
def test_xls_and_xlsb_read_like_their_xlsx_twin(name: str, xlsx_twin: Sheet) -> None:
    sheet = _read(FIXTURES / name)
    assert _seen(sheet) == _seen(xlsx_twin)
    assert sheet.source_format == name.rsplit(".", 1)[1]


def test_ods_reads_like_its_xlsx_twin(tmp_path: Path, xlsx_twin: Sheet) -> None:
    path = tmp_path / "twin.ods"
    width = max(len(row) for row in TWIN_ROWS)
    rows = [[*row, *[None] * (width - len(row))] for row in TWIN_ROWS]
    pd.DataFrame(rows).to_excel(path, engine="odf", header=False, index=False)
    assert _seen(_read(path)) == _seen(xlsx_twin)


def test_every_format_is_a_workbook_suffix_drop_folders_take() -> None:
    assert set(EXCEL_SUFFIXES) == {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".xlsb"])
def test_a_corrupt_workbook_of_any_format_is_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(b"this is not a workbook at all")
    with pytest.raises(InputFileError, match=rf"bad\{suffix}: not a readable"):
        _read(path)


def test_an_empty_workbook_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty.xlsx: the file is empty"):
        _read(path)


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each .xlsx reader: calamine (the default) and openpyxl (fallback)."""
    from qrbatch.sheets import workbooks

    monkeypatch.setattr(workbooks, "XLSX_READER", request.param)
    return str(request.param)


def test_both_xlsx_readers_read_the_twin_alike(tmp_path: Path, xlsx_reader: str) -> None:
    sheet = _read(_write_twin_xlsx(tmp_path / "twin.xlsx"))
    assert _seen(sheet) == _seen(_read(FIXTURES / "twin.xls"))


def test_both_xlsx_readers_report_formulas_and_their_errors(
    tmp_path: Path, xlsx_reader: str
) -> None:
    import zipfile

    path = write_xlsx(
        tmp_path / "f.xlsx", [["Phone", "Message"], ["=VLOOKUP(1,Z:Z,1)", "hi"], ["=A9", "x"]]
    )
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = xml.replace(
        '<c r="A2"><f>VLOOKUP(1,Z:Z,1)</f><v /></c>',
        '<c r="A2" t="e"><f>VLOOKUP(1,Z:Z,1)</f><v>#N/A</v></c>',
    ).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    sheet = _read(path)
    assert [[(p.code, p.column) for p in r.problems] for r in sheet.rows] == [
        [("FormulaError", 0)],
        [("FormulaNotCalculated", 0)],
    ]
    assert "shows #N/A (its formula =VLOOKUP(1,Z:Z,1) failed)" in sheet.rows[0].problems[0].message


def test_both_xlsx_readers_skip_a_hidden_first_sheet(tmp_path: Path, xlsx_reader: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    old = workbook.active
    assert old is not None
    old.title = "Old 2024"
    old.append(["Phone", "Message"])
    old.sheet_state = "hidden"
    new = workbook.create_sheet("New")
    new.append(["Phone", "Message"])
    new.append(["6281234567890", "new"])
    workbook.active = 1
    workbook.save(tmp_path / "h.xlsx")
    assert _read(tmp_path / "h.xlsx").sheet_name == "New"


def test_a_hidden_first_sheet_of_an_ods_is_skipped(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="hiddenTable", family="table")
    hidden.addElement(TableProperties(display=False))
    doc.automaticstyles.addElement(hidden)
    for name, phone, style in (("Old 2024", "6591234567", hidden), ("New", "6281234567890", None)):
        table = Table(name=name, stylename=style) if style else Table(name=name)
        for row in (["Phone", "Message"], [phone, name]):
            line = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                line.addElement(cell)
            table.addElement(line)
        doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "h.ods"))
    sheet = _read(tmp_path / "h.ods")
    assert (sheet.sheet_name, sheet.rows[0].cells) == ("New", ("6281234567890", "New"))


def test_an_xlsx_named_xls_is_read_by_its_content(tmp_path: Path) -> None:
    path = _write_twin_xlsx(tmp_path / "twin.xlsx").rename(tmp_path / "twin.xls")
    sheet = _read(path)
    assert _seen(sheet) == _seen(_read(FIXTURES / "twin.xls"))
    assert "the file is an .xlsx workbook named .xls" in sheet.notes
