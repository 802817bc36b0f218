"""The account decides the numbers: checked rows resolved against the account's own
WhatsApp numbers, as ``QueryChatappPhoneNumbers`` returns them, before any call.

A row's phone cell is read under every reasonable reading (``phones.resolve_phone``) and
must name exactly one of the numbers of its space: that number is sent, whatever the
default region said. A number that is not the account's gets no call
(``NotAccountNumber``); one WhatsApp does not let send (banned, disconnected, pending...)
gets no code (``NumberNotUsable``); one flagged, restricted, rate-limited or rated red
still gets its code, with a note on the row and in the Summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from qrbatch.cams.models import AccountNumber
from qrbatch.rows.checks import CheckedRow, QrRequest
from qrbatch.rows.phones import RowProblem, display, resolve_phone
from qrbatch.words import Words, said

# A space's numbers: phone (country code + digits) -> what the account says of it.
Numbers = Mapping[str, AccountNumber]


def resolve_rows(
    checked: Sequence[CheckedRow],
    numbers: Mapping[str, Numbers],
    *,
    default_region: str | None = None,
    phone_column: str = "phone",
    made: Callable[[QrRequest], bool] = lambda request: False,
) -> list[CheckedRow]:
    """Every row with a phone cell, decided by the numbers of its space (``numbers``
    maps each CustSpaceId, "" for none, to that space's numbers). Rows the reader or a
    check refused for another reason, and blank rows, are kept as they are. A row whose
    code an earlier run ``made`` keeps it (with a note) when its number is no longer
    usable: the results never lose a live code."""
    resolved: list[CheckedRow] = []
    for row in checked:
        draft = row.request or row.pending
        if draft is None or not row.phone_cell:
            resolved.append(row)
            continue
        owned = numbers.get(draft.cust_space_id, {})
        try:
            phone = resolve_phone(
                row.phone_cell, owned, default_region=default_region, country=row.country
            )
        except RowProblem as problem:
            where = said("rows.in_column", column=phone_column, problem=problem.words)
            resolved.append(_invalid(row, problem.code, where))
            continue
        number = owned[phone]
        request = dataclasses.replace(draft, phone=phone)
        if not number.usable and made(request):  # an earlier run's code stays in the results
            note = said("rows.number_was_made", number=display(phone), status=number.status)
            resolved.append(_accepted(row, request, note))
            continue
        if not number.usable:
            resolved.append(
                _invalid(
                    row,
                    "NumberNotUsable",
                    said(
                        "rows.in_column",
                        column=phone_column,
                        problem=Words(
                            "rows.number_not_usable",
                            number=display(phone),
                            name=number.verified_name or Words("rows.no_name"),
                            status=number.status,
                        ),
                    ),
                )
            )
            continue
        warning = f"{display(phone)}: {number.warning}" if number.warning else ""
        resolved.append(_accepted(row, request, warning))
    return resolved


def _accepted(row: CheckedRow, request: QrRequest, note: str) -> CheckedRow:
    """``row`` sent as ``request`` (the account's number), with its ``note`` if any."""
    return dataclasses.replace(
        row, request=request, state="ok", error_code="", error_message="", pending=None, note=note
    )


def _invalid(row: CheckedRow, code: str, message: str) -> CheckedRow:
    return dataclasses.replace(
        row, request=None, state="invalid", error_code=code, error_message=message, pending=None
    )
