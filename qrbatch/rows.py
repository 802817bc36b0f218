"""Row validation and normalisation: every sheet row becomes a request or a problem.

Nothing invalid is ever sent. Phone numbers become country code + digits (no ``+``),
messages are trimmed and checked against WhatsApp's 140-character limit, image types
are PNG or SVG.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import phonenumbers

from qrbatch.cams.models import IMAGE_TYPES
from qrbatch.errors import InputFileError
from qrbatch.sheets.read import HeaderTest, InputRow, Sheet

MAX_MESSAGE_CHARS = 140

PHONE_ALIASES = (
    "phonenumber",
    "phone",
    "phoneno",
    "businessnumber",
    "businessphone",
    "whatsappnumber",
    "whatsapp",
    "wanumber",
    "number",
    "mobile",
    "msisdn",
)
MESSAGE_ALIASES = (
    "prefilledmessage",
    "message",
    "prefilledtext",
    "text",
    "msg",
    "prefill",
    "messagetext",
)
IMAGE_ALIASES = ("generateqrimage", "imagetype", "qrimagetype", "image", "imageformat", "format")
SPACE_ALIASES = ("custspaceid", "spaceid", "customerspaceid", "custspace")


def header_key(name: str) -> str:
    """A header as compared: case, spaces, underscores, dashes and dots ignored."""
    return re.sub(r"[\s_\-.]+", "", name).casefold()


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Positions of the columns qrbatch uses in the sheet's header."""

    phone: int
    message: int
    image: int | None = None
    space: int | None = None


def find_column(columns: Sequence[str], wanted: str | None, aliases: Sequence[str]) -> int | None:
    """Position of the column named ``wanted`` (or the first alias found), if any."""
    keys = [header_key(c) for c in columns]
    if wanted is not None:
        target = header_key(wanted)
        return keys.index(target) if target in keys else None
    for alias in aliases:
        if alias in keys:
            return keys.index(alias)
    return None


def header_matcher(
    phone_column: str | None = None, message_column: str | None = None
) -> HeaderTest:
    """A test that accepts a header row holding a phone and a message column."""

    def is_header(cells: Sequence[str]) -> bool:
        return (
            find_column(cells, phone_column, PHONE_ALIASES) is not None
            and find_column(cells, message_column, MESSAGE_ALIASES) is not None
        )

    return is_header


def map_columns(
    sheet: Sheet, *, phone_column: str | None = None, message_column: str | None = None
) -> ColumnMap:
    """Locate the columns by name (aliases, or the names given), or say what was found."""
    phone = find_column(sheet.columns, phone_column, PHONE_ALIASES)
    message = find_column(sheet.columns, message_column, MESSAGE_ALIASES)
    if phone is None or message is None:
        missing = "phone" if phone is None else "message"
        given = phone_column if phone is None else message_column
        raise InputFileError(
            f"{sheet.path}: no {missing} column"
            + (f" named {given!r}" if given else "")
            + f". Columns found: {', '.join(map(repr, sheet.columns))}. "
            f"Pass --{missing}-column NAME."
        )
    return ColumnMap(
        phone=phone,
        message=message,
        image=find_column(sheet.columns, None, IMAGE_ALIASES),
        space=find_column(sheet.columns, None, SPACE_ALIASES),
    )


@dataclass(frozen=True, slots=True)
class QrRequest:
    """What one CreatePhoneMessageQrdl call sends; rows that send the same share it."""

    phone: str
    message: str
    image_type: str
    cust_space_id: str = ""
    key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # A stable content hash, computed once: the journal's key for this request.
        payload = "\x1f".join((self.phone, self.message, self.image_type, self.cust_space_id))
        object.__setattr__(self, "key", hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32])


RowState = Literal["ok", "invalid", "skipped"]


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A sheet row after validation: a request to send, or why not."""

    row: InputRow
    request: QrRequest | None
    state: RowState
    error_code: str = ""
    error_message: str = ""


class RowProblem(Exception):
    """A value in a row that cannot be sent (code, words naming the column)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_INVISIBLE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u200b\u200e\u200f\u2060\ufeff"), " ")
