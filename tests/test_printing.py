"""Printing: every printable row's code is on paper once, decodes to its deep link, in
row order, with its caption; the ZIP's images and manifest say the same."""

from __future__ import annotations

import functools
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from segno import DataOverflowError

from qrbatch.outputs.images import ImageOptions
from qrbatch.outputs.printing import (
    LABEL_SHEETS,
    PrintItem,
    PrintOptions,
    fonts,
    items_from_workbook,
    layout,
    pdf_from_workbook,
    write_pdf,
    write_zip,
    zip_from_workbook,
)
from qrbatch.outputs.printing.typeset import Typesetter
from qrbatch.outputs.results import RowResult, Summary
from qrbatch.outputs.workbook import write_workbook
from qrbatch.sandbox import SandboxThread
from qrbatch.sheets.read import InputRow, Sheet
from tests.support.cli import qrbatch
from tests.support.printing import decode_pdf, read_zip
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import results, write_csv

ROWS = [
    ("Jakarta Central", "6281234567890", "Halo! Saya ingin memesan promo Harbolnas 12.12"),
    ("Toko Émile 🎉", "+62 812-9876-5432", "Halo, apakah produk ini masih tersedia? 👋"),
    ("上海旗舰店", "8613800138000", "您好，我想预约周六的试驾"),
    ("Broken row", "12", "x"),
    ("=cmd|' /C calc'!A0", "6591234567", "Hello! I want to book a table for 2 tonight"),
    ("Listed", "14155550123", "Hi there, I scanned your poster"),
    ("Jakarta Central", "6281234567890", "Halo! Saya ingin memesan promo Harbolnas 12.12"),
]
STATUSES = ["created", "reused", "created", "failed", "updated", "listed", "created"]
CODES = ["AAAAAAAAAAAAA1", "BBBBBBBBBBBBB2", "CCCCCCCCCCCCC3", "", "EEEEEEEEEEEEE5",
         "FFFFFFFFFFFFF6", "AAAAAAAAAAAAA1"]  # fmt: skip
PRINTABLE = [0, 1, 2, 4, 5, 6]  # the failed row has no code


def link(code: str) -> str:
    return f"https://wa.me/message/{code}"


@pytest.fixture(scope="module")
def results_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("printing") / "campaign.results.xlsx"
    sheet = Sheet(
        Path("campaign.xlsx"),
        "Campaign",
        1,
        ("Store", "Phone Number", "Prefilled Message"),
        [InputRow(i + 2, row) for i, row in enumerate(ROWS)],
    )
    results = [
        RowResult(status, code, link(code) if code else "", error_code="" if code else "X")
        for status, code in zip(STATUSES, CODES, strict=True)
    ]
    summary = Summary("in", None, str(out), "sandbox", True, "t", datetime.now(UTC))
    write_workbook(out, sheet, results, summary)
    return out


def expected_links() -> list[str]:
    return [link(CODES[i]) for i in PRINTABLE]


def test_the_workbook_gives_the_printable_rows_in_order(results_xlsx: Path) -> None:
    items = items_from_workbook(results_xlsx, label_column="store")
    assert [item.row for item in items] == [i + 2 for i in PRINTABLE]
    assert [item.deep_link for item in items] == expected_links()
    assert items[0].label == "Jakarta Central" and items[0].phone == "6281234567890"
    assert items[3].label == ROWS[4][0]  # read back as the text it was, not a formula
    assert items[0].columns["Prefilled Message"] == ROWS[0][2]


def test_without_a_label_column_the_caption_is_the_phone(results_xlsx: Path) -> None:
    assert items_from_workbook(results_xlsx)[1].label == "+62 812-9876-5432"


def test_an_unknown_label_column_is_a_usage_error(results_xlsx: Path) -> None:
    from qrbatch.errors import ConfigError

    with pytest.raises(ConfigError, match="Store"):
        items_from_workbook(results_xlsx, label_column="Shop")


