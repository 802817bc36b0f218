"""Row validation and normalisation: every sheet row becomes a request or a problem.

Nothing invalid is ever sent. Phone numbers become country code + digits (no ``+``),
messages are trimmed and checked against WhatsApp's 140-character limit, image types
are PNG or SVG.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from qrbatch.cams.models import IMAGE_TYPES
from qrbatch.errors import InputFileError
from qrbatch.rows.phones import RowProblem as RowProblem
from qrbatch.rows.phones import is_region
from qrbatch.rows.phones import normalise_phone as normalise_phone
from qrbatch.sheets.cells import CellProblem, column_letter
from qrbatch.sheets.read import HeaderTest, InputRow, Sheet
from qrbatch.words import said

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
# The country of a row's national numbers (ID, SG...): the default region, row by row.
COUNTRY_ALIASES = _keys(
    "Country",
    "Region",
    "Negara",
    "País",
    "Pais",
    "Pays",
    "Land",
    "Paese",
    "Ülke",
    "Quốc gia",
    "ประเทศ",
    "Bansa",
    "国家",
    "國家",
    "国",
    "국가",
    "देश",
    "Страна",
    "الدولة",
)
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
    country: int | None = None

    def used(self) -> tuple[int, ...]:
        """The positions whose cells a request is made of."""
        every = (self.phone, self.message, self.image, self.space, self.country)
        return tuple(i for i in every if i is not None)

    def describe(self, columns: Sequence[str]) -> str:
        """The columns found, for the log: ``phone 'Nomor WA' (B), message 'Pesan' (C)``."""
        parts = [
            f"{what} {columns[at]!r} ({column_letter(at)})"
            for what, at in (
                ("phone", self.phone),
                ("message", self.message),
                ("image type", self.image),
                ("space", self.space),
                ("country", self.country),
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

    def missing(self, cells: Sequence[str]) -> tuple[str, ...]:
        """Which of "phone" and "message" ``cells`` do not name (for the error)."""
        return tuple(
            what
            for what, name, aliases in (
                ("phone", self.phone_column, PHONE_ALIASES),
                ("message", self.message_column, MESSAGE_ALIASES),
            )
            if find_column(cells, name, aliases) is None
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
    sheet: Sheet,
    *,
    phone_column: str | None = None,
    message_column: str | None = None,
    country_column: str | None = None,
    guess: bool = True,
) -> ColumnMap:
    """Locate the columns by name (aliases, or the names given), or say what was found.

    Two columns that could both be the phone (or the message) are refused, naming them
    and the flag that picks one: a guess would send the wrong column.
    """
    phone = find_column(sheet.columns, phone_column, PHONE_ALIASES)
    message = find_column(sheet.columns, message_column, MESSAGE_ALIASES)
    found = list(sheet.columns)
    if phone is None or message is None:
        missing = "phone" if phone is None else "message"
        given = phone_column if phone is None else message_column
        key = f"rows.no_{missing}_column" + ("_named" if given else "")
        raise InputFileError.of(key, file=sheet.path, given=given, found=found)
    for what, given, aliases in (
        ("phone", phone_column, PHONE_ALIASES),
        ("message", message_column, MESSAGE_ALIASES),
    ):
        candidates = candidate_columns(sheet.columns, aliases)
        if given is None and len(candidates) > 1:
            names = [sheet.columns[i] for i in candidates]
            raise InputFileError.of(
                f"rows.two_{what}_columns",
                file=sheet.path,
                count=len(names),
                names=names,
                first=names[0],
            )
    # guess=False (the caller named its columns): nothing else is taken by its name alone
    country = find_column(sheet.columns, country_column, COUNTRY_ALIASES if guess else ())
    if country_column is not None and country is None:
        raise InputFileError.of(
            "rows.no_country_column_named", file=sheet.path, given=country_column, found=found
        )
    return ColumnMap(
        phone=phone,
        message=message,
        image=find_column(sheet.columns, None, IMAGE_ALIASES) if guess else None,
        space=find_column(sheet.columns, None, SPACE_ALIASES) if guess else None,
        country=country,
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
    # What the account's numbers decide (``rows.account``): the phone cell as written, the
    # row's country, and, for a row whose only problem is its phone, the rest of its
    # request (phone left empty). ``note``: a warning about the number, sent all the same.
    phone_cell: str = ""
    country: str | None = None
    pending: QrRequest | None = None
    note: str = ""


def check_message(raw: str) -> str:
    """The message, trimmed (inner line breaks kept), or RowProblem."""
    message = raw.replace("\r\n", "\n").strip()
    if not message:
        raise RowProblem("MissingMessage", "rows.message_empty")
    if len(message) > MAX_MESSAGE_CHARS:
        raise RowProblem(
            "MessageTooLong",
            "rows.message_too_long",
            length=len(message),
            limit=MAX_MESSAGE_CHARS,
            over=len(message) - MAX_MESSAGE_CHARS,
        )
    return message


def check_image_type(raw: str, default: str) -> str:
    """PNG or SVG (case-insensitive; blank means the run's default)."""
    value = raw.strip().upper() or default
    if value not in IMAGE_TYPES:
        raise RowProblem("InvalidImageType", "rows.image_type", value=raw.strip())
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
            message = found.message
            if found.column is not None:
                message = said("rows.in_column", column=names[found.column], problem=message)
            checked.append(CheckedRow(row, None, "invalid", found.code, message))
            continue
        if row.is_blank:
            checked.append(CheckedRow(row, None, "skipped", "BlankRow", said("rows.blank")))
            continue
        cells = row.cells
        phone_cell = cells[columns.phone]
        country: str | None = None
        phone_problem: RowProblem | None = None
        try:
            if columns.country is not None and cells[columns.country].strip():
                column = names[columns.country]
                country = cells[columns.country].strip().upper()
                if not is_region(country):
                    raise RowProblem(
                        "InvalidCountry", "rows.country_code", value=cells[columns.country].strip()
                    )
            column = names[columns.phone]
            try:
                phone = normalise_phone(phone_cell, country or default_region)
            except RowProblem as problem:
                phone, phone_problem = "", problem
            column = names[columns.message]
            message = check_message(cells[columns.message])
            image = image_type
            if columns.image is not None:
                column = names[columns.image]
                image = check_image_type(cells[columns.image], image_type)
            space = cust_space_id
            if columns.space is not None and cells[columns.space].strip():
                space = cells[columns.space].strip()
        except RowProblem as error:
            first = error
            if phone_problem is not None:  # the phone is named first, as it is checked first
                first, column = phone_problem, names[columns.phone]
            message = said("rows.in_column", column=column, problem=first.words)
            checked.append(CheckedRow(row, None, "invalid", first.code, message))
            continue
        request = QrRequest(phone, message, image, space)
        if phone_problem is not None:  # the account's numbers may still say which it is
            where = said("rows.in_column", column=names[columns.phone], problem=phone_problem.words)
            checked.append(
                CheckedRow(
                    row, None, "invalid", phone_problem.code, where, phone_cell, country, request
                )
            )
            continue
        checked.append(CheckedRow(row, request, "ok", phone_cell=phone_cell, country=country))
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