_FLOAT_FORM = re.compile(r"^\+?\d+\.0+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


@functools.lru_cache(maxsize=65536)
def normalise_phone(raw: str, default_region: str | None = None) -> str:
    """Country code + digits, or RowProblem saying why the value is not a phone number."""
    text = raw.translate(_INVISIBLE).strip().lstrip("'").strip()
    if not text:
        raise RowProblem("MissingPhone", "the phone number is empty")
    if _SCIENTIFIC.match(text):
        raise RowProblem(
            "InvalidPhone",
            f"{raw!r} is in scientific notation, so digits were lost: format the column "
            "as Text in Excel and type the numbers again",
        )
    if _FLOAT_FORM.match(text):
        text = text.split(".", 1)[0]
    if re.search(r"[A-Za-z]", text):
        raise RowProblem("InvalidPhone", f"{raw!r} contains letters")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        if text.startswith("+"):
            number = phonenumbers.parse(text, None)
        elif default_region:
            number = phonenumbers.parse(text, default_region.upper())
        else:
            digits = re.sub(r"\D", "", text)
            if digits.startswith("0"):
                raise RowProblem(
                    "InvalidPhone",
                    f"{raw!r} looks like a national number: add the country code or pass "
                    "--default-region (e.g. ID, SG, US)",
                )
            number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException as exc:
        why = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has no valid country code",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
            phonenumbers.NumberParseException.TOO_LONG: "is too long",
        }.get(exc.error_type, "is not a phone number")
        raise RowProblem("InvalidPhone", f"{raw!r} {why}") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        why = {
            phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has no valid country code",
            phonenumbers.ValidationResult.TOO_SHORT: "is too short",
            phonenumbers.ValidationResult.TOO_LONG: "is too long",
            phonenumbers.ValidationResult.INVALID_LENGTH: "has the wrong length",
        }.get(reason, "is not possible")
        raise RowProblem("InvalidPhone", f"{raw!r} {why} for a phone number")
    if not phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_country_code(number.country_code or 0)
        raise RowProblem(
            "InvalidPhone", f"{raw!r} is not a valid number in {region} (+{number.country_code})"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def check_message(raw: str) -> str:
    """The message, trimmed (inner line breaks kept), or RowProblem."""
    message = raw.replace("\r\n", "\n").strip()
    if not message:
        raise RowProblem("MissingMessage", "the prefilled message is empty")
    if len(message) > MAX_MESSAGE_CHARS:
        raise RowProblem(
            "MessageTooLong",
            f"the prefilled message is {len(message)} characters; WhatsApp allows at most "
            f"{MAX_MESSAGE_CHARS}: shorten it by {len(message) - MAX_MESSAGE_CHARS}",
        )
    return message


def check_image_type(raw: str, default: str) -> str:
    """PNG or SVG (case-insensitive; blank means the run's default)."""
    value = raw.strip().upper() or default
    if value not in IMAGE_TYPES:
        raise RowProblem("InvalidImageType", f"image type {raw.strip()!r} is not PNG or SVG")
    return value


def check_rows(
    sheet: Sheet,
    columns: ColumnMap,
    *,
    image_type: str = "PNG",
    cust_space_id: str = "",
    default_region: str | None = None,
) -> list[CheckedRow]:
    """Validate every row; blank rows are skipped, bad ones invalid with a reason."""
    checked: list[CheckedRow] = []
    names = sheet.columns
    for row in sheet.rows:
        if row.is_blank:
            checked.append(CheckedRow(row, None, "skipped", "BlankRow", "the row is empty"))
            continue
        cells = row.cells
        try:
            column = names[columns.phone]
            phone = normalise_phone(cells[columns.phone], default_region)
            column = names[columns.message]
            message = check_message(cells[columns.message])
            image = image_type
            if columns.image is not None:
                column = names[columns.image]
                image = check_image_type(cells[columns.image], image_type)
            space = cust_space_id
            if columns.space is not None and cells[columns.space].strip():
                space = cells[columns.space].strip()
        except RowProblem as problem:
            checked.append(
                CheckedRow(row, None, "invalid", problem.code, f"{column}: {problem.message}")
            )
            continue
        checked.append(CheckedRow(row, QrRequest(phone, message, image, space), "ok"))
    return checked
