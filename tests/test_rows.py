"""Row validation: phone normalisation, message and image checks, columns by name."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrbatch.errors import InputFileError
from qrbatch.rows import (
    RowProblem,
    check_image_type,
    check_message,
    check_rows,
    header_key,
    map_columns,
    normalise_phone,
)
from qrbatch.sheets.read import InputRow, Sheet


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6281234567890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
        ("+62 (812) 3456.7890", "6281234567890"),
        ("'6281234567890", "6281234567890"),
        ("6281234567890.0", "6281234567890"),
        ("\u00a0+62\u00a0812 3456 7890 ", "6281234567890"),
        ("0062 812 3456 7890", "6281234567890"),
        ("+1 (415) 555-0123", "14155550123"),
    ],
)
def test_phone_numbers_as_people_type_them(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_national_numbers_need_a_default_region() -> None:
    assert normalise_phone("0812-3456-7890", "ID") == "6281234567890"
    with pytest.raises(RowProblem, match="--default-region"):
        normalise_phone("0812-3456-7890")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "empty"),
        ("6.28123E+12", "scientific notation"),
        ("call me", "letters"),
        ("+62 12", "too short"),
        ("+999 1234567", "country code"),
    ],
)
def test_bad_phones_say_why(raw: str, words: str) -> None:
    with pytest.raises(RowProblem, match=words):
        normalise_phone(raw)


REGIONS = st.sampled_from(["ID", "SG", "US", "GB", "CN", "BR", "ES", "IN", "DE", "MX"])


@settings(max_examples=200, deadline=None)
@given(
    region=REGIONS,
    style=st.sampled_from(["E164", "INTERNATIONAL", "digits", "apostrophe", "float"]),
)
def test_any_valid_number_in_any_style_normalises_to_country_code_and_digits(
    region: str, style: str
) -> None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    written = {
        "E164": e164,
        "INTERNATIONAL": phonenumbers.format_number(
            example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        "digits": e164[1:],
        "apostrophe": "'" + e164,
        "float": e164[1:] + ".0",
    }[style]
    assert normalise_phone(written) == e164[1:]


def test_messages_are_trimmed_and_limited_to_140_characters() -> None:
    assert check_message("  hello\r\nworld \n") == "hello\nworld"
    assert check_message("🎉" * 140) == "🎉" * 140
    with pytest.raises(RowProblem, match="141 characters"):
        check_message("x" * 141)
    with pytest.raises(RowProblem, match="empty"):
        check_message("   ")


def test_image_types() -> None:
    assert check_image_type("svg", "PNG") == "SVG"
    assert check_image_type(" ", "PNG") == "PNG"
    with pytest.raises(RowProblem, match="'jpg'"):
        check_image_type("jpg", "PNG")


def sheet(columns: tuple[str, ...], *rows: tuple[str, ...]) -> Sheet:
    return Sheet(Path("in.csv"), None, 1, columns, [InputRow(i + 2, r) for i, r in enumerate(rows)])


def test_headers_are_found_whatever_their_case_spaces_and_underscores() -> None:
    assert header_key(" Prefilled_Message ") == "prefilledmessage"
    columns = map_columns(
        sheet(("Store", "phone number", "PREFILLED MESSAGE", "Image type", "Cust_Space_Id"))
    )
    assert (columns.phone, columns.message, columns.image, columns.space) == (1, 2, 3, 4)


def test_a_missing_column_lists_the_columns_found() -> None:
    with pytest.raises(
        InputFileError, match=r"no message column.*'Phone', 'Notes'.*--message-column"
    ):
        map_columns(sheet(("Phone", "Notes")))


def test_rows_become_requests_or_problems_naming_the_column() -> None:
    data = sheet(
        ("Phone", "Message", "GenerateQrImage", "CustSpaceId"),
        ("+62 812 3456 7890", "Hi", "", ""),
        ("", "", "", ""),
        ("6281234567890", "x" * 141, "", ""),
        ("6281234567890", "Hi", "gif", ""),
        ("6281234567890", "Hi", "svg", "space-1"),
    )
    checked = check_rows(data, map_columns(data), image_type="PNG", cust_space_id="default-space")
    assert [c.state for c in checked] == ["ok", "skipped", "invalid", "invalid", "ok"]
    assert checked[0].request is not None and checked[0].request.cust_space_id == "default-space"
    assert checked[2].error_code == "MessageTooLong" and checked[2].error_message.startswith(
        "Message:"
    )
    assert checked[3].error_message.startswith("GenerateQrImage:")
    assert checked[4].request is not None
    assert (checked[4].request.image_type, checked[4].request.cust_space_id) == ("SVG", "space-1")
