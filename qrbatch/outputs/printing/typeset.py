"""Shaped caption text on an fpdf2 page: the fonts a document needs, widths as drawn,
lines broken at words (or, in scripts without spaces, between characters, never inside
a cluster), and each line drawn shaped by HarfBuzz.

The text layer: the glyphs of each HarfBuzz cluster carry its characters in typed order
(see ``_share``), so a reader copies the caption as it was typed; glyph offsets (Thai
and Arabic marks) are written as adjustments inside one text show (``TJ``), not as jumps
of the text matrix, which viewers read as the start of another word or line.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from typing import Any

import uharfbuzz as hb
from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.line_break import Fragment

from qrbatch.outputs.printing import fonts

log = logging.getLogger("qrbatch")
PT, LEADING = fonts.PT, fonts.LEADING
ELLIPSIS = "…"
_MIN_RISE_PT = 0.1  # smaller vertical mark offsets are invisible: not worth a new text run

# fpdf2 logs every glyph a font lacks; the text is filtered first, so these are noise.
logging.getLogger("fpdf").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per font subset at INFO


class Typesetter:
    """The fonts of one document, registered on ``pdf``, and the text they can draw."""

    def __init__(self, pdf: FPDF, texts: Iterable[str], bold: Iterable[str] = ()) -> None:
        """``texts`` and ``bold`` (texts set in bold): all the document will draw, so
        that only the fonts it needs are loaded (a CJK face takes 50 MB)."""
        self.pdf = pdf
        regular_texts, bold_texts = list(texts), list(bold)
        chosen = fonts.plan([*regular_texts, *bold_texts])
        self.description = chosen.description
        if chosen.main is not None:
            regular, heavy = chosen.main
            pdf.add_font(fonts.MAIN, "", str(regular))
            pdf.add_font(fonts.MAIN, "B", str(heavy or regular))
            self.family = fonts.MAIN
        else:  # no TrueType font at all: PDF's own Helvetica, ISO 8859-1 only
            self.family = "helvetica"
        self._families: dict[tuple[str, int], str] = {}
        for family, (script, path, bold_path) in chosen.families.items():
            styles = {
                style
                for style, group in (("", regular_texts), ("B", bold_texts))
                if any(_uses(text, script) for text in group)
            }
            if not styles:
                continue
            if "B" in styles and bold_path is not None:
                pdf.add_font(family, "B", str(bold_path), collection_font_number=script.index)
            if "" in styles or bold_path is None:
                pdf.add_font(family, "", str(path), collection_font_number=script.index)
            self._families[script.name, script.index] = family
        if self._families:
            pdf.set_fallback_fonts([self.family, *self._families.values()], exact_match=False)
        pdf.set_text_shaping(True)
        pdf.c_margin = 0
        self._missing = {
            s.name for pkg, names in chosen.missing.items() for s in fonts.SCRIPTS
            if s.package == pkg and s.name in names
        }  # fmt: skip
        fonts.warn_missing(chosen.missing)
        self._cmaps: list[dict[int, Any]] = [
            font.cmap for font in pdf.fonts.values() if isinstance(font, TTFFont)
        ]
        self.unprintable: set[str] = set()
        self._has: dict[str, bool] = {}
        self._widths: dict[tuple[str, float, bool], float] = {}

    def printable(self, text: str) -> str:
        """``text`` on one line, without what no installed font draws (said once, at
        :meth:`finish`)."""
        kept: list[str] = []
        for char in fonts.clean(text):
            if self._drawable(char):
                kept.append(char)
            elif char not in fonts.ZERO_WIDTH:
                script = fonts.script_of(char)
                if script is None or script.name not in self._missing:
                    self.unprintable.add(char)
        return " ".join("".join(kept).split())

    def _drawable(self, char: str) -> bool:
        known = self._has.get(char)
        if known is None:
            script = fonts.script_of(char)
            if char == " ":
                known = True
            elif script is not None and script.name in self._missing:
                known = False
            elif self.family == "helvetica" and script is None:
                known = ord(char) < 256
            else:
                known = any(ord(char) in cmap for cmap in self._cmaps)
            self._has[char] = known
        return known

    def finish(self) -> None:
        fonts.warn_unprintable(self.unprintable)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in mm of ``text`` (already :meth:`printable`) as drawn."""
        if not text:
            return 0.0
        key = (text, size, bold)
        found = self._widths.get(key)
        if found is None:  # the number, the note and the message repeat on every label
            self._set_font(text, bold, size)
            found = self._widths[key] = float(self.pdf.get_string_width(text))
        return found

    def _set_font(self, text: str, bold: bool, size: float) -> None:
        """The line's family, in bold when that font is loaded, else in the weight that
        is (a family is loaded only in the weights the document uses)."""
        family = self.family_of(text)
        style = "B" if bold else ""
        if family != "helvetica" and family + style not in self.pdf.fonts:
            style = "" if style else "B"
        self.pdf.set_font(family, style, size)

    def family_of(self, text: str) -> str:
        """The font a line is set in: its first letter's script's, so that the spaces and
        punctuation between words of that script come from the same font as the words
        (other characters fall back to the fonts that have them)."""
        for char in text:
            if unicodedata.category(char)[0] == "L":
                script = fonts.script_of(char)
                if script is None or script.name == "emoji":
                    return self.family
                index = fonts.CJK_FACES[fonts.cjk_language(text)] if script is fonts.CJK else 0
                found = self._families.get((script.name, index))
                return found or next(
                    (f for (name, _), f in self._families.items() if name == script.name),
                    self.family,
                )
        return self.family

    def draw(
        self,
        text: str,
        x: float,
        top: float,
        width: float,
        size: float,
        bold: bool,
        align: str,
        paragraph: str = "",
    ) -> None:
        """One line in a box ``width`` mm wide whose top is ``top`` mm from the page's top.
        ``align``: ``L``, ``C`` or ``R``; a left-aligned line of a right-to-left
        ``paragraph`` (the line itself by default) is set flush right, where its reader
        starts."""
        if align == "L" and self.right_to_left(paragraph or text):
            align = "R"
        self._set_font(text, bold, size)
        self.pdf.set_xy(x, top)
        self.pdf.cell(w=width, h=size * LEADING * PT, text=text, align=align)

    def draw_hidden(self, text: str, x: float, top: float, width: float, size: float) -> None:
        """Text in the text layer only (search, copy, screen readers), squeezed into
        ``width`` mm: the part of a name the label had no room for."""
        self.pdf.set_font(self.family, "", size)
        natural = float(self.pdf.get_string_width(text))
        with self.pdf.local_context(text_mode="INVISIBLE"):
            if natural > width:
                self.pdf.set_stretching(max(1.0, 100 * width / natural))
            self.pdf.set_xy(x, top)
            self.pdf.cell(w=width, h=size * LEADING * PT, text=text, align="L")
            self.pdf.set_stretching(100)

    @staticmethod
    def right_to_left(text: str) -> bool:
        return _right_to_left(text)

    def wrap(self, text: str, width: float, size: float, lines: int, bold: bool = False) -> Wrapped:
        """``text`` in at most ``lines`` lines of ``width`` mm; ``cut`` when it did not fit
        whole (the last line then ends in an ellipsis, at a word where there is one)."""
        tokens: list[str] = []
        for token in _tokens(text):  # a CJK word wider than a line breaks between clusters
            if any(_wide(c) for c in token) and self.width(token.lstrip(), size, bold) > width:
                parts = _clusters(token)
                tokens += parts
            else:
                tokens.append(token)
        out: list[str] = []
        current = ""
        for token in tokens:
            candidate = current + token if current else token.lstrip()
            if not current or self.width(candidate, size, bold) <= width:
                current = candidate
            else:
                out.append(current.rstrip())
                current = token.lstrip()
            while self.width(current, size, bold) > width and len(_clusters(current)) > 1:
                head, current = self._split(current, width, size, bold)
                out.append(head)
        if current.strip():
            out.append(current.rstrip())
        if len(out) <= lines:
            return Wrapped(out, False)
        kept = out[:lines]
        kept[-1] = self.ellipsize(kept[-1] + " " + out[lines], width, size, bold)
        return Wrapped(kept, True)

    def _split(self, text: str, width: float, size: float, bold: bool) -> tuple[str, str]:
        """A word wider than the line, cut between clusters."""
        parts = _clusters(text)
        cut = len(parts) - 1
        while cut > 1 and self.width("".join(parts[:cut]), size, bold) > width:
            cut -= 1
        return "".join(parts[:cut]), "".join(parts[cut:])

    def ellipsize(self, text: str, width: float, size: float, bold: bool) -> str:
        """``text`` cut so that it and an ellipsis fit: at the last word that does."""
        if self.width(text + ELLIPSIS, size, bold) <= width:
            return text + ELLIPSIS
        words = text.split(" ")
        while len(words) > 1:
            words.pop()
            head = " ".join(words).rstrip()
            if self.width(head + ELLIPSIS, size, bold) <= width:
                return head + ELLIPSIS
        parts = _clusters(text)
        while len(parts) > 1 and self.width("".join(parts) + ELLIPSIS, size, bold) > width:
            parts.pop()
        return "".join(parts) + ELLIPSIS


