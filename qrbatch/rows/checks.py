"""Row validation and normalisation: every sheet row becomes a request or a problem.

Nothing invalid is ever sent. Phone numbers become country code + digits (no ``+``),
messages are trimmed and checked against WhatsApp's 140-character limit, image types
are PNG or SVG.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import phonenumbers

from qrbatch.cams.models import IMAGE_TYPES
from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import CellProblem, column_letter
from qrbatch.sheets.read import HeaderTest, InputRow, Sheet

MAX_MESSAGE_CHARS = 140


def header_key(name: str) -> str:
    """A header as compared: case, accents, spaces, underscores, dashes, dots, ``#``, ``:``,
    ``*`` and a trailing ``(...)`` note ignored, so ``Teléfono:``, ``No. HP`` and
    ``Phone (with country code)`` compare as ``telefono``, ``nohp`` and ``phone``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", text)
    return re.sub(r"[\s_\-.#:*/\\'’]+", "", text).casefold()


def _keys(*names: str) -> tuple[str, ...]:
    keys: list[str] = []
    for name in names:
        key = header_key(name)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


# Column names people write, in the languages of the markets CAMS serves (issue 15). Order
# matters only for find_column's first match; two columns that both match are refused.
PHONE_ALIASES = _keys(
    # English
    "PhoneNumber",
    "Phone",
    "Phone No",
    "Phone Num",
    "Business Number",
    "Business Phone",
    "WhatsApp Number",
    "WhatsApp",
    "WhatsApp No",
    "WhatsApp Phone",
    "WA Number",
    "WA No",
    "Number",
    "Mobile",
    "Mobile Number",
    "Mobile No",
    "Mobile Phone",
    "Cell",
    "Cell Phone",
    "Cell Number",
    "Cellphone",
    "Telephone",
    "Telephone Number",
    "Tel",
    "Tel No",
    "Contact Number",
    "Contact No",
    "MSISDN",
    # Indonesian
    "No WhatsApp",
    "Nomor WhatsApp",
    "Nomor WA",
    "No WA",
    "Nomor HP",
    "No HP",
    "HP",
    "Nomor Handphone",
    "No Handphone",
    "Handphone",
    "Nomor Telepon",
    "No Telepon",
    "Telepon",
    "No Telp",
    "Telp",
    "Nomor Ponsel",
    "Ponsel",
    "Nomor",
    # Malay
    "Nombor Telefon",
    "No Telefon",
    "Telefon",
    "Nombor WhatsApp",
    "Nombor Telefon Bimbit",
    "Nombor",
    "No Tel",
    # Spanish
    "Teléfono",
    "Número de teléfono",
    "Número de WhatsApp",
    "Número WhatsApp",
    "Número",
    "Celular",
    "Número de celular",
    "Móvil",
    "Número de móvil",
    "Número móvil",
    # Portuguese
    "Telefone",
    "Número de telefone",
    "Número do WhatsApp",
    "Número do celular",
    "Telemóvel",
    "Número de telemóvel",
    # Arabic
    "رقم الهاتف",
    "الهاتف",
    "هاتف",
    "رقم الجوال",
    "الجوال",
    "جوال",
    "رقم الموبايل",
    "موبايل",
    "رقم واتساب",
    "رقم الواتساب",
    "واتساب",
    # Thai
    "เบอร์โทร",
    "เบอร์โทรศัพท์",
    "หมายเลขโทรศัพท์",
    "โทรศัพท์",
    "เบอร์มือถือ",
    "เบอร์ WhatsApp",
    "เบอร์วอทส์แอป",
    # Vietnamese
    "Số điện thoại",
    "Điện thoại",
    "SĐT",
    "SDT",
    "Số WhatsApp",
    "Số di động",
    # Chinese (simplified and traditional)
    "电话",
    "电话号码",
    "手机",
    "手机号",
    "手机号码",
    "WhatsApp号码",
    "号码",
    "電話",
    "電話號碼",
    "手機",
    "手機號碼",
    "號碼",
    # Turkish
    "Telefon Numarası",
    "Telefon No",
    "Cep Telefonu",
    "Cep",
    "WhatsApp Numarası",
    "Numara",
    "GSM",
    # Hindi, Japanese, Korean, French, German, Italian, Russian
    "फ़ोन नंबर",
    "मोबाइल नंबर",
    "電話番号",
    "携帯番号",
    "전화번호",
    "휴대폰 번호",
    "Téléphone",
    "Numéro de téléphone",
    "Numéro WhatsApp",
    "Portable",
    "Telefonnummer",
    "Handynummer",
    "Numero di telefono",
    "Cellulare",
    "Телефон",
    "Номер телефона",
)
MESSAGE_ALIASES = _keys(
    # English
    "PrefilledMessage",
    "Message",
    "Prefilled Text",
    "Text",
    "Msg",
    "Prefill",
    "Message Text",
    "WhatsApp Message",
    "Pre-filled Message",
    "Default Message",
    # Indonesian and Malay
    "Pesan",
    "Isi Pesan",
    "Pesan WA",
    "Pesan WhatsApp",
    "Teks",
    "Teks Pesan",
    "Mesej",
    "Teks Mesej",
    # Spanish and Portuguese
    "Mensaje",
    "Texto",
    "Mensaje prellenado",
    "Mensagem",
    "Mensagem pré-preenchida",
    # Arabic
    "الرسالة",
    "رسالة",
    "نص الرسالة",
    # Thai
    "ข้อความ",
    # Vietnamese
    "Tin nhắn",
    "Nội dung tin nhắn",
    # Chinese
    "消息",
    "信息",
    "讯息",
    "訊息",
    "留言",
    "消息内容",
    "预填消息",
    "預填訊息",
    # Turkish
    "Mesaj",
    "Metin",
    # Hindi, Japanese, Korean, French, German, Italian, Russian
    "संदेश",
    "メッセージ",
    "메시지",
    "Texte",
    "Nachricht",
    "Messaggio",
    "Сообщение",
)
IMAGE_ALIASES = _keys(
    "GenerateQrImage", "Image Type", "QR Image Type", "Image", "Image Format", "Format"
)
SPACE_ALIASES = _keys("CustSpaceId", "Space Id", "Customer Space Id", "Cust Space")
_NUMBERED = re.compile(r"^(.*?)(?:\(\d+\)|\d+)$")


