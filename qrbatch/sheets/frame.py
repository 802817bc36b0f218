"""A pandas DataFrame read as a sheet, under the same rules as a file.

The column names are the header (row 1); row ``i`` of the frame (by position) is sheet
row ``i + 2``, as it would be in the workbook the frame was saved to, and
``Sheet.frame_index[i]`` is its index label, so results map back to the frame. Every value
becomes the text a person sees: whole numbers as digits (a phone held as the float
``6281234567890.0`` is ``6281234567890``), missing values (None, NaN, NaT, ``pd.NA``) as
empty, dates as ISO text, everything else as ``str`` gives it. Nothing is dropped: blank
rows stay (they are skipped by validation, and keep their position).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qrbatch.sheets.cells import InputRow, Sheet, cell_text
from qrbatch.sheets.read import column_names


def frame_value_text(value: Any) -> str:
    """One DataFrame value as the text a person sees (see the module docstring)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (np.bool_, bool)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, np.floating):
        return cell_text(float(value))
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else cell_text(pd.Timestamp(value).to_pydatetime())
    if isinstance(value, pd.Timestamp):
        return cell_text(value.to_pydatetime())
    return cell_text(value)


def _column_texts(series: pd.Series[Any]) -> list[str]:
    dtype = series.dtype
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:  # bools are not integers
        return series.astype("int64").astype(str).tolist()
    return [frame_value_text(v) for v in series.tolist()]


def _header_name(label: Any) -> str:
    if isinstance(label, tuple):
        return " ".join(frame_value_text(part) for part in label if frame_value_text(part))
    return frame_value_text(label)


def sheet_from_frame(df: pd.DataFrame, *, name: str = "DataFrame") -> Sheet:
    """``df`` as a Sheet: header from the column names, rows as text, positions kept."""
    header = [_header_name(label) for label in df.columns]
    columns = column_names(header, len(header))
    texts = [_column_texts(df.iloc[:, i]) for i in range(df.shape[1])]
    rows = (
        [
            InputRow(position + 2, tuple(cells))
            for position, cells in enumerate(zip(*texts, strict=True))
        ]
        if texts
        else [InputRow(position + 2, ()) for position in range(len(df))]
    )
    return Sheet(
        Path(name),
        name,
        1,
        columns,
        rows,
        notes=(f"read {len(rows)} row(s) from a DataFrame",),
        source_format="frame",
        header_width=len(columns),
        frame_index=tuple(df.index),
    )