@pytest.mark.parametrize(
    ("layout_name", "paper"),
    [
        ("cards", "a6"),
        ("cards", "a5"),
        ("labels", "a4-3x7"),
        ("labels", "letter-3x10"),
        ("labels", "a4-3x4"),
        ("labels", "letter-3x4"),
        ("poster", "a4"),
        ("poster", "a3"),
    ],
)
def test_every_printable_row_is_on_paper_once_in_order_with_its_label(
    results_xlsx: Path, tmp_path: Path, layout_name: str, paper: str
) -> None:
    target = tmp_path / "codes.pdf"
    options = PrintOptions(layout=layout_name, paper=paper, label_column="Store")  # type: ignore[arg-type]
    pages = pdf_from_workbook(results_xlsx, target, options)
    links, texts = decode_pdf(target, dpi=100 if paper == "a3" else 200)
    assert links == expected_links()
    per_page = 1 if layout_name != "labels" else LABEL_SHEETS[paper].per_page
    assert pages == len(texts) == -(-len(PRINTABLE) // per_page)
    text = "\n".join(texts)
    for label in ("Jakarta Central", "Toko Émile", "Listed", "=cmd|"):
        assert label in text
    # Chinese prints from Noto Sans CJK when installed (.ci/run installs it), else is left out
    assert ("上海旗舰店" in text) == (fonts.find("NotoSansCJK-Bold.ttc") is not None)
    # emoji print from the colour emoji font when it is installed, else are left out
    assert ("🎉" in text) == (fonts.find("NotoColorEmoji.ttf") is not None)
    assert "6281234567890" in text and "Halo! Saya" in text


def test_codes_print_with_modules_of_at_least_0_4_mm_at_the_default_sizes() -> None:
    items = [
        PrintItem(row=2, label="x", phone="1", message="m", code="C", deep_link=link("A" * 14))
    ]
    for options in [
        PrintOptions(layout="cards"),
        PrintOptions(layout="cards", paper="a5"),
        PrintOptions(layout="poster"),
        *(PrintOptions(layout="labels", paper=name) for name in LABEL_SHEETS),
    ]:
        placement = next(layout(items, options))
        assert placement.module_mm >= 0.4, options
        assert placement.size >= 20, options
    card = next(layout(items, PrintOptions(layout="cards")))
    assert card.error == "h"  # a table tent has room for the highest error correction


def test_a_code_too_big_for_the_paper_is_a_usage_error() -> None:
    from qrbatch.errors import ConfigError

    with pytest.raises(ConfigError, match="at most 89 mm"):
        PrintOptions(layout="cards", size_mm=200)
    with pytest.raises(ConfigError, match="letter-3x10"):
        PrintOptions(layout="cards", paper="letter-3x10")


def test_a_failed_write_leaves_the_old_pdf_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "codes.pdf"
    target.write_bytes(b"%PDF earlier")
    item = PrintItem(row=2, label="x", phone="1", message="m", code="C", deep_link=link("A"))

    class Huge(PrintOptions):  # a setting the options would refuse, reaching the writer
        @property
        def code_size_mm(self) -> float:
            raise ValueError("does not fit")

    with pytest.raises(ValueError, match="does not fit"):
        write_pdf([item], target, Huge(layout="cards"))
    assert target.read_bytes() == b"%PDF earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["codes.pdf"]


@pytest.mark.parametrize(
    ("layout", "scripts"),
    # Every layout with control and joining characters; the right-to-left and CJK fonts
    # (a CJK face takes seconds to load) on the smallest boxes, the labels, once.
    [("cards", ""), ("poster", ""), ("labels", " مرحبا שלום 한국어")],
)
def test_no_text_makes_printing_fail(tmp_path: Path, layout: str, scripts: str) -> None:
    odd = f"\u202eRTL\u200d\x00\x07\ufffe\U0001f9d1\u200d\U0001f4bb e\u0301{scripts} " * 4
    items = [
        PrintItem(row=2, label=odd, phone=odd, message=odd, code="C", deep_link=link("A" * 14)),
        PrintItem(row=3, label="", phone="", message="", code="D", deep_link=link("B" * 14)),
    ]
    target = tmp_path / f"{layout}.pdf"
    write_pdf(items, target, PrintOptions(layout=layout))  # type: ignore[arg-type]
    assert decode_pdf(target, dpi=150)[0] == [link("A" * 14), link("B" * 14)]


def test_nothing_to_print_still_makes_a_readable_pdf(tmp_path: Path) -> None:
    target = tmp_path / "none.pdf"
    assert write_pdf([], target, PrintOptions()) == 1
    assert "No codes" in decode_pdf(target)[1][0]


def test_pdf_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_pdf([], tmp_path / "a.pdf", PrintOptions())
    finally:
        os.umask(old)
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o640


def test_the_zip_holds_each_code_once_and_a_manifest_per_row(
    results_xlsx: Path, tmp_path: Path
) -> None:
    target = tmp_path / "codes.zip"
    files = zip_from_workbook(results_xlsx, target, PrintOptions(label_column="Store"))
    manifest, images = read_zip(target)
    assert [m["deep_link"] for m in manifest] == expected_links()
    assert [m["label"] for m in manifest][:3] == ["Jakarta Central", "Toko Émile 🎉", "上海旗舰店"]
    assert manifest[3]["label"].startswith('="')  # a text formula: a spreadsheet runs nothing
    assert manifest[1]["number"] == "+62 812-9876-5432"  # numbers stay as written
    assert manifest[0]["file"] == manifest[-1]["file"]  # same code, same name: one file
    assert files == len(images) == len(PRINTABLE) - 1
    for row in manifest:
        image = Image.open(io.BytesIO(images[row["file"]]))
        assert [c.text for c in zxingcpp.read_barcodes(image)] == [row["deep_link"]]
        assert image.width >= 30 / 25.4 * 300  # print quality: 30 mm at 300 dpi
        assert round(image.info["dpi"][0]) == 300


def test_the_zip_can_hold_svg_for_designers(results_xlsx: Path, tmp_path: Path) -> None:
    target = tmp_path / "codes.zip"
    options = PrintOptions(image=ImageOptions(format="svg", name_template="{row}-{Store}"))
    zip_from_workbook(results_xlsx, target, options)
    manifest, images = read_zip(target)
    assert manifest[0]["file"] == "images/00002-Jakarta Central.svg"
    assert manifest[3]["file"] == "images/00006-=cmd_' _C calc'!A0.svg"
    assert all(b'width="30.0mm"' in content for content in images.values())  # true size


def test_a_run_gives_the_same_items_without_reading_the_workbook_back(
    results_xlsx: Path,
) -> None:
    from qrbatch.outputs.printing import items_from_results

    sheet = Sheet(
        Path("campaign.xlsx"),
        "Campaign",
        1,
        ("Store", "Phone Number", "Prefilled Message"),
        [InputRow(i + 2, row) for i, row in enumerate(ROWS)],
    )
    results = [
        RowResult(status, code, link(code) if code else "")
        for status, code in zip(STATUSES, CODES, strict=True)
    ]
    in_run = items_from_results(sheet, results, label_column="Store")
    assert in_run == items_from_workbook(results_xlsx, label_column="Store")


def test_a_file_that_is_not_a_results_workbook_is_an_input_error(tmp_path: Path) -> None:
    from qrbatch.errors import InputFileError

    not_xlsx = tmp_path / "x.xlsx"
    not_xlsx.write_text("Phone,Message\n")
    with pytest.raises(InputFileError):
        items_from_workbook(not_xlsx)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200), width=st.floats(min_value=1, max_value=140))
