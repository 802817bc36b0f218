"""Reading printed output back: the codes and text on a PDF's pages, a ZIP's manifest."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp


def decode_pdf(path: Path, dpi: int = 200) -> tuple[list[str], list[str]]:
    """Every code on every page in reading order (rows top to bottom, then left to
    right), and each page's text."""
    links: list[str] = []
    texts: list[str] = []
    document = pdfium.PdfDocument(path)
    for page in document:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        found = zxingcpp.read_barcodes(image)
        centres = [
            (
                (c.position.top_left.y + c.position.bottom_right.y) / 2,
                (c.position.top_left.x + c.position.bottom_right.x) / 2,
                c.text,
            )
            for c in found
        ]
        links.extend(text for *_, text in reading_order(centres))
        texts.append(page.get_textpage().get_text_bounded())
    return links, texts


def reading_order(centres: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    ordered: list[tuple[float, float, str]] = []
    line: list[tuple[float, float, str]] = []
    for centre in sorted(centres):
        if line and centre[0] - line[0][0] > 40:
            ordered += sorted(line, key=lambda c: c[1])
            line = []
        line.append(centre)
    return ordered + sorted(line, key=lambda c: c[1])


def read_zip(path: Path) -> tuple[list[dict[str, str]], dict[str, bytes]]:
    """A print bundle's manifest rows and its images by name."""
    with zipfile.ZipFile(path) as bundle:
        manifest = bundle.read("manifest.csv").decode("utf-8-sig")
        images = {n: bundle.read(n) for n in bundle.namelist() if n.startswith("images/")}
    return list(csv.DictReader(io.StringIO(manifest))), images