class Wrapped:
    __slots__ = ("cut", "lines")

    def __init__(self, lines: list[str], cut: bool) -> None:
        self.lines = lines
        self.cut = cut


def _uses(text: str, script: fonts.Script) -> bool:
    """``text`` has letters the font of ``script`` draws (for a CJK face: of its
    language)."""
    scripts = {found.name for found in map(fonts.script_of, text) if found is not None}
    if script.name not in scripts:
        return False
    return script.name != fonts.CJK.name or (
        fonts.CJK_FACES[fonts.cjk_language(text)] == script.index
    )


def _right_to_left(text: str) -> bool:
    """The first strong character is Arabic or Hebrew (the paragraph's direction)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _wide(char: str) -> bool:
    """A character lines may break before: CJK ideographs, kana, hangul syllables."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _joins(char: str, previous: str) -> bool:
    """``char`` belongs to the cluster of ``previous`` (a mark, a joiner, a conjunct)."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in fonts.ZERO_WIDTH
        or previous in ("\u200d",)
        or unicodedata.combining(previous) == 9  # after a virama: the same conjunct
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= ord(char) <= 0xE007F  # flag tags
    )


def _clusters(text: str) -> list[str]:
    """``text`` in clusters no line break may split."""
    out: list[str] = []
    for char in text:
        if out and _joins(char, out[-1][-1]):
            out[-1] += char
        else:
            out.append(char)
    return out


def _tokens(text: str) -> list[str]:
    """Words, each with the space before it."""
    return [(" " if index else "") + word for index, word in enumerate(text.split(" ")) if word]


def _render_shaped(
    self: Fragment, pos_x: float, pos_y: float, h: float, word_spacing: float
) -> str:
    """fpdf2's shaped text as PDF operators, with the text layer in logical order (see
    the module's docstring)."""
    font = self.font
    if not isinstance(font, TTFFont) or word_spacing:
        return str(_fpdf_render(self, pos_x, pos_y, h, word_spacing))
    size = self.font_size_pt
    params = self.text_shaping_parameters or {}
    font.hbfont.ptem = size
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES
    buffer.add_str(self.string)
    buffer.guess_segment_properties()
    if params.get("fragment_direction") is not None:
        buffer.direction = params["fragment_direction"].value
    if params.get("script"):
        buffer.script = params["script"]
    if params.get("language"):
        buffer.language = params["language"]
    hb.shape(font.hbfont, buffer, params.get("features") or {})
    text = self.string
    backwards = buffer.direction == "rtl"
    texts = _cluster_texts(text, buffer, font.scale * size / 1000, backwards)
    stretch = self.font_stretching / 100
    out: list[str] = []
    shown: list[str] = []
    rise = carry = 0.0
    for info, position, unicode in zip(
        buffer.glyph_infos, buffer.glyph_positions, texts, strict=True
    ):
        name = font.ttfont.getGlyphName(info.codepoint)
        width = round(font.scale * font.ttfont["hmtx"].metrics[name][0])
        glyph = font.subset.get_glyph(
            glyph=info.codepoint, unicode=unicode, glyph_name=name, glyph_width=width
        )
        if glyph is None:
            continue
        dy = position.y_offset * font.scale * size / 1000
        if abs(dy - rise) >= _MIN_RISE_PT or (rise and not dy):
            if shown:
                out.append("[" + " ".join(shown) + "] TJ")
                shown = []
            out.append(f"{dy:.2f} Ts")
            rise = dy
        shift = (carry + position.x_offset * font.scale) * stretch
        if abs(shift) > 0.05:
            shown.append(f"{-shift:.1f}")
        shown.append("(" + font.escape_text(chr(font.subset.pick_glyph(glyph) or 0)) + ")")
        carry = (position.x_advance - position.x_offset) * font.scale - width
    if abs(carry) > 0.05:
        shown.append(f"{-carry * stretch:.1f}")
    if shown:
        out.append("[" + " ".join(shown) + "] TJ")
    if rise:
        out.append("0 Ts")
    return " ".join(out)


