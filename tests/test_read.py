"""Reading sheets as people make them: numbers as numbers, odd encodings, title rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrbatch.errors import InputFileError
from qrbatch.rows import header_matcher
from qrbatch.sheets.read import cell_text, read_sheet
from tests.conftest import write_csv, write_xlsx

IS_HEADER = header_matcher()
ROWS = [
    ["PhoneNumber", "PrefilledMessage"],
    ["6281234567890", "Halo, café ☕"],
    ["6591234567", "Line one\nline two"],
]


def read(path: Path, **kwargs: object) -> list[tuple[str, ...]]:
    sheet = read_sheet(path, is_header=IS_HEADER, **kwargs)  # type: ignore[arg-type]
    return [row.cells for row in sheet.rows]


def test_numbers_stored_as_numbers_come_back_as_digits(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "n.xlsx",
        [["Phone", "Message"], [6281234567890, "a"], [6281234567890.0, "b"], [12.5, "c"]],
    )
    assert [r[0] for r in read(path)] == ["6281234567890", "6281234567890", "12.5"]


def test_cell_text_never_uses_scientific_notation() -> None:
    assert cell_text(1e20) == "100000000000000000000"
    assert cell_text(6.281234567890e12) == "6281234567890"
    assert cell_text(None) == ""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    rows = [["Phone", "Message"], ["6281234567890", "Caf\u00e9 cr\u00e8me \u20ac5"]]
    path = write_csv(tmp_path / "e.csv", rows, encoding=encoding)
    assert read(path) == [("6281234567890", "Caf\u00e9 cr\u00e8me \u20ac5")]


@pytest.mark.parametrize(
    ("delimiter", "suffix"), [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("\t", ".txt")]
)
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str, suffix: str) -> None:
    path = write_csv(tmp_path / f"d{suffix}", ROWS, delimiter=delimiter, newline="\r\n")
    assert read(path) == [("6281234567890", "Halo, café ☕"), ("6591234567", "Line one\nline two")]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_sheet_numbers(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["Campaign Q4"],
            [],
            ["Phone Number", "Message"],
            ["6281234567890", "a"],
            [None, None],
            ["6591234567", "b"],
            [None, None],
        ],
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.header_row == 3
    assert [(r.number, r.is_blank) for r in sheet.rows] == [(4, False), (5, True), (6, False)]


def test_the_header_row_can_be_given(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["x", "y"], ["Tel", "Text"], ["6281234567890", "a"]])
    sheet = read_sheet(path, is_header=header_matcher("Tel", "Text"), header_row=2)
    assert sheet.columns == ("Tel", "Text")


def test_the_first_sheet_with_the_columns_is_chosen_or_the_named_one(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["read me"])
    data = workbook.create_sheet("Data")
    data.append(["Phone", "Message"])
    data.append(["6281234567890", "hi"])
    workbook.save(tmp_path / "s.xlsx")
    assert read_sheet(tmp_path / "s.xlsx", is_header=IS_HEADER).sheet_name == "Data"
    with pytest.raises(InputFileError, match=r"no sheet named 'Other'. Sheets: 'Notes', 'Data'"):
        read_sheet(tmp_path / "s.xlsx", is_header=IS_HEADER, sheet="Other")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "empty"),
        ("bad.xlsx", b"this is not a zip", "not a readable Excel workbook"),
        ("notes.pdf", b"%PDF-1.4", "not a spreadsheet"),
        ("cols.csv", b"Name,Notes\nA,B\n", r"no header row.*'Name', 'Notes'"),
    ],
)
def test_file_level_problems_name_the_file_and_what_to_do(
    tmp_path: Path, name: str, content: bytes | None, words: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=words) as caught:
        read_sheet(path, is_header=IS_HEADER)
    assert name in str(caught.value)


def test_macro_enabled_workbooks_are_read_like_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "macro.xlsm", [["Phone", "Message"], [6281234567890, "hi"]])
    assert read(path) == [("6281234567890", "hi")]
