"""The PDF of labelled codes: cards, sticker labels or posters.

Each code is drawn as vector squares from the deep link (segno's matrix), so it prints
sharp at any size and any printer resolution; no bitmap is involved. Error correction is
chosen per code to keep modules large: the highest level (H, Q, M, L) whose modules
still print ``PREFERRED_MODULE_MM`` wide, else the level with the largest modules (a
phone's camera needs big modules more than redundancy). Every code keeps a quiet zone of
4 modules (the standard's minimum) inside its ``size_mm``; on a label that zone may reach
the label's edge.

Captions are shaped in every script and embedded (``typeset``); they fit their room: up
to three lines for the name, the type shrinks before anything is cut, and a cut is made
at a word, with an ellipsis, only as a last resort (the whole name stays in the text
layer, the part cut off written invisibly).

``layout`` computes where everything goes (pure, tested without drawing); ``write_pdf``
draws it with fpdf2 and renames the finished file into place.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qrbatch.outputs.files import atomic_path
from qrbatch.outputs.images import QUIET_ZONE, modules_across, qr_code
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
from qrbatch.words import say

if TYPE_CHECKING:  # fpdf2 and the fonts load when a PDF is written, not on import
    from fpdf import FPDF

    from qrbatch.outputs.printing.typeset import Typesetter

LEADING, PT = fonts.LEADING, fonts.PT
ELLIPSIS = "…"
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


CARD = Caption(14, 11, 10, 3, 4)
POSTER = Caption(28, 18, 15, 3, 3)
LABEL_SIDE = Caption(8.5, 7, 6.5, 3, 3)
LABEL_BELOW = Caption(9, 7.5, 7, 3, 2)
SHRINK = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)  # type sizes tried before a cut


def choose_error(url: str, size_mm: float) -> tuple[str, int]:
    """The error correction of a ``size_mm`` code of ``url``, with its module count
    (quiet zone included): the highest level whose modules print at least
    PREFERRED_MODULE_MM, else the one with the largest modules (the higher level of two
    the same size). Warns (once per size) under MIN_MODULE_MM."""
    best: tuple[str, int] | None = None
    for level in ERROR_LEVELS:
        modules = modules_across(url, level)
        if size_mm / modules >= PREFERRED_MODULE_MM:
            return level, modules
        if best is None or modules < best[1]:
            best = (level, modules)
    assert best is not None
    if size_mm / best[1] < MIN_MODULE_MM:
        _warn_small_modules(size_mm, best[1])
    return best


@functools.cache
def _warn_small_modules(size_mm: float, modules: int) -> None:
    """Once per size and module count, not once per code (1,000 labels, one warning)."""
    log.warning(
        "%.0f mm codes of %d modules have %.2f mm modules: phones may not read them from "
        "paper (make them at least %.0f mm, or use larger labels)",
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
            margin, y - 2, width - 2 * margin, margin / 2, "C", caption,
        )  # fmt: skip


def _labels(items: Sequence[PrintItem], options: PrintOptions) -> Iterator[Placement]:
    """On a label the code's quiet zone may reach the label's edge: the caption goes
    beside the code (wide labels) or below it (square-ish ones), within the label's
    padding, never over the code's quiet zone."""
    sheet = LABEL_SHEETS[options.paper_name]
    _, page_height = PAPERS[sheet.paper]
    pad = MARGIN["labels"]
    size = options.code_size_mm
    for index, item in enumerate(items):
        page, slot = divmod(index, sheet.per_page)
        row, column = divmod(slot, sheet.columns)
        left = sheet.left + column * sheet.pitch_x
        top = page_height - sheet.top - row * sheet.pitch_y
        level, modules = choose_error(item.deep_link, size)
        if sheet.stacked:
            x, y = left + (sheet.width - size) / 2, top - size
            bottom = top - sheet.height + pad
            text = (left + pad, y, sheet.width - 2 * pad, bottom, "C", LABEL_BELOW)
        else:
            x, y = left, top - (sheet.height + size) / 2
            text_x = x + size
            text = (
                text_x, top - pad, left + sheet.width - pad - text_x,
                top - sheet.height + pad, "L", LABEL_SIDE,
            )  # fmt: skip
        yield Placement(item, page, x, y, size, level, modules, *text)


def smallest_module_mm(items: Sequence[PrintItem], options: PrintOptions) -> float | None:
    """The smallest module the PDF of ``items`` prints (mm), for the run's Summary."""
    sizes = [placement.module_mm for placement in layout(items, options)]
    return min(sizes) if sizes else None


def write_pdf(items: Sequence[PrintItem], target: Path | str, options: PrintOptions) -> int:
    """Write ``items`` as a PDF of labelled codes to ``target`` (atomically); return the
    number of pages. An empty ``items`` writes one page that says there is nothing to
    print, so a link to the PDF never points at a broken file."""
    from fpdf import FPDF

    from qrbatch.outputs.printing.typeset import Typesetter

    target = Path(target)
    width, height = page_size(options)
    placements = list(layout(items, options))
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_compression(True)
    pdf.set_title(options.title)
    pdf.set_creator("qrbatch")
    pdf.set_subject(f"{options.layout}, {options.paper_name}")
    nothing = say("workbook.print.nothing", language=options.language)
    texts = [options.banner, options.note, nothing]
    for item in items:
        texts += (item.phone, message_start(item.message, options.message_chars))
    setter = Typesetter(pdf, texts, bold=[item.label or item.phone for item in items])
    note = setter.printable(options.note)
    current = -1
    for placement in placements:
        if placement.page != current:
            current = placement.page
            pdf.add_page()
            _draw_banner(setter, options.banner, width)
        _draw_code(pdf, placement, height)
        message = setter.printable(message_start(placement.item.message, options.message_chars))
        _draw_caption(setter, placement, height, note, message)
    if not placements:
        pdf.add_page()
        setter.draw(nothing, 0, height / 2 - 3, width, 14, False, "C")
    setter.finish()
    with atomic_path(target) as temp:
        pdf.output(str(temp))
    return max(1, current + 1)