def test_any_caption_wraps_within_its_lines(text: str, width: float) -> None:
    setter = _setter()
    text = setter.printable(text)
    wrapped = setter.wrap(text, width, 9, 3)
    assert len(wrapped.lines) <= 3
    for line in wrapped.lines:  # a line wider than the room is a single cluster
        assert setter.width(line, 9) <= width + 0.01 or len(line.rstrip("…")) <= 4, line


@functools.cache
def _setter() -> Typesetter:
    from fpdf import FPDF

    pdf = FPDF(unit="mm")
    return Typesetter(pdf, ["latin only"])


def test_a_failed_zip_leaves_the_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "codes.zip"
    target.write_bytes(b"PK earlier")
    too_long = PrintItem(row=2, label="x", phone="1", message="m", code="C", deep_link="x" * 4000)
    with pytest.raises(DataOverflowError):  # no QR code holds 4,000 characters
        write_zip([too_long], target, PrintOptions())
    assert target.read_bytes() == b"PK earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["codes.zip"]


def test_run_with_pdf_and_zip_writes_both_beside_the_workbook(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(
        tmp_path / "shops.csv",
        [["Store", "Phone", "Message"], ["Toko Jaya", PHONE, "Halo!"], ["Bad", "12", "x"],
         ["Toko Maju", PHONE, "Promo"]],
    )  # fmt: skip
    done = qrbatch(
        "run", str(source), "--endpoint", sandbox_thread.url, "--pdf", "--zip",
        "--label-column", "Store", "--pdf-layout", "labels", env=creds(),
    )  # fmt: skip
    assert done.returncode == 1  # the bad row
    rows = [r for r in results(tmp_path / "shops.results.xlsx") if r["Status"] == "created"]
    links, texts = decode_pdf(tmp_path / "shops.results.pdf")
    assert links == [r["DeepLinkUrl"] for r in rows]
    assert "Toko Jaya" in " ".join(texts) and "Toko Maju" in " ".join(texts)
    manifest, _ = read_zip(tmp_path / "shops.results.zip")
    assert [m["label"] for m in manifest] == ["Toko Jaya", "Toko Maju"]
    assert f"PDF: {tmp_path / 'shops.results.pdf'}" in done.stdout


def test_a_label_column_that_is_not_there_stops_before_any_call(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "s.csv", [["Phone", "Message"], [PHONE, "hi"]])
    for extra in (["--label-column", "Shop"], ["--pdf-layout", "labels", "--pdf-paper", "a6"]):
        done = qrbatch("run", str(source), "--endpoint", sandbox_thread.url, "--pdf", *extra,
                       env=creds())  # fmt: skip
        assert done.returncode == 2, done.stderr
    assert sandbox_thread.sandbox.stats.accepted == {}


def test_qrbatch_pdf_remakes_the_pdf_from_a_workbook_without_credentials(
    results_xlsx: Path, tmp_path: Path
) -> None:
    target = tmp_path / "tents.pdf"
    done = qrbatch("pdf", str(results_xlsx), "-o", str(target), "--label-column", "Store",
                   "--zip")  # fmt: skip
    assert done.returncode == 0, done.stderr
    links, _ = decode_pdf(target)
    assert links == expected_links()
    assert (tmp_path / "tents.zip").exists()
    assert qrbatch("pdf", str(tmp_path / "nope.xlsx")).returncode == 2


@pytest.mark.parametrize(
    "bad",
    [
        "https://evil.example/phish",
        "javascript:alert(1)",
        "https://wa.me/message/ZZZZZZZZZZZZZ9",  # a real-looking link of another code
        "https://wa.me.evil.example/message/AAAAAAAAAAAAA1",
    ],
)
def test_a_hand_edited_link_is_never_printed_and_pdf_says_so(
    tmp_path: Path, results_xlsx: Path, bad: str
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(results_xlsx)
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("DeepLinkUrl") + 1, value=bad)
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    refused: list[int] = []
    items = items_from_workbook(edited, refused=refused)
    assert refused == [2]
    assert [i.deep_link for i in items] == expected_links()[1:]
    done = qrbatch("pdf", str(edited), "--zip")
    assert done.returncode == 1
    assert "rows 2 were left out" in done.stderr
    links, _ = decode_pdf(tmp_path / "edited.pdf")
    assert links == expected_links()[1:] and bad not in links
