"""The kinds of frame the DataFrame API takes, converted at the edge: pandas as it is,
polars to pandas on the way in and back to polars on the way out.

The engine reads a pandas frame (``sheets.frame``); a polars frame gives a polars frame
back, its own columns untouched (the result columns are added beside them with
``hstack``). polars is optional: it is imported only when a polars frame is given, and
the conversion goes through plain Python lists, so neither pyarrow nor anything else is
needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pandas as pd

from qrbatch.errors import ConfigError

# pandas.DataFrame or polars.DataFrame: what comes in goes out.
FrameT = TypeVar("FrameT")
INT_COLUMNS = frozenset({"Attempts", "Row"})  # the rest of the added columns are text


@dataclass(frozen=True, slots=True)
class Frame:
    """The caller's frame, as the engine reads it (``pandas``), and how to hand a frame
    of results back in the caller's kind."""

    pandas: pd.DataFrame
    kind: Literal["pandas", "polars"]
    original: Any

    def result(self, out: pd.DataFrame) -> Any:
        """``out`` (the frame's columns, then the result columns) in the caller's kind."""
        if self.kind == "pandas":
            return out
        added = list(out.columns[len(self.pandas.columns) :])
        return self.original.hstack([_polars_series(out[name]) for name in added])

    def problems(self, found: pd.DataFrame) -> Any:
        """A frame of problems (``validate_frame``) in the caller's kind."""
        if self.kind == "pandas":
            return found
        import polars as pl

        return pl.DataFrame([_polars_series(found[name]) for name in found.columns])


def _polars_series(column: pd.Series[Any]) -> Any:
    import polars as pl

    name = str(column.name)
    kind = pl.Int64 if name.removeprefix("qrbatch_") in INT_COLUMNS else pl.String
    values = [None if pd.isna(v) else v for v in column.tolist()]
    return pl.Series(name, values, dtype=kind)


def as_pandas(df: object) -> Frame:
    """``df`` as the engine reads it; a frame of another kind is refused by name."""
    if isinstance(df, pd.DataFrame):
        return Frame(df, "pandas", df)
    module = type(df).__module__.partition(".")[0]
    if module == "polars" and type(df).__name__ == "DataFrame":
        polars: Any = df
        frame = pd.DataFrame(
            {series.name: series.to_list() for series in polars.get_columns()},
            columns=list(polars.columns),
        )
        return Frame(frame, "polars", df)
    if module == "polars" and type(df).__name__ == "LazyFrame":
        raise ConfigError.of("frames.lazy_frame")
    raise ConfigError.of("frames.not_a_frame", kind=type(df).__name__)
