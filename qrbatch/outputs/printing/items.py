"""Which rows print, and what their captions say: shared by the in-process path (the
rows and results of a run) and the workbook path (a results file read back)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qrbatch.errors import ConfigError
from qrbatch.outputs.printing.options import PRINTABLE_STATUSES, PrintItem
from qrbatch.outputs.results import RowResult
from qrbatch.rows.checks import MESSAGE_ALIASES, PHONE_ALIASES, find_column
from qrbatch.rows.phones import display
from qrbatch.sheets.read import Sheet


@dataclass(frozen=True, slots=True)
class CaptionColumns:
    """Positions, among the input columns, of the caption's parts (None: not there)."""

    label: int | None
    phone: int | None
    message: int | None

    @classmethod
    def find(
        cls,
        inputs: Sequence[str],
        *,
        label_column: str | None = None,
        phone_column: str | None = None,
        message_column: str | None = None,
        source: str = "the sheet",
    ) -> CaptionColumns:
        """Find the columns by name as the input reader does (case, spaces and
        underscores ignored); raise ConfigError for a named column that is not there."""
        phone = find_column(inputs, phone_column, PHONE_ALIASES)
        message = find_column(inputs, message_column, MESSAGE_ALIASES)
        label = phone
        if label_column is not None:
            label = find_column(inputs, label_column, ())
            if label is None:
                raise ConfigError(
                    f"label column {label_column!r} is not in {source}: "
                    f"use one of {', '.join(repr(c) for c in inputs if c)}"
                )
        return cls(label, phone, message)

    def item(
        self,
        inputs: Sequence[str],
        row: int,
        cells: Sequence[str],
        code: str,
        link: str,
        sent: str = "",
    ) -> PrintItem:
        """A printable row. ``sent``: the number the code opens (``+62...``, the results'
        SentPhoneNumber): printed in international format instead of the cell as typed."""
        phone = display(sent.lstrip("+")) if sent else _pick(cells, self.phone)
        label = phone if self.label == self.phone else _pick(cells, self.label)
        return PrintItem(
            row=row,
            label=label,
            phone=phone,
            message=_pick(cells, self.message),
            code=code,
            deep_link=link,
            columns={name: cells[i] for i, name in enumerate(inputs) if name and i < len(cells)},
        )


def _pick(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


# What CAMS answers for a message QR code: https://wa.me/message/<the code>.
DEEP_LINK = re.compile(r"https://wa\.me/message/([A-Za-z0-9]+)")


def printable(result: RowResult) -> bool:
    """A row with a live code: created, reused, listed or updated, with a deep link."""
    return result.status in PRINTABLE_STATUSES and bool(result.deep_link_url)


def made_by_the_service(code: str, link: str) -> bool:
    """The link is a WhatsApp message deep link whose code is the row's own: anything
    else (a hand-edited workbook, a phishing URL, ``javascript:``) is never printed."""
    found = DEEP_LINK.fullmatch(link.strip())
    return found is not None and bool(code) and found.group(1) == code.strip()


def items_from_results(
    sheet: Sheet,
    results: Sequence[RowResult],
    *,
    label_column: str | None = None,
    phone_column: str | None = None,
    message_column: str | None = None,
    refused: list[int] | None = None,
) -> list[PrintItem]:
    """The printable rows of a run (its sheet and results), in row order, without
    reading the workbook back. Column names as the run's flags gave them; the numbers of
    rows whose link is not the service's are appended to ``refused``."""
    return list(
        iter_results(
            sheet,
            results,
            label_column=label_column,
            phone_column=phone_column,
            message_column=message_column,
            refused=refused,
        )
    )


def iter_results(
    sheet: Sheet,
    results: Sequence[RowResult],
    *,
    label_column: str | None = None,
    phone_column: str | None = None,
    message_column: str | None = None,
    refused: list[int] | None = None,
) -> Iterator[PrintItem]:
    """Like :func:`items_from_results`, one row at a time."""
    columns = CaptionColumns.find(
        sheet.columns,
        label_column=label_column,
        phone_column=phone_column,
        message_column=message_column,
        source=str(sheet.path.name),
    )
    for row, result in zip(sheet.rows, results, strict=True):
        if printable(result) and not made_by_the_service(result.qrdl_code, result.deep_link_url):
            if refused is not None:
                refused.append(row.number)
        elif printable(result):
            yield columns.item(
                sheet.columns,
                row.number,
                row.cells,
                result.qrdl_code,
                result.deep_link_url,
                result.sent_phone,
            )
