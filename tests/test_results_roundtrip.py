"""Whatever qrbatch writes (results workbook or CSV), it reads back to the same values."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qrbatch.outputs.results import RESULT_COLUMNS, RowResult, Summary
from qrbatch.outputs.workbook import write_workbook
from qrbatch.rows.checks import header_matcher
from qrbatch.sheets.read import InputRow, Sheet, read_sheet

TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
CELLS = st.one_of(
    TEXT,
    st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "'", "'="]), TEXT),
    st.from_regex(r"0?[0-9]{1,20}", fullmatch=True),
    st.sampled_from(["🎉 Promo", "Halo, saya mau pesan", 'say "hi"', "a\nb", " pad ", "1.0"]),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(CELLS, CELLS), min_size=1, max_size=5),
    suffix=st.sampled_from([".xlsx", ".csv"]),
)
def test_what_qrbatch_writes_it_reads_back_unchanged(
    rows: list[tuple[str, str]], suffix: str
) -> None:
    sheet = Sheet(
        Path("in.csv"),
        None,
        1,
        ("Phone", "Message"),
        [InputRow(n, cells) for n, cells in enumerate(rows, start=2)],
    )
    results = [RowResult("invalid", error_code="InvalidPhone", error_message=m) for _, m in rows]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out{suffix}"
        summary = Summary("in.csv", None, str(target), "-", False, "test", datetime.now(UTC))
        write_workbook(target, sheet, results, summary)
        back = read_sheet(target, is_header=header_matcher())
    assert back.columns == ("Phone", "Message", *RESULT_COLUMNS)
    assert [r.cells for r in back.rows] == [
        (p, m, "invalid", "", "", "", "InvalidPhone", m, "", "", "", "") for p, m in rows
    ]
    assert back.sheet_name == (None if suffix == ".csv" else "Results")
