"""The results workbook: contract columns, input untouched, links, formula safety, atomicity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qrbatch.results import RESULT_COLUMNS, RowResult, Summary
from qrbatch.sheets.read import InputRow, Sheet
from qrbatch.sheets.write import write_workbook


def summary(out: Path) -> Summary:
    return Summary("in.csv", None, str(out), "http://127.0.0.1:1", True, "test", datetime.now(UTC))


def make(rows: list[tuple[str, ...]]) -> Sheet:
    return Sheet(
        Path("in.csv"),
        None,
        1,
        ("Phone", "Message"),
        [InputRow(i + 2, r) for i, r in enumerate(rows)],
    )


def test_results_keep_input_columns_then_the_contract_columns(tmp_path: Path) -> None:
    sheet = make([("+62 812 3456 7890", '=HYPERLINK("http://evil")'), ("x", "bad")])
    results = [
        RowResult(
            "created",
            "ABCDEFGHIJKLMN",
            "https://wa.me/message/ABCDEFGHIJKLMN",
            "https://cdn.example/qr.png",
            request_id="R1",
            attempts=1,
        ),
        RowResult(
            "invalid", error_code="InvalidPhone", error_message="Phone: 'x' contains letters"
        ),
    ]
    out = tmp_path / "out.xlsx"
    facts_in = summary(out)
    facts_in.count(results)
    write_workbook(out, sheet, results, facts_in)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Results", "Errors", "Summary"]
    ws = workbook["Results"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Phone", "Message", *RESULT_COLUMNS)
    assert rows[1][:2] == ("+62 812 3456 7890", '=HYPERLINK("http://evil")')
    assert ws["B2"].data_type == "s"  # text, never a formula
    assert (
        ws["E2"].hyperlink is not None
        and ws["E2"].hyperlink.target == "https://wa.me/message/ABCDEFGHIJKLMN"
    )
    assert rows[2][2] == "invalid"
    assert ws.freeze_panes == "A2"
    errors = list(workbook["Errors"].iter_rows(values_only=True))
    assert errors[1][0] == 3 and errors[1][-2] == "InvalidPhone"
    facts = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert (facts["Rows read"], facts["Rows created"], facts["Rows invalid"]) == (2, 1, 1)
    assert any("SANDBOX" in str(k) for k in facts)
    codes = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert codes["InvalidPhone"] == 1  # the error-code table counts rows per code


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=50),
        min_size=2,
        max_size=2,
    )
)
def test_any_text_round_trips_as_text(tmp_path: Path, cells: list[str]) -> None:
    out = tmp_path / "rt.xlsx"
    sheet = make([tuple(cells)])
    write_workbook(out, sheet, [RowResult("skipped")], summary(out))
    row = next(load_workbook(out)["Results"].iter_rows(min_row=2, values_only=True))
    assert [c or "" for c in row[:2]] == cells


def test_an_existing_output_survives_a_failed_write(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous results")
    with pytest.raises(ValueError):
        write_workbook(out, make([("a", "b")]), [], summary(out))  # rows and results disagree
    assert out.read_bytes() == b"previous results"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_csv_output_is_utf8_with_bom_and_neutralises_formulas(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    write_workbook(
        out, make([("+6281234567890", "@SUM(A1)")]), [RowResult("created", "C")], summary(out)
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # Written as text formulas (="..."), which spreadsheets show as the text and qrbatch
    # reads back unchanged (scheme in qrbatch.sheets.csvtext).
    assert '"=""+6281234567890""","=""@SUM(A1)""",created,C' in raw.decode("utf-8-sig")
