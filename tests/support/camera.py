"""A phone camera pointed at a printed label, simulated (issue 24): the PDF rendered at
300 dpi, each label cut out and downscaled (area average) to an effective 125 dpi,
contrast x0.55, brightness x0.9, a Gaussian blur of radius 1, Gaussian noise of sigma 6
and a 5° rotation, then decoded with zxing-cpp. Shared by the test and
``bench/print_scan_bench.py``.

The noise comes after the blur, as a sensor's does after the lens: the harsher order
(level Q codes with 0.52 mm modules, the old 5160 labels, read 12 times in 60 at 125 dpi
this way, 34 with the noise before the blur)."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageEnhance, ImageFilter

from qrbatch.outputs.printing import LABEL_SHEETS, PrintItem, PrintOptions, layout, write_pdf
from qrbatch.outputs.printing.options import PAPERS

RENDER_DPI = 300
CAMERA_DPI = 125
CONTRAST, BRIGHTNESS, NOISE_SIGMA, BLUR_RADIUS, ROTATION = 0.55, 0.9, 6.0, 1.0, 5.0
# Store names in thirteen scripts, as CAMS's markets write them (long ones too).
NAMES = [
    "Mie Gacoan Cabang Bekasi Timur", "Kopi Kenangan Senopati", "مطعم الشام الدمشقي",
    "מסעדת השף הגדול", "ร้านข้าวมันไก่ประตูน้ำ", "हिन्दी किराना स्टोर", "서울 치킨집 강남역점",
    "北京烤鸭店 王府井分店", "東京ラーメン屋 新宿店", "Ẩm thực Việt Nam", "Ресторан Москва",
    "Εστιατόριο Αθήνα", "கடை சென்னை", "Toko Émile ☕",
]  # fmt: skip


def items(count: int, seed: int = 24) -> list[PrintItem]:
    """``count`` labels with CAMS-like 14-character codes and names in every script."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        code = "".join(rng.choices(string.ascii_uppercase + string.digits, k=14))
        out.append(
            PrintItem(
                row=index + 2,
                label=f"{NAMES[index % len(NAMES)]} {index + 1}",
                phone="+62 857-1234-5006",
                message="Halo! Saya ingin memesan promo Harbolnas 12.12",
                code=code,
                deep_link=f"https://wa.me/message/{code}",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ScanResult:
    decoded: int
    total: int
    module_mm: float
    error: str


def photograph(
    label: Image.Image, rng: np.random.Generator, dpi: float = CAMERA_DPI
) -> Image.Image:
    """One label (rendered at RENDER_DPI) as the simulated camera sees it at ``dpi``."""
    scale = dpi / RENDER_DPI
    size = (max(1, round(label.width * scale)), max(1, round(label.height * scale)))
    image = label.convert("L").resize(size, Image.Resampling.BOX)
    image = ImageEnhance.Contrast(image).enhance(CONTRAST)
    image = ImageEnhance.Brightness(image).enhance(BRIGHTNESS)
    image = image.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(0, NOISE_SIGMA, (size[1], size[0]))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    background = int(np.median(np.asarray(image)))
    return image.rotate(ROTATION, Image.Resampling.BILINEAR, expand=True, fillcolor=background)


def scan_labels(
    labels: Sequence[PrintItem],
    paper: str,
    folder: Path,
    seed: int = 24,
    dpi: float = CAMERA_DPI,
    size_mm: float | None = None,
) -> ScanResult:
    """Print ``labels`` on ``paper`` and count the codes the simulated camera reads."""
    options = PrintOptions(layout="labels", paper=paper, size_mm=size_mm)
    target = folder / f"{paper}.pdf"
    write_pdf(labels, target, options)
    sheet = LABEL_SHEETS[paper]
    _, page_height = PAPERS[sheet.paper]
    px = RENDER_DPI / 25.4
    rng = np.random.default_rng(seed)
    document = pdfium.PdfDocument(target)
    pages: dict[int, Image.Image] = {}
    decoded = 0
    placements = list(layout(labels, options))
    for index, placement in enumerate(placements):
        if placement.page not in pages:
            pages[placement.page] = document[placement.page].render(scale=RENDER_DPI / 72).to_pil()
        slot = index % sheet.per_page
        row, column = divmod(slot, sheet.columns)
        left = sheet.left + column * sheet.pitch_x
        top = sheet.top + row * sheet.pitch_y
        box = (
            round(left * px), round(top * px),
            round((left + sheet.width) * px), round(min(page_height, top + sheet.height) * px),
        )  # fmt: skip
        photo = photograph(pages[placement.page].crop(box), rng, dpi)
        found = [c.text for c in zxingcpp.read_barcodes(photo)]
        decoded += placement.item.deep_link in found
    document.close()
    smallest = min(placements, key=lambda p: p.module_mm)
    return ScanResult(decoded, len(placements), smallest.module_mm, smallest.error.upper())
