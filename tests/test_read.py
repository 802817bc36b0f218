"""Reading sheets as people make them: numbers as numbers, odd encodings, title rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrbatch.errors import InputFileError
from qrbatch.rows.checks import header_matcher
from qrbatch.sheets.read import cell_text, read_sheet
from qrbatch.words import speaking
from tests.support.sheets import write_csv, write_xlsx

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


# Cells are never dropped -----------------------------------------------------------------


def test_an_unquoted_comma_in_a_message_keeps_every_cell_and_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "Phone,Message\n6281234567890,Halo, saya mau pesan\n6281234567891,ok\n", encoding="utf-8"
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.columns == ("Phone", "Message", "Column 3")
    assert sheet.header_width == 2
    assert [r.cells for r in sheet.rows] == [
        ("6281234567890", "Halo", " saya mau pesan"),
        ("6281234567891", "ok", ""),
    ]
    (problem,) = sheet.rows[0].problems
    assert problem.code == "RowDoesNotFitHeader"
    assert "3 cells but the header has 2 columns" in problem.message
    assert "double quotes" in problem.message
    assert sheet.rows[1].problems == ()
    assert any("RowDoesNotFitHeader" in note for note in sheet.notes)


def test_trailing_empty_cells_are_not_a_misfit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Phone,Message,\n6281234567890,hi,,,\n", encoding="utf-8")
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (sheet.columns, [(r.cells, r.problems) for r in sheet.rows]) == (
        ("Phone", "Message"),
        [(("6281234567890", "hi"), ())],
    )


def test_xlsx_values_past_the_header_and_under_empty_names_keep_their_columns(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx",
        [
            ["Phone", None, "Message"],
            ["6281234567890", "note", "hi"],
            ["6281234567891", None, "hi", None, "stray"],
        ],
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.columns == ("Phone", "Column 2", "Message", "Column 4", "Column 5")
    assert [r.cells for r in sheet.rows] == [
        ("6281234567890", "note", "hi", "", ""),
        ("6281234567891", "", "hi", "", "stray"),
    ]
    assert sheet.rows[0].problems == ()
    (problem,) = sheet.rows[1].problems
    assert problem.code == "RowDoesNotFitHeader" and "E 'stray'" in problem.message
    assert "give that column a header name" in problem.message


def test_an_unclosed_quote_that_swallows_rows_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'Phone,Message\n6281234567890,"Halo kak\n6281234567891,Promo\n6281234567892,ok\n',
        encoding="utf-8",
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    (row,) = sheet.rows
    assert [p.code for p in row.problems] == ["UnclosedQuote"]


def test_a_quoted_multi_line_message_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('Phone,Message\n6281234567890,"Halo kak,\nsaya, mau pesan"\n', "utf-8")
    (row,) = read_sheet(path, is_header=IS_HEADER).rows
    assert (row.cells, row.problems) == (("6281234567890", "Halo kak,\nsaya, mau pesan"), ())


def test_a_header_wider_than_a_sheet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(20_000)) + "\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"wide.csv: row 1 has 20,000 cells.*16,384"):
        read_sheet(path, is_header=IS_HEADER)


def test_more_data_rows_than_a_sheet_holds_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    # Blank rows in the middle count (they are written back); trailing ones do not.
    path.write_bytes(b"Phone,Message\n" + b"1,a\n\n" * 524_287 + b"1,a\n1,a\n\n\n")
    with pytest.raises(InputFileError, match=r"row 1,048,577 is data row 1,048,576.*1,048,575"):
        read_sheet(path, is_header=IS_HEADER)


# Right encoding ---------------------------------------------------------------------------


def test_a_stray_latin1_byte_in_a_utf8_file_is_reported_on_its_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "Phone,Message\n6281234567890,Olá café\n".encode()
        + b"6281234567891,Ol\xe1\n"
        + "6281234567892,Obrigado 🎉\n".encode()
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.encoding == "utf-8"
    assert [r.cells[1] for r in sheet.rows] == ["Olá café", "Ol\ufffd", "Obrigado 🎉"]
    assert [[p.code for p in r.problems] for r in sheet.rows] == [[], ["BadEncoding"], []]
    assert "CSV UTF-8" in sheet.rows[1].problems[0].message
    assert any("line(s) 3" in note for note in sheet.notes)


def test_a_file_that_is_not_utf8_at_all_is_cp1252_and_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "w.csv", [["Phone", "Message"], ["1", "Olá"]], encoding="cp1252")
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (sheet.encoding, sheet.rows[0].cells[1]) == ("cp1252", "Olá")
    assert any("not UTF-8" in note for note in sheet.notes)


def test_a_file_mixing_utf8_and_other_bytes_evenly_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mix.csv"
    path.write_bytes("Phone,Message\n1,é\n".encode() + b"2,\xe1\xe9\xed\n3,\xf3\xfa\n")
    with pytest.raises(InputFileError, match=r"mixes UTF-8 letters \(line\(s\) 2\).*3, 4"):
        read_sheet(path, is_header=IS_HEADER)


def test_a_forced_encoding_is_used_and_a_byte_that_does_not_fit_names_its_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Phone,Message\n1,Olá\n".encode())
    assert read(path, encoding="cp1252") == [("1", "OlÃ¡")]
    path.write_bytes(b"Phone,Message\n1,ok\n2,\xff\xfe\n")
    with pytest.raises(InputFileError, match=r"line 3 has a byte that is not utf-8 \(0xFF\)"):
        read_sheet(path, is_header=IS_HEADER, encoding="utf-8")
    with pytest.raises(InputFileError, match="unknown encoding 'klingon'"):
        read_sheet(path, is_header=IS_HEADER, encoding="klingon")


# Right delimiter ----------------------------------------------------------------------------


def test_the_delimiter_is_the_one_that_finds_the_header(tmp_path: Path) -> None:
    rows = [["Phone", "Message"], *([f"62812345678{i:02d}", "a; b; c; d"] for i in range(20))]
    path = write_csv(tmp_path / "s.csv", rows)
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (sheet.delimiter, sheet.rows[0].cells) == (",", ("6281234567800", "a; b; c; d"))


# Right sheet --------------------------------------------------------------------------------


def _workbook(path: Path, sheets: list[tuple[str, list[list[object]], str]], active: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows, state in sheets:
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    workbook.active = active
    workbook.save(path)
    return path


OLD = [["Phone", "Message"], [6591234567, "old"]]
NEW = [["Phone", "Message"], [6281234567890, "new"]]


def test_a_hidden_first_sheet_is_not_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "h.xlsx", [("Old 2024", OLD, "hidden"), ("New", NEW, "visible")], 1)
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (sheet.sheet_name, sheet.rows[0].cells[1]) == ("New", "new")
    assert any("hidden sheet(s) 'Old 2024' not read" in note for note in sheet.notes)
    named = read_sheet(path, is_header=IS_HEADER, sheet="Old 2024")
    assert (named.sheet_name, named.rows[0].cells[1]) == ("Old 2024", "old")


def test_the_active_sheet_is_preferred_when_it_has_the_columns(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", [("Jan", OLD, "visible"), ("Feb", NEW, "visible")], 1)
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.sheet_name == "Feb"
    assert "read sheet 'Feb' (the active sheet)" in sheet.notes


def test_an_active_sheet_without_the_columns_falls_back_to_the_first_visible_one(
    tmp_path: Path,
) -> None:
    path = _workbook(
        tmp_path / "b.xlsx",
        [("Data", NEW, "visible"), ("Secret", OLD, "veryHidden"), ("Notes", [["hi"]], "visible")],
        2,
    )
    assert read_sheet(path, is_header=IS_HEADER).sheet_name == "Data"


def test_when_only_a_hidden_sheet_has_the_columns_the_error_names_it(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "c.xlsx", [("Old 2024", OLD, "hidden"), ("Notes", [["hi"]], "visible")], 1
    )
    with pytest.raises(InputFileError, match=r"Hidden sheet\(s\) 'Old 2024'.*sheet='Old 2024'"):
        read_sheet(path, is_header=IS_HEADER)
    with speaking(audience="cli"), pytest.raises(InputFileError, match="--sheet 'Old 2024'"):
        read_sheet(path, is_header=IS_HEADER)


def test_a_hidden_sheet_of_an_xls_is_skipped_too() -> None:
    sheet = read_sheet(FIXTURES / "hidden_first.xls", is_header=IS_HEADER)
    assert (sheet.sheet_name, sheet.rows[0].cells) == ("New", ("6281234567890", "new"))


# Headers people write -----------------------------------------------------------------------


def test_no_header_quotes_the_row_that_looks_most_like_one(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "n.xlsx",
        [["My campaign"], [], ["Store", "Pesan", "Notes"], ["6281234567890", "hi", "A"]],
    )
    with pytest.raises(
        InputFileError, match=r"Row 3 looks most like a header: 'Store', 'Pesan', 'Notes'"
    ):
        read_sheet(path, is_header=IS_HEADER)


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("Mobile Number", "Message"),
        ("WhatsApp No.", "Text"),
        ("No. WhatsApp", "Pesan"),
        ("Nomor WA", "Isi Pesan"),
        ("No HP", "Pesan"),
        ("Teléfono", "Mensaje"),
        ("Telefone", "Mensagem"),
        ("Número de WhatsApp", "Mensaje"),
        ("Nombor Telefon", "Mesej"),
        ("رقم الهاتف", "الرسالة"),
        ("เบอร์โทร", "ข้อความ"),
        ("Số điện thoại", "Tin nhắn"),
        ("手机号码", "消息"),
        ("Telefon Numarası", "Mesaj"),
        ("Phone (with country code)", "Message:"),
    ],
)
def test_headers_people_write_are_found(tmp_path: Path, phone: str, message: str) -> None:
    path = write_xlsx(
        tmp_path / "h.xlsx", [["Campaign"], [phone, message], ["6281234567890", "hi"]]
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (sheet.header_row, sheet.columns) == (2, (phone, message))


# Errors with the right cause ------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_password_protected_workbook_says_so() -> None:
    with pytest.raises(InputFileError, match="encrypted.xlsx: the workbook is password protected"):
        read_sheet(FIXTURES / "encrypted.xlsx", is_header=IS_HEADER)


def test_an_old_xls_saved_as_xlsx_is_read_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes((FIXTURES / "twin.xls").read_bytes())
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.source_format == "xls"
    assert "the file is an old binary .xls workbook named .xlsx" in sheet.notes


def test_a_formula_with_no_saved_value_is_reported_with_its_formula(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [["Phone", "Message", "Note"], ["=A3", "hi", "=B2&B2"], ["6281234567890", "ok", None]],
    )
    sheet = read_sheet(path, is_header=IS_HEADER)
    first, second = sheet.rows
    assert first.cells == ("", "hi", "")
    assert [(p.code, p.column) for p in first.problems] == [
        ("FormulaNotCalculated", 0),
        ("FormulaNotCalculated", 2),
    ]
    assert "=A3" in first.problems[0].message and "save it" in first.problems[0].message
    assert second.problems == ()
    assert any("2 formula cell(s)" in note for note in sheet.notes)


def test_a_formula_with_a_saved_value_reads_as_its_value(tmp_path: Path) -> None:
    import zipfile

    path = write_xlsx(tmp_path / "v.xlsx", [["Phone", "Message"], ["6281234567890", "=B1"]])
    # As Excel saves it: the formula and its cached value.
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    cached = '<c r="B2" t="str"><f>B1</f><v>Message</v></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        '<c r="B2"><f>B1</f><v /></c>', cached
    ).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    (row,) = read_sheet(path, is_header=IS_HEADER).rows
    assert (row.cells, row.problems) == (("6281234567890", "Message"), ())


def test_a_given_header_row_is_the_header_whatever_it_holds(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "g.csv", [["title"], ["Tel", "Words"], ["6281234567890", "a"]])
    sheet = read_sheet(path, is_header=IS_HEADER, header_row=2)
    assert (sheet.header_row, sheet.columns) == (2, ("Tel", "Words"))
    with pytest.raises(InputFileError, match="row 9 is not a header"):
        read_sheet(path, is_header=IS_HEADER, header_row=9)


def test_a_utf8_file_with_a_bom_and_a_stray_byte_reports_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfPhone,Message\n1,Ol\xc3\xa1\n2,Ol\xe1\n")
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert sheet.columns == ("Phone", "Message")
    assert [[p.code for p in r.problems] for r in sheet.rows] == [[], ["BadEncoding"]]


def test_a_sheet_describes_how_it_was_read_for_the_log(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [["t"], ["Phone", "Message"], ["1", "a"]], delimiter=";")
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert (
        sheet.describe()
        == f"{path}: header at row 2, 1 data row(s), csv, utf-8, semicolon-separated"
    )


def test_a_cell_longer_than_a_spreadsheet_cell_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Phone,Message\n1," + "x" * 40_000 + "\n2,ok\n", encoding="utf-8")
    sheet = read_sheet(path, is_header=IS_HEADER)
    assert [[p.code for p in r.problems] for r in sheet.rows] == [["CellTooLong"], []]
    assert "40,000 characters" in sheet.rows[0].problems[0].message


def test_a_quote_that_runs_past_the_csv_field_limit_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv"
    body = "".join(f"62812345{i:05d},promo {i}\n" for i in range(12_000))
    path.write_text('Phone,Message\n1,ok\n2,"oops\n' + body, encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"runaway.csv: cannot be read after row 2.*never closed"
    ):
        read_sheet(path, is_header=IS_HEADER)


def test_no_header_in_any_sheet_quotes_the_likeliest_row_and_its_sheet(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "n.xlsx",
        [("Notes", [["read me"]], "visible"), ("Data", [["x"], ["Store", "Pesan"]], "visible")],
        0,
    )
    with pytest.raises(InputFileError, match=r"Row 2 of sheet 'Data' looks most like a header"):
        read_sheet(path, is_header=IS_HEADER)
