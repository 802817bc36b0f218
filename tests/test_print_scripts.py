"""Captions in every script (issue 24): shaped as HarfBuzz shapes them, from embedded
fonts, in the text layer in the order they were typed; long names fit their label
whole; small labels scan through a phone camera.

Shaping is checked on the printed result, not on our own calls: each caption is rendered
from the PDF at 300 dpi (pdfium) and compared with the same string laid out by Pillow's
raqm engine (FriBiDi + HarfBuzz, another build than the one that made the PDF) in the
same font file at the same size. The score: ink pixels in common over ink pixels in
either, both cut to their ink (best of shifts up to 3 px). Measured: 0.82 to 0.89 for
the seven captions (FreeType rounds each advance to whole pixels, pdfium does not);
the same captions with their words swapped score 0.29 to 0.44, and Arabic, Hebrew,
Thai and Devanagari laid out unshaped in typed order (Pillow's basic layout, what the
PDF printed before) 0.25 to 0.43. A caption reversed, unjoined or misordered fails.
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont, features

from qrbatch.outputs.printing import (
    LABEL_SHEETS,
    PrintItem,
    PrintOptions,
    fonts,
    layout,
    write_pdf,
)
from qrbatch.outputs.printing.options import PAPERS
from qrbatch.outputs.printing.pdf import PT
from qrbatch.sandbox import SandboxThread
from tests.support.camera import items as camera_items
from tests.support.camera import scan_labels
from tests.support.cli import qrbatch
from tests.support.sandbox import PHONE, creds
from tests.support.sheets import write_csv

DPI = 300
# (script, caption): two words each, so the order of words is checked too.
SCRIPTS = [
    ("Arabic", "مطعم الشام"),
    ("Hebrew", "מסעדת השף"),
    ("Thai", "ร้านข้าวมันไก่ ประตูน้ำ"),
    ("Devanagari", "हिन्दी किराना"),
    ("Chinese, Japanese and Korean", "서울 치킨집"),
    ("Chinese, Japanese and Korean", "北京烤鸭店 王府井"),
    ("Chinese, Japanese and Korean", "東京ラーメン 新宿"),
]
MATCH = 0.75  # see the module's docstring


def link(index: int) -> str:
    return f"https://wa.me/message/SCRIPTS{index:07d}"


def _installed(script: str) -> bool:
    return any(fonts.find(s.regular) for s in fonts.SCRIPTS if s.name == script)


needs_fonts = pytest.mark.skipif(
    not all(_installed(name) for name, _ in SCRIPTS) or not features.check("raqm"),
    reason="the Noto fonts of .ci/run (fonts-noto-core, fonts-noto-cjk) and Pillow's raqm",
)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PrintItem]]:
    """One A6 card per script: the caption large, alone on its line."""
    items = [
        PrintItem(row=i + 2, label=text, phone="", message="", code=f"C{i}", deep_link=link(i))
        for i, (_, text) in enumerate(SCRIPTS)
    ]
    target = tmp_path_factory.mktemp("scripts") / "cards.pdf"
    write_pdf(items, target, PrintOptions(layout="cards"))
    return target, items


def _squash(text: str) -> str:
    """Without spaces and invisible fillers (viewers differ in those)."""
    return "".join(text.replace("\u034f", "").split())


@needs_fonts
def test_every_caption_is_in_the_text_layer_in_typed_order(
    cards: tuple[Path, list[PrintItem]],
) -> None:
    target, items = cards
    document = pdfium.PdfDocument(target)
    for page, item in zip(document, items, strict=True):
        text = page.get_textpage().get_text_bounded()
        # viewers differ in the spaces they infer between runs; the letters, in order, not
        assert _squash(item.label) in _squash(text), (item.label, text)
        assert fonts.clean(item.label).split()[0] in text  # the first word, first


@needs_fonts
def test_every_glyph_comes_from_a_font_embedded_in_the_pdf(
    cards: tuple[Path, list[PrintItem]],
) -> None:
    target, _ = cards
    document = pdfium.PdfDocument(target)
    names = set()
    for page in document:
        for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(text.raw)
            name = ctypes.create_string_buffer(256)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, 256)
            assert pdfium_c.FPDFFont_GetIsEmbedded(font), name.value
            names.add(name.value.decode().split("+")[-1])
    assert {"NotoSansArabicBold", "NotoSansHebrewBold", "NotoSansThaiBold"} <= names
    assert "NotoSansDevanagariBold" in names
    # Han in each country's forms: kana text in the Japanese face, hangul in the Korean
    assert {"NotoSansCJKJPBold", "NotoSansCJKKRBold", "NotoSansCJKSCBold"} <= names


def _ink(image: Image.Image) -> np.ndarray:
    """Dark pixels, cut to their bounding box."""
    dark = np.asarray(image.convert("L")) < 128
    rows, columns = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    assert rows.size and columns.size, "no ink"
    return dark[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def _overlap(printed: np.ndarray, shaped: np.ndarray) -> float:
    """Ink in common over ink in either, the two placed on one canvas by their corner
    (the best of shifts up to 3 pixels: two rasterisers round differently)."""
    height = max(printed.shape[0], shaped.shape[0]) + 6
    width = max(printed.shape[1], shaped.shape[1]) + 6
    a = np.zeros((height, width), bool)
    a[3 : 3 + printed.shape[0], 3 : 3 + printed.shape[1]] = printed
    best = 0.0
    for dy in range(7):
        for dx in range(7):
            b = np.zeros((height, width), bool)
            b[dy : dy + shaped.shape[0], dx : dx + shaped.shape[1]] = shaped
            best = max(best, float((a & b).sum() / (a | b).sum()))
    return best


def _harfbuzz(text: str, script: str, size_pt: float, engine: ImageFont.Layout) -> np.ndarray:
    """``text`` laid out by Pillow (raqm: FriBiDi + HarfBuzz) in the caption's bold font."""
    face = next(s for s in fonts.SCRIPTS if s.name == script)
    path = fonts.find(face.bold or face.regular) or fonts.find(face.regular)
    assert path is not None
    index = fonts.CJK_FACES[fonts.cjk_language(text)] if face is fonts.CJK else face.index
    font = ImageFont.truetype(str(path), round(size_pt * DPI / 72), index=index,
                              layout_engine=engine)  # fmt: skip
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 40, bottom - top + 40), 255)
    ImageDraw.Draw(image).text((20 - left, 20 - top), text, font=font, fill=0)
    return _ink(image)


