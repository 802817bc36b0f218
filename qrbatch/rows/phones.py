"""Business phone numbers: what a cell says, and which of the account's numbers it is.

``normalise_phone`` reads a cell by the written rules alone (a number valid as written is
never rewritten; the default region only for national numbers; two readings are
``AmbiguousPhone``). When the account's own WhatsApp numbers are known
(``QueryChatappPhoneNumbers``), ``resolve_phone`` decides instead: every reasonable
reading of the cell (as written, national in the country of each of the account's
numbers, in the default region or the row's country, with a leading 0 that a spreadsheet
dropped) is matched against them. One match is the number; none is
``NotAccountNumber`` (with the closest of the account's numbers); two are
``AmbiguousPhone``. Nothing is guessed.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
from collections.abc import Collection, Iterable

import phonenumbers

from qrbatch.words import Words, said


class RowProblem(Exception):
    """A value in a row that cannot be sent: its ErrorCode and the catalogue's words
    (``message`` is them worded in the current context, a :func:`said` text)."""

    def __init__(self, code: str, key: str, /, **params: object) -> None:
        self.words = Words(key, **params)
        self.message = said(key, **params)
        super().__init__(self.message)
        self.code = code


_INVISIBLE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u200b\u200e\u200f\u2060\ufeff"), " ")

_FLOAT_FORM = re.compile(r"^\+?\d+\.0+$")
# One separator and one to three digits after it: a number cell with decimals
# (6281234567890.4), not a number written with dots (0857.1234.5006).
_FRACTION = re.compile(r"^\+?\d+[.,](\d{1,3})$")

_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")  # 6,28E+12 in a comma locale

_PARSE_WHY = {  # catalogue keys
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "rows.why_country_code",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "rows.why_too_short",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "rows.why_too_short",
    phonenumbers.NumberParseException.TOO_LONG: "rows.why_too_long",
}

_POSSIBLE_WHY = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "rows.why_country_code",
    phonenumbers.ValidationResult.TOO_SHORT: "rows.why_too_short",
    phonenumbers.ValidationResult.TOO_LONG: "rows.why_too_long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "rows.why_length",
}


def _parse(raw: str, text: str, region: str | None) -> phonenumbers.PhoneNumber:
    """A parsed number that is valid, or RowProblem saying why it is not."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        why = Words(_PARSE_WHY.get(exc.error_type, "rows.why_not_a_number"))
        raise RowProblem("InvalidPhone", "rows.phone_why", raw=raw, why=why) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        why = Words(_POSSIBLE_WHY.get(reason, "rows.why_not_possible"))
        raise RowProblem("InvalidPhone", "rows.phone_impossible", raw=raw, why=why)
    if not phonenumbers.is_valid_number(number):
        cc = number.country_code or 0
        where = phonenumbers.region_code_for_country_code(cc)
        raise RowProblem("InvalidPhone", "rows.phone_not_valid_in", raw=raw, region=where, cc=cc)
    return number


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))[1:]


def _cleaned(raw: str) -> str:
    """The cell as a number's text (``00`` as ``+``), or RowProblem when it cannot be one:
    empty, in scientific notation (digits lost), or with letters."""
    text = raw.translate(_INVISIBLE).strip().lstrip("'").strip()
    if not text:
        raise RowProblem("MissingPhone", "rows.phone_empty")
    if _SCIENTIFIC.match(text):
        raise RowProblem("InvalidPhone", "rows.phone_scientific", raw=raw)
    if _FLOAT_FORM.match(text):
        text = text.split(".", 1)[0]
    elif _FRACTION.match(text):
        raise RowProblem("InvalidPhone", "rows.phone_fraction", raw=raw)
    if re.search(r"[^\W\d_]", text):
        raise RowProblem("InvalidPhone", "rows.phone_letters", raw=raw)
    if text.startswith("00"):
        text = "+" + text[2:]
    return text


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
    text = _cleaned(raw)
    region = default_region.upper() if default_region else None
    # "(+65) 9123 4567": a country code in a leading parenthesis is still international
    bracketed = re.match(r"\(\s*(?:\+|00)\s*(\d+)\s*\)", text)
    if bracketed:
        text = f"+{bracketed.group(1)} {text[bracketed.end() :]}"
    if text.startswith("+"):
        return _e164(_parse(raw, text, None))
    digits = re.sub(r"\D", "", text)
    if not digits:
        raise RowProblem("InvalidPhone", "rows.phone_no_digits", raw=raw)
    # A trunk prefix, or an area code in parentheses, is how national numbers are written.
    if digits.startswith("0") or text.startswith("("):
        if region is None:
            raise RowProblem("InvalidPhone", "rows.phone_national", raw=raw)
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
        "rows.phone_ambiguous",
        raw=raw,
        international=_e164(international),
        international_region=phonenumbers.region_code_for_number(international),
        region=region,
        national=_e164(national),
    )