def _cluster_texts(
    text: str, buffer: hb.Buffer, points_per_unit: float, backwards: bool
) -> list[tuple[int, ...]]:
    """The characters each glyph of ``buffer`` carries in the text layer (``_share``).

    A glyph raised or lowered (a stacked Thai tone mark) is drawn in a text run of its
    own, which viewers read as another word: it carries FILLER, its characters go with
    the other glyphs of its cluster. Right-to-left clusters are stored reversed, since
    viewers reverse the right-to-left text they read."""
    starts = sorted({info.cluster for info in buffer.glyph_infos})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    raised = [abs(p.y_offset * points_per_unit) >= _MIN_RISE_PT for p in buffer.glyph_positions]
    members: dict[int, list[int]] = {}
    for index, info in enumerate(buffer.glyph_infos):
        members.setdefault(info.cluster, []).append(index)
    out: list[tuple[int, ...]] = [(FILLER,)] * len(buffer.glyph_infos)
    for cluster, indexes in members.items():
        chunk = text[cluster : ends[cluster]]
        if backwards:
            chunk = chunk[::-1]
        carriers = [i for i in indexes if not raised[i]] or indexes
        for position, index in enumerate(carriers):
            out[index] = _share(chunk, position, len(carriers))
    return out


def _share(cluster: str, index: int, glyphs: int) -> tuple[int, ...]:
    """The characters of ``cluster`` its ``index``-th glyph (of ``glyphs``) carries in the
    text layer: one each in typed order, the last glyph the rest, so the text reads in
    typed order even where glyphs are drawn in another (a Devanagari vowel sign before
    its consonant). A glyph beyond the characters (Thai sara am is drawn as two) carries
    FILLER: without any, viewers show the glyph's number as a control character."""
    if index < glyphs - 1:
        return (ord(cluster[index]),) if index < len(cluster) else (FILLER,)
    return tuple(ord(c) for c in cluster[index:]) or (FILLER,)


FILLER = 0x034F  # combining grapheme joiner: invisible, ignored by search and collation
_fpdf_render = Fragment.render_with_text_shaping
Fragment.render_with_text_shaping = _render_shaped  # type: ignore[method-assign]