def _printed_caption(page: pdfium.PdfPage, item: PrintItem) -> tuple[np.ndarray, float]:
    """The caption's first line as printed, rendered at 300 dpi, and its size (pt)."""
    options = PrintOptions(layout="cards")
    placement = next(layout([item], options))
    size = placement.caption.label
    _, height = PAPERS["a6"]
    line = size * 1.2 * PT * DPI / 25.4
    top = (height - placement.text_top) * DPI / 25.4 - line / 3  # marks above the line too
    bottom = top + line * 5 / 3
    image = page.render(scale=DPI / 72).to_pil()
    left = placement.text_x * DPI / 25.4
    right = left + placement.text_width * DPI / 25.4
    return _ink(image.crop((round(left), round(top), round(right), round(bottom)))), size


@needs_fonts
def test_each_caption_prints_as_harfbuzz_shapes_it(cards: tuple[Path, list[PrintItem]]) -> None:
    target, items = cards
    document = pdfium.PdfDocument(target)
    scores = {}
    for page, item, (script, text) in zip(document, items, SCRIPTS, strict=True):
        printed, size = _printed_caption(page, item)
        shaped = _harfbuzz(text, script, size, ImageFont.Layout.RAQM)
        scores[text] = _overlap(printed, shaped)
        swapped = " ".join(reversed(text.split()))  # the check sees the words' order
        assert _overlap(printed, _harfbuzz(swapped, script, size, ImageFont.Layout.RAQM)) < 0.6
        if script != "Chinese, Japanese and Korean":  # and what the issue saw: unshaped
            unshaped = _harfbuzz(text, script, size, ImageFont.Layout.BASIC)
            assert _overlap(printed, unshaped) < 0.6, text
    assert all(score >= MATCH for score in scores.values()), scores


LONG = [
    "Mie Gacoan Cabang Bekasi Timur Raya Dua",
    "Rumah Makan Padang Sederhana Cabang Kebayoran Baru",
    "مطعم الشام الدمشقي للمأكولات الشرقية فرع الرياض",
    "ร้านข้าวมันไก่ประตูน้ำ สาขาสยามพารากอน ชั้นห้า",
    "हिन्दी किराना स्टोर दिल्ली शाखा नंबर दो",
    "北京烤鸭店 王府井大街分店 第二餐厅",
]


