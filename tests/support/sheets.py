"""Spreadsheets for the tests: input sheets written as a person saves them, and the rows
of a results workbook read back as dicts."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str = "Sheet1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
        for row in rows:
            writer.writerow(row)
    return path


def results(path: Path) -> list[dict[str, object]]:
    """The Results sheet of a workbook qrbatch wrote, one dict per row by header."""
    rows = list(load_workbook(path)["Results"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def codes_by_message(path: Path) -> dict[str, str]:
    """Each row's QrdlCode by its Message: what two runs of one sheet handed out."""
    return {str(row["Message"]): str(row["QrdlCode"]) for row in results(path)}
