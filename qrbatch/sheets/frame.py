"""A pandas DataFrame as a sheet, by the same rules as a file: every cell as the text a
person sees (whole numbers as digits, NaN as empty), rows numbered as a sheet would."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from qrbatch.sheets.read import InputRow, Sheet, cell_text


def frame_cell(value: Any) -> str:
    """One DataFrame value as text: NaN, None and NaT are empty; 6.28e12 is digits."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return cell_text(value)


def sheet_from_frame(df: pd.DataFrame, *, name: str = "DataFrame") -> Sheet:
    """The frame as a Sheet: its column names as the header (row 1), its rows as rows
    2, 3, ... in order (position + 2, whatever the index)."""
    columns = tuple(str(c) for c in df.columns)
    rows = [
        InputRow(position + 2, tuple(frame_cell(v) for v in values))
        for position, values in enumerate(df.itertuples(index=False, name=None))
    ]
    return Sheet(Path(name), name, 1, columns, rows)
