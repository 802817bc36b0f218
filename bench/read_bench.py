"""Time reading N rows through each sheet reader qrbatch has.

    python bench/read_bench.py --rows 100000

Readers: csv (stdlib csv), xlsx through calamine (what qrbatch uses) and through
openpyxl's streaming read-only mode (the fallback), xls, ods and xlsb (calamine). Each file holds a
title row, a header and N rows of (phone stored as a number, message, store, date), and
is read through ``read_sheet`` (header search, cell text, problems), so the times are
what a run pays. Files are made once in ``--folder`` (default ``out/read_bench``):
``.xls`` needs ``xlwt`` and ``.xlsb`` needs ``pyxlsbwriter`` (not dependencies:
``pip install --target /tmp/tools xlwt pyxlsbwriter`` and ``PYTHONPATH=/tmp/tools``);
a format whose writer is missing is skipped. ``.xls`` holds at most 65,536 rows, so it
is timed on 65,000 and its rate is scaled to N.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qrbatch.rows.checks import header_matcher  # noqa: E402
from qrbatch.sheets import workbooks  # noqa: E402
from qrbatch.sheets.read import read_sheet  # noqa: E402

XLS_MAX_ROWS = 65_000
HEADER = ["Phone Number", "Message", "Store", "Date"]


def rows(count: int) -> Iterator[list[object]]:
    day = dt.datetime(2026, 3, 1)
    for i in range(count):
        yield [6281234500000 + i, f"Halo kak, saya mau pesan #{i} ☕", f"Store {i % 50}", day]


def make_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Spring campaign"])
        writer.writerow(HEADER)
        for row in rows(count):
            writer.writerow([*row[:3], row[3].date().isoformat()])  # type: ignore[attr-defined]


def make_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(["Spring campaign"])
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    workbook.save(path)


def make_ods(path: Path, count: int) -> None:
    import pandas as pd

    data = [["Spring campaign", None, None, None], HEADER, *rows(count)]
    pd.DataFrame(data).to_excel(path, engine="odf", header=False, index=False)


def make_xls(path: Path, count: int) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(0, 0, "Spring campaign")
    for c, name in enumerate(HEADER):
        sheet.write(1, c, name)
    for r, row in enumerate(rows(min(count, XLS_MAX_ROWS)), start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dates) if c == 3 else sheet.write(r, c, value)
    book.save(str(path))


def make_xlsb(path: Path, count: int) -> None:
    from pyxlsbwriter import XlsbWriter

    data = [["Spring campaign", "", "", ""], HEADER, *rows(count)]
    with XlsbWriter(str(path)) as writer:
        writer.add_sheet("Sheet1")
        writer.write_sheet(data)


def read_with_openpyxl(path: Path) -> int:
    """An .xlsx through openpyxl's streaming reader (the fallback) instead of calamine."""
    workbooks.XLSX_READER = "openpyxl"
    try:
        return read_with_qrbatch(path)
    finally:
        workbooks.XLSX_READER = "calamine"


def read_with_qrbatch(path: Path) -> int:
    return len(read_sheet(path, is_header=header_matcher()).rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("out/read_bench"))
    parser.add_argument("--repeat", type=int, default=2, help="best of this many reads")
    args = parser.parse_args()
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    count: int = args.rows
    cases: list[tuple[str, str, Callable[[Path, int], None], Callable[[Path], int]]] = [
        ("csv", "csv", make_csv, read_with_qrbatch),
        ("xlsx (calamine, used)", "xlsx", make_xlsx, read_with_qrbatch),
        ("xlsx (openpyxl)", "xlsx", make_xlsx, read_with_openpyxl),
        ("xls (calamine)", "xls", make_xls, read_with_qrbatch),
        ("ods (calamine)", "ods", make_ods, read_with_qrbatch),
        ("xlsb (calamine)", "xlsb", make_xlsb, read_with_qrbatch),
    ]
    print(f"{'reader':24} {'rows':>8} {'seconds':>8} {'rows/s':>9} {f's per {count:,}':>12}")
    for label, suffix, make, read in cases:
        path = folder / f"bench_{count}.{suffix}"
        if not path.exists():
            try:
                make(path, count)
            except ImportError as exc:
                print(f"{label:24} skipped ({exc.name} not installed)")
                continue
        best = float("inf")
        read_rows = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            read_rows = read(path)
            best = min(best, time.perf_counter() - started)
        rate = read_rows / best
        print(f"{label:24} {read_rows:>8,} {best:>8.2f} {rate:>9,.0f} {count / rate:>12.2f}")


if __name__ == "__main__":
    main()