def _draw_banner(setter: Typesetter, banner: str, width: float) -> None:
    """A warning across the top of every page (sandbox codes do not work on WhatsApp)."""
    text = setter.printable(banner)
    if not text:
        return
    size = min(7.0, 7.0 * (width - 8) / setter.width(text, 7))  # fits A6 too
    setter.pdf.set_text_color(190, 0, 0)
    setter.draw(text, 4, 1.5, width - 8, size, False, "C")
    setter.pdf.set_text_color(0, 0, 0)


def _draw_code(pdf: FPDF, p: Placement, page_height: float) -> None:
    """The code as filled rectangles, one per horizontal run of dark modules (fewer,
    larger shapes than one per module: smaller files, no hairline seams), on white."""
    qr = qr_code(p.item.deep_link, p.error)
    module = p.size / p.modules
    left, top = p.x, page_height - p.y - p.size
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(left, top, p.size, p.size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(qr.matrix_iter(border=QUIET_ZONE)):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                pdf.rect(left + start * module, top + r * module, (c - start) * module, module,
                         style="F")  # fmt: skip
                start = None


def message_start(message: str, chars: int) -> str:
    """The first ``chars`` characters of ``message``, cut at a word where one is near."""
    message = fonts.clean(message)
    if len(message) <= chars:
        return message
    cut = message[:chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > chars * 0.6 else cut).rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    size: float
    bold: bool = False
    hidden: str = ""  # text cut off the line: in the text layer, not on paper

    @property
    def height(self) -> float:
        return self.size * LEADING * PT


def fit_caption(
    setter: Typesetter, p: Placement, label: str, number: str, note: str, message: str
) -> list[Line]:
    """The caption's lines in its room: the name whole in up to ``label_lines`` lines,
    then the number, the note and as much of the message as fits; the type shrinks
    (down to 60 %) before the name is cut."""
    width, room = p.text_width, p.text_top - p.text_bottom
    caption = p.caption
    for factor in SHRINK:
        sizes = caption.scaled(factor)
        name = setter.wrap(label, width, sizes.label, caption.label_lines, bold=True)
        lines = [Line(t, sizes.label, True) for t in name.lines]
        for part, size in ((number, sizes.number), (note, sizes.message)):
            if part:
                wrapped = setter.wrap(part, width, size, 2 if part is note else 1)
                lines += [Line(t, size) for t in wrapped.lines]
                name.cut = name.cut or wrapped.cut
        used = sum(line.height for line in lines)
        if name.cut or used > room + 1e-6:
            if factor != SHRINK[-1]:
                continue
            return _last_resort(setter, lines, room, width, label)
        left = int((room - used + 1e-6) // (sizes.message * LEADING * PT))
        if message and left > 0:
            text = setter.wrap(message, width, sizes.message, min(left, caption.message_lines))
            lines += [Line(t, sizes.message) for t in text.lines]
        return lines
    raise AssertionError("unreachable")


def _last_resort(setter: Typesetter, lines: list[Line], room: float, width: float,
                 label: str) -> list[Line]:  # fmt: skip
    """At the smallest type: lines from the end are left out until the rest fits; the
    name's last line shown ends in an ellipsis, and the part of the name cut off is kept
    in the text layer."""
    while len(lines) > 1 and sum(line.height for line in lines) > room + 1e-6:
        lines.pop()
    named = [index for index, line in enumerate(lines) if line.bold]
    if not named:
        return lines
    last = lines[named[-1]]
    rest = _remainder(label, [lines[i].text for i in named])
    if rest and not last.text.endswith(ELLIPSIS):
        text = setter.ellipsize(last.text + " " + rest, width, last.size, True)
        last = Line(text, last.size, True)
        rest = _remainder(label, [*(lines[i].text for i in named[:-1]), text])
    lines[named[-1]] = Line(last.text, last.size, True, rest)
    return lines


def _remainder(label: str, shown: list[str]) -> str:
    """What of ``label`` follows the text of the ``shown`` lines (spaces aside)."""
    letters = sum(len("".join(line.removesuffix(ELLIPSIS).split())) for line in shown)
    for index, char in enumerate(label):
        if letters == 0:
            return label[index:].strip()
        letters -= not char.isspace()
    return ""


def _draw_caption(
    setter: Typesetter, p: Placement, page_height: float, note: str, message: str
) -> None:
    item = p.item
    label = setter.printable(item.label or item.phone)
    number = setter.printable(item.phone) if item.label and item.label != item.phone else ""
    lines = fit_caption(setter, p, label, number, note, message)
    top = page_height - p.text_top
    if p.text_align == "L":  # beside a code: centred on it
        room = p.text_top - p.text_bottom
        top += max(0.0, (room - sum(line.height for line in lines)) / 2)
    for line in lines:
        paragraph = label if line.bold else line.text  # a name's lines share its direction
        setter.draw(
            line.text, p.text_x, top, p.text_width, line.size, line.bold, p.text_align, paragraph
        )
        if line.hidden:  # after the visible words, in the room the line leaves
            shown = setter.width(line.text, line.size, line.bold)
            start = p.text_x + shown + (p.text_width - shown) / 2 * (p.text_align == "C")
            if setter.right_to_left(paragraph):
                start = p.text_x
            room = max(0.5, p.text_width - shown - (start - p.text_x) * (start != p.text_x))
            setter.draw_hidden(" " + line.hidden, start, top, room, line.size)
        top += line.height