def _candidate(key: str, aliases: Sequence[str]) -> bool:
    """``key`` is an alias, or an alias numbered (``Message 2``, ``Phone (2)``)."""
    if key in aliases:
        return True
    numbered = _NUMBERED.match(key)
    return bool(numbered and numbered.group(1) in aliases)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Positions of the columns qrbatch uses in the sheet's header."""

    phone: int
    message: int
    image: int | None = None
    space: int | None = None

    def used(self) -> tuple[int, ...]:
        """The positions whose cells a request is made of."""
        return tuple(i for i in (self.phone, self.message, self.image, self.space) if i is not None)

    def describe(self, columns: Sequence[str]) -> str:
        """The columns found, for the log: ``phone 'Nomor WA' (B), message 'Pesan' (C)``."""
        parts = [
            f"{what} {columns[at]!r} ({column_letter(at)})"
            for what, at in (
                ("phone", self.phone),
                ("message", self.message),
                ("image type", self.image),
                ("space", self.space),
            )
            if at is not None
        ]
        return ", ".join(parts)


def find_column(columns: Sequence[str], wanted: str | None, aliases: Sequence[str]) -> int | None:
    """Position of the column named ``wanted`` (or the first alias found), if any.

    Without ``wanted``, an exact alias wins over a numbered one (``Phone`` over
    ``Phone 2``); ``candidate_columns`` tells whether there is more than one.
    """
    if wanted is not None:
        # The name as written first: "Phone (2)" is not "Phone", though their keys agree.
        for index, column in enumerate(columns):
            if column.strip().casefold() == wanted.strip().casefold():
                return index
    keys = [header_key(c) for c in columns]
    if wanted is not None:
        target = header_key(wanted)
        return keys.index(target) if target in keys else None
    for alias in aliases:
        if alias in keys:
            return keys.index(alias)
    for index, key in enumerate(keys):
        if _candidate(key, aliases):
            return index
    return None


def candidate_columns(columns: Sequence[str], aliases: Sequence[str]) -> list[int]:
    """Every position whose name is an alias or a numbered alias."""
    return [i for i, c in enumerate(columns) if _candidate(header_key(c), aliases)]


@dataclass(frozen=True, slots=True)
class HeaderMatcher:
    """Accepts a header row holding a phone and a message column (a ``HeaderTest``).

    ``score`` ranks other rows, so that when no header is found the error quotes the row
    that looks most like one (not a title row above it).
    """

    phone_column: str | None = None
    message_column: str | None = None

    def __call__(self, cells: Sequence[str]) -> bool:
        return (
            find_column(cells, self.phone_column, PHONE_ALIASES) is not None
            and find_column(cells, self.message_column, MESSAGE_ALIASES) is not None
        )

    def score(self, cells: Sequence[str]) -> int:
        wanted = {header_key(n) for n in (self.phone_column, self.message_column) if n}
        return header_score(cells) + sum(1 for c in cells if c and header_key(c) in wanted)


def header_matcher(
    phone_column: str | None = None, message_column: str | None = None
) -> HeaderTest:
    """A test that accepts a header row holding a phone and a message column."""
    return HeaderMatcher(phone_column, message_column)


def header_score(cells: Sequence[str]) -> int:
    """How many cells name a column qrbatch knows: ranks rows when no header is found."""
    every = (PHONE_ALIASES, MESSAGE_ALIASES, IMAGE_ALIASES, SPACE_ALIASES)
    return sum(1 for c in cells if c and any(_candidate(header_key(c), a) for a in every))


