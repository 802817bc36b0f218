"""DataFrames read as sheets under the same rules as files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qrbatch.rows.checks import check_rows, map_columns
from qrbatch.sheets.frame import sheet_from_frame


def test_a_frame_reads_as_a_person_sees_it_and_maps_back_to_its_index() -> None:
    df = pd.DataFrame(
        {
            "Phone": [6281234567890.0, np.nan, 6591234567.0, 6281234567890.0, None],
            "Message": ["=1+1", "🎉 Promo", None, "=1+1", "+20% off"],
            "Count": pd.array([1, None, 3, 1, 5], dtype="Int64"),
            "Seen": [
                pd.Timestamp("2026-01-02"),
                pd.NaT,
                pd.Timestamp("2026-01-02 03:04"),
                None,
                None,
            ],
            "Rate": [0.1, 2.0, np.nan, 0.1, 1e20],
            "Flag": [True, False, True, True, False],
        },
        index=["a", "b", "c", "d", "e"],
    )
    sheet = sheet_from_frame(df, name="campaign")
    assert (sheet.path.name, sheet.sheet_name, sheet.header_row, sheet.source_format) == (
        "campaign",
        "campaign",
        1,
        "frame",
    )
    assert sheet.columns == ("Phone", "Message", "Count", "Seen", "Rate", "Flag")
    assert [(r.number, r.cells) for r in sheet.rows] == [
        (2, ("6281234567890", "=1+1", "1", "2026-01-02", "0.1", "TRUE")),
        (3, ("", "🎉 Promo", "", "", "2", "FALSE")),
        (4, ("6591234567", "", "3", "2026-01-02 03:04:00", "", "TRUE")),
        (5, ("6281234567890", "=1+1", "1", "", "0.1", "TRUE")),
        (6, ("", "+20% off", "5", "", "100000000000000000000", "FALSE")),
    ]
    assert sheet.frame_index == ("a", "b", "c", "d", "e")


def test_int_phone_columns_stay_digits_and_duplicate_names_are_kept_apart() -> None:
    df = pd.DataFrame([[6281234567890, "hi", "x"]], columns=["Phone", "Message", "Phone"])
    sheet = sheet_from_frame(df)
    assert sheet.columns == ("Phone", "Message", "Phone (2)")
    assert sheet.rows[0].cells == ("6281234567890", "hi", "x")


def test_a_frame_validates_like_a_sheet_blank_rows_kept_in_place() -> None:
    df = pd.DataFrame(
        {"WhatsApp Number": ["+62 812-3456-7890", None, "6591234567"], "Pesan": ["hi", None, "yo"]}
    )
    sheet = sheet_from_frame(df)
    checked = check_rows(sheet, map_columns(sheet), default_region="ID")
    assert [(c.row.number, c.state, c.error_code) for c in checked] == [
        (2, "ok", ""),
        (3, "skipped", "BlankRow"),
        (4, "invalid", "AmbiguousPhone"),
    ]


def test_an_empty_frame_is_a_sheet_with_no_rows() -> None:
    sheet = sheet_from_frame(pd.DataFrame({"Phone": [], "Message": []}))
    assert (sheet.columns, sheet.rows) == (("Phone", "Message"), [])