def is_region(code: str) -> bool:
    """A two-letter region code phone numbers know (``ID``, ``SG``, ``MX``)."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def display(number: str) -> str:
    """A number (country code + digits) as people read it: ``+62 812-3456-7001``."""
    try:
        parsed = phonenumbers.parse("+" + number, None)
    except phonenumbers.NumberParseException:
        return "+" + number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def region_of(number: str) -> str | None:
    """The region (``ID``) of a number (country code + digits), if it has one."""
    try:
        parsed = phonenumbers.parse("+" + number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return None if region in (None, "ZZ") else str(region)


def readings(raw: str, regions: Iterable[str]) -> set[str]:
    """Every reasonable reading of a phone cell, as country code + digits: as written
    (with ``+``/``00`` that is the only one), and as a national number of each region,
    with or without its trunk prefix (a ``0`` a spreadsheet dropped reads the same).
    Raises RowProblem when the cell cannot be a number at all."""
    text = _cleaned(raw)
    found: set[str] = set()

    def add(written: str, region: str | None) -> None:
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            return
        if phonenumbers.is_possible_number(number):
            found.add(_e164(number))

    if text.startswith("+"):
        add(text, None)
        return found
    digits = re.sub(r"\D", "", text)
    if not digits:
        raise RowProblem("InvalidPhone", "rows.phone_no_digits", raw=raw)
    if not digits.startswith("0"):
        add("+" + digits, None)
    for region in sorted({r.upper() for r in regions if r}):
        add(text, region)
    return found


def resolve_phone(
    raw: str,
    owned: Collection[str],
    *,
    default_region: str | None = None,
    country: str | None = None,
) -> str:
    """The one of the account's numbers (``owned``, country code + digits) that the cell
    means, or RowProblem: ``NotAccountNumber`` naming the closest of them, or
    ``AmbiguousPhone`` naming the two it could be. The regions tried are those of the
    account's numbers, the default region and the row's country."""
    regions = {r for r in map(region_of, owned) if r}
    regions.update(r for r in (default_region, country) if r)
    candidates = readings(raw, regions)
    matches = sorted(candidates & set(owned))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        shown = [display(m) for m in matches]
        raise RowProblem("AmbiguousPhone", "rows.phone_two_of_account", raw=raw, numbers=shown)
    if not any(map(_valid, candidates)):  # not a phone number at all: say why, as written
        normalise_phone(raw, country or default_region)
    near = closest(candidates, owned)
    hint = Words("rows.closest", numbers=[display(n) for n in near]) if near else ""
    if not (default_region or country) and re.sub(r"[^\d+]", "", _cleaned(raw)).startswith("0"):
        # A national number with no region given: most often the region is what is missing
        # (the closest number alone, perhaps of another country, would mislead)
        raise RowProblem("NotAccountNumber", "rows.not_account_national", raw=raw, closest=hint)
    raise RowProblem("NotAccountNumber", "rows.not_account_number", raw=raw, closest=hint)


def _valid(number: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse("+" + number, None)))
    except phonenumbers.NumberParseException:
        return False


def closest(candidates: Iterable[str], owned: Collection[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` of the account's numbers most like any reading of a cell (a typo,
    a digit too many), best first."""
    scores: dict[str, float] = {}
    for candidate in candidates:
        for number in owned:
            ratio = difflib.SequenceMatcher(None, candidate, number).ratio()
            scores[number] = max(scores.get(number, 0.0), ratio)
    ranked = sorted((n for n, r in scores.items() if r >= 0.6), key=lambda n: (-scores[n], n))
    return ranked[:limit]