def map_columns(
    sheet: Sheet, *, phone_column: str | None = None, message_column: str | None = None
) -> ColumnMap:
    """Locate the columns by name (aliases, or the names given), or say what was found.

    Two columns that could both be the phone (or the message) are refused, naming them
    and the flag that picks one: a guess would send the wrong column.
    """
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
    for what, given, aliases in (
        ("phone", phone_column, PHONE_ALIASES),
        ("message", message_column, MESSAGE_ALIASES),
    ):
        found = candidate_columns(sheet.columns, aliases)
        if given is None and len(found) > 1:
            names = [sheet.columns[i] for i in found]
            raise InputFileError(
                f"{sheet.path}: {len(found)} columns could be the {what}: "
                f"{', '.join(repr(n) for n in names)}. Pass --{what}-column with the one to "
                f"use (e.g. --{what}-column {names[0]!r})."
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
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")  # 6,28E+12 in a comma locale


_PARSE_WHY = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
    phonenumbers.NumberParseException.TOO_LONG: "is too long",
}
_POSSIBLE_WHY = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.ValidationResult.TOO_SHORT: "is too short",
    phonenumbers.ValidationResult.TOO_LONG: "is too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has the wrong length",
}


def _parse(raw: str, text: str, region: str | None) -> phonenumbers.PhoneNumber:
    """A parsed number that is valid, or RowProblem saying why it is not."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        why = _PARSE_WHY.get(exc.error_type, "is not a phone number")
        raise RowProblem("InvalidPhone", f"{raw!r} {why}") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        why = _POSSIBLE_WHY.get(reason, "is not possible")
        raise RowProblem("InvalidPhone", f"{raw!r} {why} for a phone number")
    if not phonenumbers.is_valid_number(number):
        cc = number.country_code or 0
        where = phonenumbers.region_code_for_country_code(cc)
        raise RowProblem("InvalidPhone", f"{raw!r} is not a valid number in {where} (+{cc})")
    return number


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))[1:]


@functools.lru_cache(maxsize=65536)
def normalise_phone(raw: str, default_region: str | None = None) -> str:
    """Country code + digits, or RowProblem saying why the value is not a phone number.

    A number is never rewritten: digits that are a valid international number (country
    code + national number, with or without ``+``/``00``) stay as written. The default
    region applies only to national numbers: a trunk prefix (a leading ``0``), an area
    code in parentheses (``(201) 555-0123``), or digits that are not valid
    internationally. Digits valid both ways (``6591234567`` is
    Singapore as written and an Indonesian national number) are ``AmbiguousPhone``,
    never guessed. Spaces, dashes, dots and parentheses are ignored.
    """
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
    if re.search(r"[^\W\d_]", text):
        raise RowProblem("InvalidPhone", f"{raw!r} contains letters")
    region = default_region.upper() if default_region else None
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        return _e164(_parse(raw, text, None))
    digits = re.sub(r"\D", "", text)
    if not digits:
        raise RowProblem("InvalidPhone", f"{raw!r} has no digits")
    # A trunk prefix, or an area code in parentheses, is how national numbers are written.
    if digits.startswith("0") or text.startswith("("):
        if region is None:
            raise RowProblem(
                "InvalidPhone",
                f"{raw!r} looks like a national number: add the country code or pass "
                "--default-region (e.g. ID, SG, US)",
            )
        return _e164(_parse(raw, text, region))
    if region is None:
        return _e164(_parse(raw, "+" + digits, None))
    international: phonenumbers.PhoneNumber | None = None
    with contextlib.suppress(RowProblem):
        international = _parse(raw, "+" + digits, None)
    try:
        national = _parse(raw, digits, region)
    except RowProblem:
        if international is None:
            raise
        return _e164(international)
    if international is None:
        return _e164(national)
    if _e164(national) == _e164(international):
        return _e164(international)
    raise RowProblem(
        "AmbiguousPhone",
        f"{raw!r} is a valid number as written (+{_e164(international)}, "
        f"{phonenumbers.region_code_for_number(international)}) and as a national number "
        f"of {region} (+{_e164(national)}): write it with + and the country code",
    )


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
    """Validate every row; blank rows are skipped, bad ones invalid with a reason.

    A problem the reader found (a row wider than its header, bytes that are not UTF-8, a
    formula with no saved value in a column that is sent) makes the row invalid first:
    its cells are not what the person wrote, so nothing is sent for it.
    """
    checked: list[CheckedRow] = []
    names = sheet.columns
    used = columns.used()
    for row in sheet.rows:
        found = reader_problem(row, used)
        if found is not None:
            where = f"{names[found.column]}: " if found.column is not None else ""
            message = f"{where}{found.message}"
            checked.append(CheckedRow(row, None, "invalid", found.code, message))
            continue
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


def reader_problem(row: InputRow, used: Sequence[int] | None = None) -> CellProblem | None:
    """The first problem the reader found in ``row`` that touches what would be sent.

    Row-wide problems always count; a cell's problem counts when its column is in ``used``
    (all columns when ``used`` is None). ``lifecycle.check_ops`` can call this too.
    """
    for problem in row.problems:
        if problem.column is None or used is None or problem.column in used:
            return problem
    return None
