"""The PDF of labelled codes: cards, sticker labels or posters.

Each code is drawn as vector squares from the deep link (segno's matrix), so it prints
sharp at any size and any printer resolution; no bitmap is involved. Error correction is
chosen per code: the highest level (H, Q, M, then L) whose modules still print at least
``PREFERRED_MODULE_MM`` wide, since a bigger code has room to survive a scratch or a
coffee ring, and a small one needs its modules large more than it needs redundancy.
Every code keeps a light quiet zone of 4 modules (the standard's minimum) inside its
``size_mm``.

``layout`` computes where everything goes (pure, tested without drawing); ``write_pdf``
draws it with reportlab and renames the finished file into place.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qrbatch.outputs.files import atomic_path
from qrbatch.outputs.images import QUIET_ZONE, qr_code
from qrbatch.outputs.printing import fonts  # a submodule: imported as such
from qrbatch.outputs.printing.options import (
    LABEL_SHEETS,
    MARGIN,
    MIN_MODULE_MM,
    PAPERS,
    PREFERRED_MODULE_MM,
    PrintItem,
    PrintOptions,
)

log = logging.getLogger("qrbatch")
ERROR_LEVELS = ("h", "q", "m", "l")


@dataclass(frozen=True, slots=True)
class Caption:
    """Text sizes (pt) and line limits of one layout's caption."""

    label: float
    number: float
    message: float
    label_lines: int
    message_lines: int

    def scaled(self, factor: float) -> Caption:
        return Caption(
            self.label * factor,
            self.number * factor,
            self.message * factor,
            self.label_lines,
            self.message_lines,
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one item goes on its page (mm from the page's bottom-left corner)."""

    item: PrintItem
    page: int
    x: float
    y: float
    size: float
    """Side of the code, quiet zone included."""
    error: str
    modules: int
    """Modules across the code, quiet zone included."""
    text_x: float
    text_top: float
    text_width: float
    text_bottom: float
    text_align: str
    caption: Caption

    @property
    def module_mm(self) -> float:
        return self.size / self.modules


CARD = Caption(14, 11, 10, 2, 4)
POSTER = Caption(28, 18, 15, 2, 3)
LABEL_SIDE = Caption(8.5, 7, 6.5, 2, 3)
LABEL_BELOW = Caption(9, 7.5, 7, 1, 2)


def choose_error(url: str, size_mm: float) -> tuple[str, int]:
    """The highest error correction whose modules print >= PREFERRED_MODULE_MM, with its
    module count (quiet zone included); level L when none does."""
    for level in ERROR_LEVELS:
        modules = int(qr_code(url, level).symbol_size(border=QUIET_ZONE)[0])
        if size_mm / modules >= PREFERRED_MODULE_MM or level == "l":
            if size_mm / modules < MIN_MODULE_MM:
                _warn_small_modules(size_mm, modules)
            return level, modules
    raise AssertionError("unreachable")


@functools.cache
def _warn_small_modules(size_mm: float, modules: int) -> None:
    """Once per size and module count, not once per code (1,000 labels, one warning)."""
    log.warning(
        "%.0f mm codes of %d modules have %.2f mm modules: phones may not read them from "
        "paper (make them at least %.0f mm)",
        size_mm,
        modules,
        size_mm / modules,
        modules * MIN_MODULE_MM,
    )


def page_size(options: PrintOptions) -> tuple[float, float]:
    """The page (width, height) in mm."""
    if options.layout == "labels":
        return PAPERS[LABEL_SHEETS[options.paper_name].paper]
    return PAPERS[options.paper_name]


def layout(items: Sequence[PrintItem], options: PrintOptions) -> Iterator[Placement]:
    """Every item's placement, in item order (labels fill rows left to right)."""
    width, height = page_size(options)
    if options.layout == "labels":
        yield from _labels(items, options)
        return
    caption = CARD if options.layout == "cards" else POSTER.scaled(options.poster_scale)
    margin, text_room = MARGIN[options.layout], options.text_room_mm
    size = options.code_size_mm
    x = (width - size) / 2
    # code and caption as one block, centred on the page (a tent or a frame shows it all)
    y = (height + size + text_room) / 2 - size
    for page, item in enumerate(items):
        level, modules = choose_error(item.deep_link, size)
        yield Placement(
            item, page, x, y, size, level, modules,
            margin, y - 2, width - 2 * margin, margin / 2, "center", caption,
        )  # fmt: skip


def _labels(items: Sequence[PrintItem], options: PrintOptions) -> Iterator[Placement]:
    sheet = LABEL_SHEETS[options.paper_name]
    _, page_height = PAPERS[sheet.paper]
    pad = MARGIN["labels"]
    stacked = sheet.stacked
    size = options.code_size_mm
    for index, item in enumerate(items):
        page, slot = divmod(index, sheet.per_page)
        row, column = divmod(slot, sheet.columns)
        left = sheet.left + column * sheet.pitch_x
        top = page_height - sheet.top - row * sheet.pitch_y
        level, modules = choose_error(item.deep_link, size)
        if stacked:
            x, y = left + (sheet.width - size) / 2, top - pad - size
            bottom = top - sheet.height + pad
            text = (left + pad, y - 0.5, sheet.width - 2 * pad, bottom, "center", LABEL_BELOW)
        else:
            x, y = left + pad, top - (sheet.height + size) / 2
            text_x = x + size + 0.5
            text = (
                text_x, top - pad - 1, left + sheet.width - pad - text_x,
                top - sheet.height + pad, "left", LABEL_SIDE,
            )  # fmt: skip
        yield Placement(item, page, x, y, size, level, modules, *text)


def write_pdf(items: Sequence[PrintItem], target: Path | str, options: PrintOptions) -> int:
    """Write ``items`` as a PDF of labelled codes to ``target`` (atomically); return the
    number of pages. An empty ``items`` writes one page that says there is nothing to
    print, so a link to the PDF never points at a broken file."""
    target = Path(target)
    width, height = page_size(options)
    pages = 0
    with atomic_path(target) as temp:
        canvas = Canvas(str(temp), pagesize=(width * mm, height * mm), pageCompression=1)
        canvas.setTitle(options.title)
        canvas.setCreator("qrbatch")
        canvas.setSubject(f"{options.layout}, {options.paper_name}")
        current = -1
        for placement in layout(items, options):
            if placement.page != current:
                if current >= 0:
                    canvas.showPage()
                current = placement.page
                pages += 1
                _draw_banner(canvas, options.banner, width, height)
            _draw(canvas, placement, options.message_chars)
        if pages == 0:
            face = fonts.fonts().regular
            canvas.setFont(face, 14)
            canvas.drawCentredString(width * mm / 2, height * mm / 2, "No codes to print.")
            pages = 1
        canvas.showPage()
        canvas.save()
    return pages


def _draw_banner(canvas: Canvas, banner: str, width: float, height: float) -> None:
    """A warning across the top of every page (sandbox codes do not work on WhatsApp)."""
    if not banner:
        return
    text, face = fonts.clean(banner), fonts.fonts().regular
    size = min(7.0, 7.0 * (width - 8) * mm / canvas.stringWidth(text, face, 7))  # fits A6 too
    canvas.setFillColorRGB(0.75, 0, 0)
    canvas.setFont(face, size)
    canvas.drawCentredString(width * mm / 2, height * mm - 3.5 * mm, text)
    canvas.setFillColorRGB(0, 0, 0)


def _draw(canvas: Canvas, placement: Placement, message_chars: int) -> None:
    _draw_code(canvas, placement)
    _draw_caption(canvas, placement, message_start(placement.item.message, message_chars))


def _draw_code(canvas: Canvas, p: Placement) -> None:
    """The code as filled rectangles, one per horizontal run of dark modules (fewer,
    larger shapes than one per module: smaller files, no hairline seams)."""
    qr = qr_code(p.item.deep_link, p.error)
    module = p.size / p.modules * mm
    left, top = p.x * mm, (p.y + p.size) * mm
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(left, p.y * mm, p.size * mm, p.size * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(qr.matrix_iter(border=QUIET_ZONE)):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                path.rect(
                    left + start * module, top - (r + 1) * module, (c - start) * module, module
                )
                start = None
    canvas.drawPath(path, stroke=0, fill=1)


def message_start(message: str, chars: int) -> str:
    """The first ``chars`` characters of ``message``, cut at a word where one is near."""
    message = fonts.clean(message)
    if len(message) <= chars:
        return message
    cut = message[:chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > chars * 0.6 else cut).rstrip() + "…"


def _draw_caption(canvas: Canvas, p: Placement, message: str) -> None:
    item, caption = p.item, p.caption
    available = p.text_width * mm
    lines: list[tuple[str, float, bool]] = []
    label = item.label or item.phone
    for text in fonts.wrap(label, available, caption.label, caption.label_lines, bold=True):
        lines.append((text, caption.label, True))
    if label != item.phone:
        for text in fonts.wrap(item.phone, available, caption.number, 1):
            lines.append((text, caption.number, False))
    for text in fonts.wrap(message, available, caption.message, caption.message_lines):
        lines.append((text, caption.message, False))
    y = p.text_top * mm
    for index, (text, size, bold) in enumerate(lines):
        y -= size * 1.2
        if index and y < p.text_bottom * mm:
            break  # the caption is cut before it runs into the next label
        _draw_runs(canvas, text, size, bold, p.text_x * mm, y, available, p.text_align)


def _draw_runs(
    canvas: Canvas, text: str, size: float, bold: bool, x: float, y: float, width: float, align: str
) -> None:
    if align == "center":
        x += (width - fonts.width(text, size, bold=bold)) / 2
    for font, part in fonts.runs(text, bold=bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += canvas.stringWidth(part, font, size)