@needs_fonts
def test_long_names_on_a4_3x7_print_whole_within_their_label(tmp_path: Path) -> None:
    items = [
        PrintItem(row=i + 2, label=name, phone="+62 857-1234-5006",
                  message="Halo! Saya ingin memesan promo Harbolnas 12.12",
                  code=f"L{i}", deep_link=link(i))
        for i, name in enumerate(LONG)
    ]  # fmt: skip
    options = PrintOptions(layout="labels", paper="a4-3x7", note="Scan to chat with us")
    target = tmp_path / "long.pdf"
    write_pdf(items, target, options)
    page = pdfium.PdfDocument(target)[0]
    textpage = page.get_textpage()
    text = _squash(textpage.get_text_bounded())
    for name in LONG:
        assert _squash(name) in text, name
    assert text.count("Scantochatwithus") == len(LONG)
    sheet = LABEL_SHEETS["a4-3x7"]
    _, page_height = PAPERS["a4"]
    placements = list(layout(items, options))
    labels = []
    for index in range(len(placements)):  # each label's own rectangle
        row, column = divmod(index, sheet.columns)
        left, top = (
            sheet.left + column * sheet.pitch_x,
            page_height - sheet.top - row * sheet.pitch_y,
        )
        labels.append(_box_pt(left, top - sheet.height, sheet.width, sheet.height))
    for index in range(textpage.count_chars()):
        box = textpage.get_charbox(index)
        if box[2] - box[0] <= 0:
            continue  # a space or a filler
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        owner = [i for i, label in enumerate(labels) if _inside((*centre, *centre), label)]
        assert owner, f"text outside every label: {textpage.get_text_bounded(*box)!r}"
        placement = placements[owner[0]]
        code = _box_pt(placement.x, placement.y, placement.size, placement.size)
        room = _box_pt(placement.text_x, placement.text_bottom, placement.text_width,
                       placement.text_top - placement.text_bottom)  # fmt: skip
        assert _inside(box, _grow(room, 0.5)), (placement.item.label, box, room)
        assert not _overlaps(box, code), (placement.item.label, box, code)


def _box_pt(x: float, y: float, width: float, height: float) -> tuple[float, ...]:
    k = 72 / 25.4
    return (x * k, y * k, (x + width) * k, (y + height) * k)


def _grow(box: tuple[float, ...], by: float) -> tuple[float, ...]:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _inside(box: tuple[float, ...], room: tuple[float, ...]) -> bool:
    return box[0] >= room[0] and box[1] >= room[1] and box[2] <= room[2] and box[3] <= room[3]


def _overlaps(box: tuple[float, ...], other: tuple[float, ...]) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def test_a_name_too_long_for_three_lines_is_cut_at_a_word_and_kept_in_the_text_layer(
    tmp_path: Path,
) -> None:
    name = " ".join(f"Cabang{i}" for i in range(40))
    item = PrintItem(row=2, label=name, phone="1", message="", code="X", deep_link=link(1))
    target = tmp_path / "cut.pdf"
    write_pdf([item], target, PrintOptions(layout="labels", paper="letter-3x10"))
    text = pdfium.PdfDocument(target)[0].get_textpage().get_text_bounded()
    assert "…" in text
    assert all(f"Cabang{i}" in text for i in range(40))  # every word, the cut ones hidden
    visible = text.split("…")[0].split()
    assert all(word.startswith("Cabang") and word[6:].isdigit() for word in visible)


def test_a_script_without_its_font_is_left_out_with_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    installed = dict(fonts._installed())
    for name in list(installed):
        if name.startswith(("NotoSansThai", "NotoColorEmoji")):
            del installed[name]
    monkeypatch.setattr(fonts, "_installed", lambda: installed)
    items = [
        PrintItem(row=2, label="ร้านกาแฟ Kopi ☕", phone="", message="", code="A",
                  deep_link=link(1)),
        PrintItem(row=3, label="ร้านอาหาร 🎉", phone="", message="", code="B", deep_link=link(2)),
    ]  # fmt: skip
    target = tmp_path / "thai.pdf"
    with caplog.at_level(logging.WARNING, logger="qrbatch"):
        write_pdf(items, target, PrintOptions(layout="labels"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "Thai" in w]) == 1, warnings  # once per run
    assert any("apt-get install fonts-noto-core" in w for w in warnings)
    assert len([w for w in warnings if "emoji" in w]) == 1
    assert any("fonts-noto-color-emoji" in w for w in warnings)
    text = pdfium.PdfDocument(target)[0].get_textpage().get_text_bounded()
    assert "Kopi" in text and "ร" not in text and "☕" not in text
    assert "\ufffd" not in text  # no replacement character, no empty box


def test_the_note_prints_with_every_code(tmp_path: Path) -> None:
    items = [
        PrintItem(row=2, label=f"Toko {i}", phone="+62 857-1234-5006", message="", code=str(i),
                  deep_link=link(i))
        for i in range(4)
    ]  # fmt: skip
    for layout_name in ("cards", "labels", "poster"):
        target = tmp_path / f"{layout_name}.pdf"
        options = PrintOptions(layout=layout_name, note="Pindai untuk chat")  # type: ignore[arg-type]
        write_pdf(items, target, options)
        document = pdfium.PdfDocument(target)
        text = "".join(page.get_textpage().get_text_bounded() for page in document)
        assert text.count("Pindai untuk chat") == 4, layout_name
        assert text.count("+62 857-1234-5006") == 4


