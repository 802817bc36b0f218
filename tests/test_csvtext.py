"""CSV output: spreadsheet apps show every cell as its text, and qrbatch reads it back the same."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrbatch.outputs.results import RESULT_COLUMNS, RowResult
from qrbatch.outputs.workbook import csv_safe, write_csv
from qrbatch.rows.checks import header_matcher
from qrbatch.sheets.csvtext import escape_cell, unescape_cell
from qrbatch.sheets.read import InputRow, Sheet, read_sheet


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", '="=1+1"'),
        ("+20% off", '="+20% off"'),
        ("-5", '="-5"'),
        ("@SUM(A1)", '="@SUM(A1)"'),
        ('=say "hi"', '="=say ""hi"""'),
        ("6281234567890", '="6281234567890"'),
        ("0812345", '="0812345"'),
        ("'quoted", '="\'quoted"'),
        ("Halo, café ☕", "Halo, café ☕"),
        ("12345", "12345"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_change_are_written_as_text_formulas(
    value: str, written: str
) -> None:
    assert (csv_safe(value), unescape_cell(written)) == (written, value)


def test_long_text_is_split_into_excel_sized_string_constants() -> None:
    value = "=" + "x" * 600
    written = escape_cell(value)
    assert written.count('"&"') == 2 and unescape_cell(written) == value


def test_earlier_apostrophe_escapes_read_back_without_the_apostrophe() -> None:
    assert [unescape_cell(v) for v in ("'=1+1", "'+20% off", "'6281234567890", "'hello")] == [
        "=1+1",
        "+20% off",
        "6281234567890",
        "'hello",
    ]


def test_formulas_that_are_not_one_string_are_left_alone() -> None:
    assert [unescape_cell(v) for v in ('="a"&B2', "=1+1", '="a" ', '="a')] == [
        '="a"&B2',
        "=1+1",
        '="a" ',
        '="a',
    ]


TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
CELLS = st.one_of(
    TEXT,
    st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "'", "'=", "\t"]), TEXT),
    st.from_regex(r"0?[0-9]{1,20}", fullmatch=True),
    st.sampled_from(["🎉 Promo", "Halo, saya mau pesan", 'say "hi"', "a\nb", "a\r\nb", " pad "]),
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(CELLS, CELLS), min_size=1, max_size=6))
def test_what_qrbatch_writes_as_csv_it_reads_back_unchanged(rows: list[tuple[str, str]]) -> None:
    sheet = Sheet(
        Path("in.csv"),
        None,
        1,
        ("Phone", "Message"),
        [InputRow(n, cells) for n, cells in enumerate(rows, start=2)],
    )
    results = [RowResult("invalid", error_code="InvalidPhone", error_message=m) for _, m in rows]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.csv"
        write_csv(target, sheet, results)
        back = read_sheet(target, is_header=header_matcher())
    assert back.columns == ("Phone", "Message", *RESULT_COLUMNS)
    expected = [(p, m, "invalid", "", "", "", "InvalidPhone", m, "", "", "", "") for p, m in rows]
    assert [r.cells for r in back.rows] == expected
    assert all(r.problems == () for r in back.rows)
