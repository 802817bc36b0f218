"""Rows of a code sheet (a results, list or edited workbook) as Update or Delete requests.

The counterpart of ``rows.py`` for the rest of a code's life: each row names an existing
code (phone + QrdlCode, and for Update the new message) and becomes one ``CodeRequest``
or a problem, before any call. A sheet that asks two different things of one code is
refused: which of the two was meant cannot be guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from qrbatch.errors import InputFileError
from qrbatch.rows.checks import (
    IMAGE_ALIASES,
    MESSAGE_ALIASES,
    PHONE_ALIASES,
    SPACE_ALIASES,
    RowProblem,
    check_image_type,
    check_message,
    find_column,
    normalise_phone,
    reader_problem,
)
from qrbatch.sheets.read import HeaderTest, InputRow, Sheet
from qrbatch.words import said

CodeAction = Literal["update", "delete"]
CODE_ALIASES = ("qrdlcode", "code", "qrcode", "qrdl")


@dataclass(frozen=True, slots=True)
class CodeRequest:
    """One Update or Delete of one existing code."""

    action: CodeAction
    phone: str
    code: str
    message: str = ""
    image_type: str = ""
    cust_space_id: str = ""
    key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        payload = "\x1f".join(
            (self.action, self.phone, self.code, self.message, self.image_type, self.cust_space_id)
        )
        object.__setattr__(self, "key", hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32])


@dataclass(frozen=True, slots=True)
class CheckedCode:
    """A code-sheet row after validation: a request to send, or why not."""

    row: InputRow
    request: CodeRequest | None
    state: Literal["ok", "invalid", "skipped"]
    error_code: str = ""
    error_message: str = ""
    note: str = ""  # nothing to say of an existing code's number (see CheckedRow.note)


def code_sheet_header(action: CodeAction) -> HeaderTest:
    """A header with a phone and a QrdlCode column (and a message column, to update)."""

    def is_header(cells: Sequence[str]) -> bool:
        found = find_column(cells, None, PHONE_ALIASES) is not None
        found = found and find_column(cells, None, CODE_ALIASES) is not None
        if action == "update":
            found = found and find_column(cells, None, MESSAGE_ALIASES) is not None
        return found

    return is_header


def check_codes(
    sheet: Sheet, action: CodeAction, *, image_type: str = "PNG", default_region: str | None = None
) -> list[CheckedCode]:
    """Every row of a results, list or edited sheet becomes a request or a problem."""
    phone_at = find_column(sheet.columns, None, PHONE_ALIASES)
    code_at = find_column(sheet.columns, None, CODE_ALIASES)
    message_at = find_column(sheet.columns, None, MESSAGE_ALIASES)
    if phone_at is None or code_at is None or (action == "update" and message_at is None):
        raise InputFileError.of(
            "rows.code_columns_update" if action == "update" else "rows.code_columns",
            file=sheet.path,
            found=list(sheet.columns),
        )
    image_at = find_column(sheet.columns, None, IMAGE_ALIASES)
    space_at = find_column(sheet.columns, None, SPACE_ALIASES)
    used = [i for i in (phone_at, code_at, message_at, image_at, space_at) if i is not None]
    checked: list[CheckedCode] = []
    for row in sheet.rows:
        found = reader_problem(row, used)
        if found is not None:  # its cells are not what the person wrote: send nothing
            message = found.message
            if found.column is not None:
                column = sheet.columns[found.column]
                message = said("rows.in_column", column=column, problem=message)
            checked.append(CheckedCode(row, None, "invalid", found.code, message))
            continue
        cells = row.cells
        code = cells[code_at].strip()
        if row.is_blank or not code:
            checked.append(CheckedCode(row, None, "skipped", "NoCode", "no QrdlCode in this row"))
            continue
        try:
            phone = normalise_phone(cells[phone_at], default_region)
            message = (
                check_message(cells[message_at])
                if action == "update" and message_at is not None
                else ""
            )
            image = (
                check_image_type(cells[image_at], image_type)
                if image_at is not None
                else image_type
            )
        except RowProblem as problem:
            checked.append(CheckedCode(row, None, "invalid", problem.code, problem.message))
            continue
        space = cells[space_at].strip() if space_at is not None else ""
        request = CodeRequest(
            action, phone, code, message, image if action == "update" else "", space
        )
        checked.append(CheckedCode(row, request, "ok"))
    return _refuse_conflicts(checked)


def _refuse_conflicts(checked: list[CheckedCode]) -> list[CheckedCode]:
    """Rows that ask two different things of one code are invalid, each naming the other."""
    wanted: dict[tuple[str, str, str], list[CheckedCode]] = {}
    for item in checked:
        if item.request is not None:
            r = item.request
            wanted.setdefault((r.phone, r.cust_space_id, r.code), []).append(item)
    conflicting: dict[int, str] = {}
    for items in wanted.values():
        if len({i.request.key for i in items if i.request is not None}) > 1:
            rows = ", ".join(str(i.row.number) for i in items)
            for item in items:
                conflicting[item.row.number] = (
                    f"rows {rows} ask different things of code {items[0].request.code}"  # type: ignore[union-attr]
                    "; keep one row per code"
                )
    if not conflicting:
        return checked
    return [
        CheckedCode(i.row, None, "invalid", "ConflictingRows", conflicting[i.row.number])
        if i.row.number in conflicting
        else i
        for i in checked
    ]
