"""The results workbook: contract columns, input untouched, links, formula safety, atomicity."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from qrbatch.outputs.results import RESULT_COLUMNS, RowResult, Summary
from qrbatch.outputs.workbook import write_workbook
from qrbatch.sheets.read import InputRow, Sheet


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


def test_the_workbook_is_set_up_to_print(tmp_path: Path) -> None:
    """Results one landscape page wide with the header on every page and thumbnails a
    phone can scan from paper; Errors and Summary sized and on one page; charts."""
    import zipfile

    from qrbatch.outputs.images import ImageCounts
    from qrbatch.outputs.workbook import expected_print_scale

    sheet = make([("+6281234567890", "Halo! Saya ingin memesan promo Harbolnas 12.12")] * 3)
    link = "https://wa.me/message/ABCDEFGHIJKLMN"
    results = [
        RowResult("created", "ABCDEFGHIJKLMN", link, "http://127.0.0.1:1/x.png", attempts=1),
        RowResult("listed", "ABCDEFGHIJKLMN", link),
        RowResult("failed", error_code="Throttling", error_message="too fast"),
    ]
    out = tmp_path / "out.xlsx"
    facts = summary(out)
    facts.count(results)
    facts.images = ImageCounts(files=1, paths={2: "out_qr/x.png", 3: "out_qr/x.png"})
    facts.calls_timeline = [(0, 5), (1, 5), (3, 4)]
    write_workbook(out, sheet, results, facts, thumbnails=True)
    workbook = load_workbook(out)

    ws = workbook["Results"]
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["ImageFile", "QR"]
    image_file = ws.cell(row=2, column=len(header) - 1)
    assert image_file.value == "out_qr/x.png" and image_file.hyperlink.target == "out_qr/x.png"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(header) + 1)]
    assert all(8 <= w <= 30 for w in widths)
    assert ws["B2"].alignment.wrap_text
    [first, second] = ws._images  # created and listed rows get one; the failed row none
    printed_mm = first.width / 96 * 25.4 * expected_print_scale(widths)
    assert printed_mm * 29 / 37 >= 15  # the symbol, quiet zone aside, prints >= 15 mm
    assert ws.row_dimensions[2].height >= first.height * 0.75

    errors = workbook["Errors"]
    assert errors.column_dimensions["F"].width >= 40  # ErrorMessage
    assert (errors.page_setup.fitToWidth, errors.page_setup.fitToHeight) == (1, 1)

    facts_ws = workbook["Summary"]
    assert [facts_ws.column_dimensions[c].width for c in "ABCD"] == [26, 44, 34, 34]
    assert (facts_ws.page_setup.fitToWidth, facts_ws.page_setup.fitToHeight) == (1, 1)
    assert facts_ws.print_area is not None
    with zipfile.ZipFile(out) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(n).decode() for n in charts]
    assert len(charts) == 2
    assert "Rows by status" in xml[0] and "Calls accepted per second" in xml[1]
    # the status chart's bars are the Summary's "Rows <status>" facts
    labels, counts = re.findall(r"<f>'Summary'!\$(\w)\$(\d+):\$\w\$(\d+)</f>", xml[0])
    bars = [
        (facts_ws[f"{labels[0]}{r}"].value, facts_ws[f"{counts[0]}{r}"].value)
        for r in range(int(labels[1]), int(labels[2]) + 1)
    ]
    assert ("Rows created", 1) in bars and ("Rows failed", 1) in bars
    assert all(name.startswith("Rows ") for name, _ in bars)
    data = [r for r in facts_ws.iter_rows(values_only=True) if r and r[0] in (0, 1, 2, 3)]
    assert [(r[0], r[1]) for r in data] == [(0, 5), (1, 5), (2, 0), (3, 4)]  # gaps filled


def test_without_a_timeline_the_summary_has_the_status_chart_only(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "out.xlsx"
    write_workbook(out, make([("a", "b")]), [RowResult("skipped")], summary(out))
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 1


def test_the_workbook_follows_the_umask(tmp_path: Path) -> None:
    import os

    out = tmp_path / "out.xlsx"
    old = os.umask(0o022)
    try:
        write_workbook(out, make([("a", "b")]), [RowResult("skipped")], summary(out))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