@pytest.mark.parametrize(("paper", "labels", "needed"), [("letter-3x10", 30, 29),
                                                         ("a4-3x7", 21, 21)])  # fmt: skip
def test_small_labels_scan_through_a_phone_camera(
    tmp_path: Path, paper: str, labels: int, needed: int
) -> None:
    """One sheet of each (the bench prints sixty: bench/print_scan_bench.py)."""
    result = scan_labels(camera_items(labels), paper, tmp_path)
    assert result.decoded >= needed, result
    assert result.module_mm >= 0.65, result


def test_a_run_prints_the_note_and_reports_its_module_size(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(
        tmp_path / "shops.csv",
        [
            ["Store", "Phone", "Message"],
            ["Toko Jaya", PHONE, "Halo!"],
            ["Toko Maju", PHONE, "Promo"],
        ],
    )
    done = qrbatch(
        "run", str(source), "--endpoint", sandbox_thread.url, "--pdf", "--label-column", "Store",
        "--pdf-layout", "labels", "--pdf-paper", "letter-3x10", "--pdf-note", "Scan to chat",
        env=creds(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"PDF: {tmp_path / 'shops.results.pdf'} (modules 0.69 mm)" in done.stdout
    text = pdfium.PdfDocument(tmp_path / "shops.results.pdf")[0].get_textpage().get_text_bounded()
    assert text.count("Scan to chat") == 2
    summary = {
        row[0]: row[1]
        for row in load_workbook(tmp_path / "shops.results.xlsx")["Summary"].iter_rows(
            values_only=True
        )
    }
    assert summary["PDF module size (mm)"] == 0.69


def test_the_note_alone_is_said_in_the_runs_language(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "toko.csv", [["Toko", "Phone", "Message"], ["Jaya", PHONE, "Hi"]])
    done = qrbatch(
        "run", str(source), "--endpoint", sandbox_thread.url, "--pdf", "--label-column", "Toko",
        "--pdf-note", "--language", "id", env=creds(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(modul " in done.stdout  # the PDF line in Indonesian too
    text = pdfium.PdfDocument(tmp_path / "toko.results.pdf")[0].get_textpage().get_text_bounded()
    assert "Pindai untuk chat di WhatsApp" in text
    summary = load_workbook(tmp_path / "toko.results.xlsx")["Summary"]
    assert any(row[0] == "Ukuran modul PDF (mm)" for row in summary.iter_rows(values_only=True))


def test_qrbatch_pdf_says_the_module_size_and_takes_the_note_from_a_job_file(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    source = write_csv(tmp_path / "shops.csv", [["Phone", "Message"], [PHONE, "Halo!"]])
    job = tmp_path / "job.toml"
    job.write_text(
        f'[job]\ninput = "shops.csv"\nendpoint = "{sandbox_thread.url}"\npdf = true\n'
        'pdf-note = "Pindai untuk chat"\n'
    )
    assert qrbatch("run", str(job), env=creds()).returncode == 0
    pdf = tmp_path / "shops.results.pdf"
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_bounded()
    assert "Pindai untuk chat" in text
    done = qrbatch("pdf", str(tmp_path / "shops.results.xlsx"), "-o", str(tmp_path / "p.pdf"),
                   "--pdf-layout", "poster")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(1 pages, modules " in done.stdout and " mm)" in done.stdout
    assert source.exists()


def test_modules_under_half_a_millimetre_warn_once(caplog: pytest.LogCaptureFixture) -> None:
    items = camera_items(5)
    options = PrintOptions(layout="labels", paper="letter-3x10", size_mm=14.3)
    with caplog.at_level(logging.WARNING, logger="qrbatch"):
        placements = list(layout(items, options))
    assert all(p.module_mm < 0.5 for p in placements)
    warnings = [r.getMessage() for r in caplog.records if "modules" in r.getMessage()]
    assert len(warnings) == 1 and "phones may not read them" in warnings[0], warnings


def test_without_any_font_latin_still_prints_and_the_rest_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(fonts, "_installed", lambda: {})
    items = [PrintItem(row=2, label="Toko Émile 北京", phone="+62 857", message="", code="A",
                       deep_link=link(1))]  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="qrbatch"):
        write_pdf(items, tmp_path / "bare.pdf", PrintOptions(layout="cards"))
    text = pdfium.PdfDocument(tmp_path / "bare.pdf")[0].get_textpage().get_text_bounded()
    assert "Toko Émile" in text and "北" not in text
    assert any("fonts-noto-cjk" in r.getMessage() for r in caplog.records)
