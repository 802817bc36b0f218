"""The codes of a result frame drawn inline in a notebook: ``qrbatch.show(codes)``.

Each row with a code is a small card: its QR image, a caption (the ``label`` column, else
the business name) and the number it opens in WhatsApp. The images are rendered here from the
rows' deep links with segno (what the printed codes encode), as inline SVG: nothing is
downloaded, and the notebook keeps them when saved. Like a pandas ``Styler``, ``show``
returns an object that a notebook draws when it is a cell's last value.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qrbatch.dataframes.kinds import as_pandas
from qrbatch.errors import ConfigError

DEFAULT_LIMIT = 48  # cards drawn: a notebook is not the place for 2,000 codes (use pdf=True)
_CARD = (
    '<figure style="margin:0;width:{width}px;text-align:center;font:12px sans-serif">'
    '<img src="{src}" width="{size}" height="{size}" alt="QR code {code}">'
    "<figcaption><b>{label}</b><br>{number}<br><code>{code}</code></figcaption></figure>"
)


@dataclass(frozen=True, slots=True)
class Card:
    """One code as drawn: where it leads, its caption, its number and its code."""

    link: str
    label: str
    number: str
    code: str


@dataclass(frozen=True, slots=True)
class CodeGallery:
    """Codes drawn as cards in a notebook (``_repr_html_``), and as text elsewhere."""

    cards: tuple[Card, ...]
    without_code: int  # rows of the frame that have no code (invalid, failed, skipped)
    more: int  # rows with a code beyond the limit
    size: int = 120

    def _repr_html_(self) -> str:
        import segno

        cards = "".join(
            _CARD.format(
                width=self.size + 30,
                size=self.size,
                src=segno.make(card.link, error="m").svg_data_uri(border=2),
                label=html.escape(card.label),
                number=html.escape(card.number),
                code=html.escape(card.code),
            )
            for card in self.cards
        )
        return (
            f'<div style="display:flex;flex-wrap:wrap;gap:12px">{cards}</div>'
            f"<p>{html.escape(self.footnote())}</p>"
        )

    def footnote(self) -> str:
        """ "Codes shown: 2. Rows without a code (see their Status): 1.", in the words of
        the catalogue (the context's language)."""
        from qrbatch.words import say

        notes = [say("frames.shown", count=len(self.cards))]
        if self.more:
            notes.append(say("frames.not_shown", count=self.more))
        if self.without_code:
            notes.append(say("frames.without_code", count=self.without_code))
        return " ".join(notes)

    def __repr__(self) -> str:
        lines = [f"{c.code}  {c.number}  {c.label}" for c in self.cards]
        return "\n".join([*lines, self.footnote()])


def _column(frame: pd.DataFrame, name: str) -> str:
    """A result column by its name, or by its ``qrbatch_`` name where the caller's frame
    had that name already."""
    prefixed = f"qrbatch_{name}"
    if prefixed in frame.columns:
        return prefixed
    if name in frame.columns:
        return name
    raise ConfigError.of("frames.not_a_result", column=name)


def show(result: Any, *, label: str | None = None, limit: int = DEFAULT_LIMIT) -> CodeGallery:
    """The codes of ``result`` (what ``create_codes`` returned, pandas or polars) as cards
    to draw in a notebook: a cell whose last line is ``qrbatch.show(codes)`` draws them.

    ``label`` names the column of each card's caption (default: ``BusinessName``, the
    name WhatsApp shows); ``limit`` how many cards at most (the first, in the frame's
    order). The images are rendered from the deep links, as the printed codes are.
    """
    frame = as_pandas(result).pandas
    code, link, number, name = (
        _column(frame, n) for n in ("QrdlCode", "DeepLinkUrl", "SentPhoneNumber", "BusinessName")
    )
    if label is not None and label not in frame.columns:
        raise ConfigError.of("frames.no_label_column", column=label)
    has_code = frame[code].map(_text).ne("") & frame[link].map(_text).ne("")
    coded = frame[has_code]
    caption = label if label is not None else name
    cards = tuple(
        Card(str(row[link]), _text(row[caption]), _text(row[number]), str(row[code]))
        for _, row in coded.head(limit).iterrows()
    )
    return CodeGallery(cards, int((~has_code).sum()), max(0, len(coded) - limit))


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
