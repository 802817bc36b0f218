"""The page's words in English and Bahasa Indonesia, in one table both sides use.

The words live in the shared catalogue (``qrbatch/words/catalogue/page.py``, keys
``page.*``); this module serves them by language without the prefix. The server fills
the page's labels and its error messages from ``STRINGS``; the page's
script gets the same table (for status words, row problems and progress lines), so a
word is translated once. Row problems are translated by their ErrorCode: the engine's
detail (which quotes the cell) is shown beside the translated meaning and fix.
Placeholders are ``{name}``, filled by ``text`` here and by ``t()`` in app.js.
"""

from __future__ import annotations

import re
from typing import Final

from qrbatch.words import describe
from qrbatch.words.catalogue import messages

LANGUAGES: Final = ("en", "id")
DEFAULT_LANGUAGE: Final = "en"


def _page_words(language: str) -> dict[str, str]:
    """The catalogue's ``page.`` area in ``language``, without the prefix."""
    return {
        key.removeprefix("page."): words
        for key, words in messages()[language].items()
        if key.startswith("page.")
    }


EN: Final[dict[str, str]] = _page_words("en")
ID: Final[dict[str, str]] = _page_words("id")
STRINGS: Final[dict[str, dict[str, str]]] = {"en": EN, "id": ID}


def text(language: str, key: str, **params: object) -> str:
    """The words for ``key`` in ``language`` (English when missing), placeholders filled."""
    words = STRINGS.get(language, EN).get(key) or EN.get(key, key)
    for name, value in params.items():
        words = words.replace("{" + name + "}", str(value))
    return words


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+|\bexport [A-Z_]+=|\bQRBATCH_[A-Z_]+=")


def describe_error(error: BaseException, language: str, shown_as: str = "") -> str:
    """An engine or file error in ``language``, for the page: the shared catalogue's
    words when the error has a catalogue key (actions on the page, never a command-line
    flag). An error the catalogue does not have yet keeps its own text on the English
    page when that names no flag; otherwise the page says, in its language, what kind of
    problem it is and what to do on the page, with the service's code when there is one
    (``shown_as``: the file's name as the person knows it)."""
    if isinstance(getattr(error, "key", None), str):
        return describe(error, language=language, audience="page")
    own = str(error)
    if language == DEFAULT_LANGUAGE and not _FLAG.search(own):
        return own
    code = str(getattr(error, "code", "") or "")
    for kind in type(error).__mro__:
        key = f"error.kind.{kind.__name__}"
        if key in EN:
            return text(language, key, code=code or kind.__name__, file=shown_as)
    return text(language, "error.kind.other", code=code or type(error).__name__)


def choose_language(accept_language: str | None, chosen: str | None = None) -> str:
    """The page's language: the one chosen on the page, else the browser's first we have."""
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        # "in" is the old ISO code for Indonesian; some browsers still send it.
        primary = "id" if primary == "in" else primary
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
