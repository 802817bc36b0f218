"""How qrbatch writes cells to CSV so that spreadsheet apps show them as text, and how it
reads them back to the same values.

A CSV cell has no type: Excel and LibreOffice run ``=1+1``, ``+20% off`` or ``@SUM(...)``
as formulas (CSV injection, OWASP), and show ``6281234567890`` as ``6.28123E+12`` and
``0812...`` without its zero. Prefixing an apostrophe (the usual advice) is shown *as
typed* when a CSV is opened, so the person sees ``'=1+1`` and a rerun reads the apostrophe
back into the message.

The scheme: a cell that is formula-like (starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) or a digit string a spreadsheet would mangle (12 or more digits, or a
leading zero) is written as a formula that evaluates to the text itself::

    =1+1           ->  ="=1+1"
    +20% off       ->  ="+20% off"
    say "hi"       ->  (unchanged: not formula-like)
    =say "hi" now  ->  ="=say ""hi"" now"
    6281234567890  ->  ="6281234567890"

Excel and LibreOffice show the text (``=1+1``, ``6281234567890``) and the only thing they
run is a string constant. Excel limits one string constant to 255 characters, so longer
text is split into constants joined with ``&`` (``="…"&"…"``). Cells longer than Excel's
formula limit are written with the apostrophe instead.

On reading a CSV, qrbatch undoes exactly this: a whole cell of the form ``="…"`` (with
``""`` for a quote, and ``&"…"`` continuations) becomes the text inside, and an apostrophe
before a formula-like character (earlier qrbatch versions, other tools' escaping) is
dropped, as is one before digits a spreadsheet would mangle or before another
apostrophe (so a cell that really starts with an apostrophe is written escaped too).
Whatever qrbatch writes reads back to the same values.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_STRING_LIMIT = 255  # characters in one string constant of a formula
EXCEL_FORMULA_LIMIT = 8192  # characters in one formula
_MANGLED_DIGITS = re.compile(r"\d{12,}|0\d+")
_CONSTANT = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)


def needs_escape(value: str) -> bool:
    """True when a spreadsheet would not show ``value`` as the text it is, or when
    reading it back would undo an escape it does not have (a leading apostrophe)."""
    return (
        value.startswith(FORMULA_PREFIXES)
        or value.startswith("'")
        or _MANGLED_DIGITS.fullmatch(value) is not None
    )


def escape_cell(value: str) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as this very text."""
    if not needs_escape(value):
        return value
    parts = [
        value[start : start + EXCEL_STRING_LIMIT]
        for start in range(0, len(value), EXCEL_STRING_LIMIT)
    ]
    formula = "=" + "&".join('"' + part.replace('"', '""') + '"' for part in parts)
    if len(formula) > EXCEL_FORMULA_LIMIT:
        return "'" + value
    return formula


def unescape_cell(value: str) -> str:
    """The text a CSV cell written by ``escape_cell`` (or apostrophe-escaped) stands for.

    Only a whole cell of string constants is undone: ``="a"&B2`` or ``=1+1`` stay as read.
    """
    if value.startswith('="'):
        position = 1
        parts: list[str] = []
        while True:
            match = _CONSTANT.match(value, position)
            if match is None:
                return value
            parts.append(match.group(1).replace('""', '"'))
            position = match.end()
            if position == len(value):
                return "".join(parts)
            if value[position] != "&":
                return value
            position += 1
    if value.startswith("'") and needs_escape(value[1:]):
        return value[1:]
    return value


def unescape_row(cells: list[str]) -> list[str]:
    """``unescape_cell`` over a row, touching only cells that start with ``=`` or ``'``."""
    for index, cell in enumerate(cells):
        if cell.startswith(("=", "'")):
            cells[index] = unescape_cell(cell)
    return cells
