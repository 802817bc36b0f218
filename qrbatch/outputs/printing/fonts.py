"""Fonts for captions: text in any script a sheet holds prints shaped, from fonts embedded
in the PDF, or is left out with a warning that names the package to install.

Each script has its Noto font, from Debian's packages (``fonts-noto-core`` for Latin,
Greek, Cyrillic, Arabic, Hebrew, Thai, Devanagari and the other Indic scripts;
``fonts-noto-cjk`` for Chinese, Japanese and Korean; ``fonts-noto-color-emoji`` for
emoji). Only the fonts a document's text needs are loaded; fpdf2 shapes every run with
HarfBuzz (joined Arabic, right-to-left Hebrew, Thai and Indic clusters) and embeds the
glyphs it uses (a subset), so every viewer shows the same letters.

Text in a script whose font is not installed is left out, never drawn as empty boxes or
question marks, and the run says so once per package (``install fonts-noto-cjk``).
"""

from __future__ import annotations

import functools
import logging
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger("qrbatch")

PT = 25.4 / 72  # mm per point
LEADING = 1.2  # line height / type size
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
ZERO_WIDTH = {"\u200d", "\u200c", "\ufe0f", "\ufe0e"}


@dataclass(frozen=True, slots=True)
class Script:
    """A writing system: the code points it covers and the font that draws it."""

    name: str
    ranges: tuple[tuple[int, int], ...]
    regular: str  # the font file's name (any folder of FONT_DIRS)
    bold: str | None
    package: str  # the Debian package that installs it
    index: int = 0  # the face of a font collection (.ttc)


CORE = "fonts-noto-core"
CJK_PACKAGE = "fonts-noto-cjk"
EMOJI_PACKAGE = "fonts-noto-color-emoji"


def _noto(name: str, *ranges: tuple[int, int]) -> Script:
    stem = "NotoSans" + name.replace(" ", "")
    return Script(name, ranges, f"{stem}-Regular.ttf", f"{stem}-Bold.ttf", CORE)


