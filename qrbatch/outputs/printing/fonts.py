"""Fonts for captions: any text a sheet holds prints, or is left out, never crashes.

A caption is split into runs, each drawn in the first font that has every glyph of the
run: DejaVu Sans (Debian's ``fonts-dejavu-core``, present on most Linux machines: Latin,
Greek, Cyrillic, Arabic and Hebrew letters) or, without it, Bitstream Vera, which ships
inside the reportlab wheel (Latin); then, for Chinese, Japanese and Korean, the first
CJK TrueType font found on the machine (Droid Sans Fallback, WenQuanYi, Noto/Source Han
in TrueType form), else reportlab's built-in Adobe CID font ``STSong-Light``, which is
not embedded (PDF readers with Asian font support draw it; the text stays searchable
and copyable everywhere). Characters no font has (emoji, symbols) are dropped, not
drawn as empty boxes. Arabic and Hebrew are drawn letter by letter, left to right:
reportlab does not shape or reorder them.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
MAIN_FONTS = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),)
CJK_FONTS = (
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "NotoSansSC-Regular.ttf",
    "SourceHanSans-Regular.ttf",
)
CJK_CID_FONT = "STSong-Light"
_ZERO_WIDTH = {"\u200d", "\u200c", "\ufe0f", "\ufe0e"}


@dataclass(frozen=True, slots=True)
class FontSet:
    """The registered fonts of a caption, in the order they are tried."""

    regular: str
    bold: str
    cjk: str | None
    description: str


def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob(name):
                return path
    return None


def _register(name: str, path: Path) -> str | None:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (TTFError, OSError, ValueError):
        return None
    return name


@functools.cache
def fonts() -> FontSet:
    """Register and return the caption fonts (once per process)."""
    regular = bold = ""
    for regular_file, bold_file in MAIN_FONTS:
        regular_path, bold_path = _find(regular_file), _find(bold_file)
        if regular_path and _register("QrbatchSans", regular_path):
            regular = "QrbatchSans"
            bold = (
                "QrbatchSans-Bold"
                if bold_path and _register("QrbatchSans-Bold", bold_path)
                else regular
            )
            break
    description = "DejaVu Sans (system)"
    if not regular:
        vera = Path(reportlab.__file__).parent / "fonts"
        regular = _register("QrbatchSans", vera / "Vera.ttf") or "Helvetica"
        bold = _register("QrbatchSans-Bold", vera / "VeraBd.ttf") or "Helvetica-Bold"
        description = "Bitstream Vera (from reportlab)"
    cjk = None
    for name in CJK_FONTS:
        path = _find(name)
        if path and _register("QrbatchCJK", path):
            cjk, description = "QrbatchCJK", f"{description} + {path.name}"
            break
    if cjk is None:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_CID_FONT))
        cjk, description = CJK_CID_FONT, f"{description} + {CJK_CID_FONT} (not embedded)"
    return FontSet(regular, bold, cjk, description)


@functools.lru_cache(maxsize=8192)
def _has(font: str, char: str) -> bool:
    if font == CJK_CID_FONT:
        return is_cjk(char)
    face = getattr(pdfmetrics.getFont(font), "face", None)
    if face is None:  # a standard PDF font: Latin-1 only
        return ord(char) < 256
    return ord(char) in face.charToGlyph


def is_cjk(char: str) -> bool:
    """Han, kana, hangul and their punctuation: the scripts the CJK font is for."""
    return unicodedata.east_asian_width(char) in ("W", "F") and unicodedata.category(char)[0] in (
        "L",
        "P",
        "N",
    )


def clean(text: str) -> str:
    """One line of printable text: controls and line breaks become spaces."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(
        "".join(
            " " if unicodedata.category(c)[0] == "C" and c not in _ZERO_WIDTH else c for c in text
        ).split()
    )


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """``text`` as (font, text) runs; characters no font has are left out."""
    chosen = fonts()
    order = [chosen.bold if bold else chosen.regular, *([chosen.cjk] if chosen.cjk else [])]
    result: list[tuple[str, str]] = []
    for char in text:
        if char in _ZERO_WIDTH:
            continue
        font = next((f for f in order if _has(f, char)), None)
        if font is None:
            continue
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + char)
        else:
            result.append((font, char))
    return result


def drop_missing(text: str, *, bold: bool = False) -> str:
    """``text`` without the characters no caption font has (emoji, mostly)."""
    return "".join(part for _, part in runs(text, bold=bold)) if text else text


def width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of ``text`` as :func:`runs` draws it."""
    return float(
        sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, bold=bold))
    )


def wrap(text: str, max_width: float, size: float, lines: int, *, bold: bool = False) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``max_width`` points; a cut shows
    as an ellipsis. Words break at spaces; CJK text (no spaces) between characters."""
    text = clean(drop_missing(text, bold=bold))
    if not text or lines <= 0:
        return []
    tokens: list[str] = []
    for word in text.split(" "):
        if any(is_cjk(c) for c in word):
            tokens.extend(word)
        else:
            tokens.append(word)
    out: list[str] = []
    current = ""
    for token in tokens:
        joiner = "" if not current or (is_cjk(token[0]) or is_cjk(current[-1])) else " "
        candidate = current + joiner + token
        if width(candidate, size, bold=bold) <= max_width or not current:
            current = candidate
        else:
            out.append(current)
            current = token
        while width(current, size, bold=bold) > max_width and len(current) > 1:
            # a single word wider than the line: cut it
            cut = len(current) - 1
            while cut > 1 and width(current[:cut], size, bold=bold) > max_width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and width(last + "…", size, bold=bold) > max_width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out