SCRIPTS: tuple[Script, ...] = (
    _noto("Arabic", (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
          (0xFE70, 0xFEFF)),
    _noto("Hebrew", (0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    _noto("Thai", (0x0E00, 0x0E7F)),
    _noto("Lao", (0x0E80, 0x0EFF)),
    _noto("Devanagari", (0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    _noto("Bengali", (0x0980, 0x09FF)),
    _noto("Gurmukhi", (0x0A00, 0x0A7F)),
    _noto("Gujarati", (0x0A80, 0x0AFF)),
    _noto("Oriya", (0x0B00, 0x0B7F)),
    _noto("Tamil", (0x0B80, 0x0BFF)),
    _noto("Telugu", (0x0C00, 0x0C7F)),
    _noto("Kannada", (0x0C80, 0x0CFF)),
    _noto("Malayalam", (0x0D00, 0x0D7F)),
    _noto("Sinhala", (0x0D80, 0x0DFF)),
    _noto("Myanmar", (0x1000, 0x109F)),
    _noto("Khmer", (0x1780, 0x17FF)),
    _noto("Georgian", (0x10A0, 0x10FF)),
    _noto("Armenian", (0x0530, 0x058F)),
    _noto("Ethiopic", (0x1200, 0x139F)),
    Script(
        "Chinese, Japanese and Korean",
        (
            (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF),
            (0x3100, 0x31FF), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
            (0xFF00, 0xFFEF), (0x20000, 0x3134F),
        ),
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
        CJK_PACKAGE,
    ),
    Script(
        "emoji",
        ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F1E6, 0x1F1FF),
         (0xE0020, 0xE007F)),
        "NotoColorEmoji.ttf",
        None,
        EMOJI_PACKAGE,
    ),
)  # fmt: skip
CJK = SCRIPTS[-2]
# Latin, Greek, Cyrillic, Vietnamese...: the first of these that is installed.
MAIN_FONTS = (
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", CORE),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
)
MAIN = "qrbatch-sans"


@functools.cache
def _installed() -> dict[str, Path]:
    """Every font file under FONT_DIRS by name (the first one found wins)."""
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        for root, _, files in os.walk(folder):
            for name in files:
                found.setdefault(name, Path(root) / name)
    return found


def find(name: str) -> Path | None:
    """The installed font file called ``name``, if any."""
    return _installed().get(name)


@functools.cache
def _script_of(char: str) -> Script | None:
    point = ord(char)
    for script in SCRIPTS:
        if any(low <= point <= high for low, high in script.ranges):
            return script
    return None


def script_of(char: str) -> Script | None:
    """The script (with its font) ``char`` belongs to; None for Latin and the rest the
    main font draws."""
    return _script_of(char)


def clean(text: str) -> str:
    """One line of printable text: controls and line breaks become spaces."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(
        "".join(
            " " if unicodedata.category(c)[0] == "C" and c not in ZERO_WIDTH else c for c in text
        ).split()
    )


@dataclass(slots=True)
class FontPlan:
    """The fonts one document loads (family name -> files), and what its text lacks."""

    main: tuple[Path, Path | None] | None
    families: dict[str, tuple[Script, Path, Path | None]] = field(default_factory=dict)
    missing: dict[str, set[str]] = field(default_factory=dict)
    """Package -> the scripts it would have drawn."""

    @property
    def description(self) -> str:
        names = [self.main[0].name if self.main else "Helvetica"]
        return " + ".join([*names, *(path.name for _, path, _ in self.families.values())])


def plan(texts: Iterable[str]) -> FontPlan:
    """The fonts ``texts`` need, among those installed."""
    main = None
    main_package = CORE
    for regular, bold, package in MAIN_FONTS:
        path = find(regular)
        if path is not None:
            main, main_package = (path, find(bold)), package
            break
    result = FontPlan(main)
    if main is None:
        result.missing.setdefault(main_package, set()).add("Latin beyond ISO 8859-1")
    needed: dict[str, Script] = {}
    texts_seen = list(texts)
    for text in texts_seen:
        for char in text:
            script = _script_of(char)
            if script is not None:
                needed.setdefault(script.name, script)
    for script in needed.values():
        path = find(script.regular)
        if path is None:
            result.missing.setdefault(script.package, set()).add(script.name)
            continue
        bold_path = find(script.bold) if script.bold else None
        faces = [script]
        if script.name == CJK.name:  # the Japanese, Korean or Chinese forms of Han
            faces = [replace(script, index=CJK_FACES[c]) for c in _cjk_faces(texts_seen)]
        for face in faces:
            result.families[family(face)] = (face, path, bold_path)
    return result


def family(script: Script) -> str:
    """The font family name a script's font is registered under."""
    name = "qrbatch-" + script.name.split(",")[0].split()[0].lower()
    return f"{name}-{script.index}" if script.index else name


# The faces of Debian's NotoSansCJK-*.ttc: the same letters in each country's forms.
CJK_FACES = {"ja": 0, "ko": 1, "zh": 2}


def cjk_language(text: str) -> str:
    """``ja`` for text with kana, ``ko`` with hangul, else ``zh`` (Han alone)."""
    if any(0x3040 <= ord(c) <= 0x30FF for c in text):
        return "ja"
    if any(0xAC00 <= ord(c) <= 0xD7AF or 0x1100 <= ord(c) <= 0x11FF for c in text):
        return "ko"
    return "zh"


def _cjk_faces(texts: Sequence[str]) -> list[str]:
    found = {cjk_language(text) for text in texts if any(_script_of(c) is CJK for c in text)}
    return sorted(found, key=list(CJK_FACES).index) or ["zh"]


def warn_missing(missing: dict[str, set[str]]) -> None:
    """One warning per package a document's text needed and the machine lacks."""
    for package, scripts in sorted(missing.items()):
        what = ", ".join(sorted(scripts))
        if package == EMOJI_PACKAGE:
            log.warning(
                "emoji in captions are left out of the PDF: no emoji font is installed "
                "(on Debian or Ubuntu: apt-get install %s)",
                package,
            )
        else:
            log.warning(
                "%s text in captions is left out of the PDF: no font for it is installed "
                "(on Debian or Ubuntu: apt-get install %s)",
                what,
                package,
            )


def warn_unprintable(chars: set[str]) -> None:
    """Characters no installed font has, once per document."""
    if chars:
        shown = " ".join(f"U+{ord(c):04X}" for c in sorted(chars)[:8])
        log.warning("%d characters no installed font has are left out: %s", len(chars), shown)
