"""Row validation: phone normalisation, message and image checks, columns by name."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrbatch.errors import InputFileError
from qrbatch.outputs.results import READ_ADVICE
from qrbatch.rows.checks import (
    RowProblem,
    check_image_type,
    check_message,
    check_rows,
    header_key,
    map_columns,
    normalise_phone,
)
from qrbatch.sheets.read import CellProblem, InputRow, Sheet
from qrbatch.words import describe, speaking


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
        ("(+65) 9123 4567", "6591234567"),  # the country code in a parenthesis
        ("( +62 ) 812-3456-7890", "6281234567890"),
        ("(0065) 9123 4567", "6591234567"),
    ],
)
def test_phone_numbers_as_people_type_them(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_national_numbers_need_a_default_region() -> None:
    assert normalise_phone("0812-3456-7890", "ID") == "6281234567890"
    with pytest.raises(RowProblem, match='or pass default_region="CC"'):
        normalise_phone("0812-3456-7890")
    with speaking(audience="cli"), pytest.raises(RowProblem, match="--default-region CC"):
        normalise_phone("0812-3456-7890")


def test_a_rows_problem_is_worded_again_for_the_page() -> None:
    checked = check_rows(
        sheet(("Telepon", "Pesan"), ("0812-3456-7890", "Halo")),
        map_columns(sheet(("Telepon", "Pesan")), phone_column="Telepon", message_column="Pesan"),
    )
    message = checked[0].error_message
    assert message.startswith("Telepon: '0812-3456-7890' looks like a national number")
    assert describe(message, language="id", audience="page") == (
        "Telepon: '0812-3456-7890' tampaknya nomor lokal: tambahkan kode negara atau pilih "
        "Negara bawaan (mis. ID, SG, US)"
    )


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
        InputFileError, match=r"no message column.*'Phone', 'Notes'.*Pass message=\"NAME\""
    ):
        map_columns(sheet(("Phone", "Notes")))


def test_the_command_line_names_the_flag_for_a_missing_column() -> None:
    with pytest.raises(InputFileError) as raised:
        map_columns(sheet(("Phone", "Notes")))
    with speaking(audience="cli"):
        assert str(raised.value).endswith("Pass --message-column NAME.")
    page = describe(raised.value, language="id", audience="page")
    assert page.endswith("Kolom yang ada: 'Phone', 'Notes'. Pilih Kolom pesan.")


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


# Numbers are never rewritten --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("447911123456", "ID", "447911123456"),
        ("971501234567", "ID", "971501234567"),
        ("+65 9123 4567", "ID", "6591234567"),
        ("0065 9123 4567", "ID", "6591234567"),
        ("6281234567890", "ID", "6281234567890"),
        ("0812-3456-7890", "ID", "6281234567890"),
        ("(0812) 3456.7890", "ID", "6281234567890"),
        ("07911 123456", "GB", "447911123456"),
        ("6591234567", None, "6591234567"),
        ("(201) 555-0123", "US", "12015550123"),
    ],
)
def test_a_number_valid_as_written_stays_as_written(
    raw: str, region: str | None, expected: str
) -> None:
    assert normalise_phone(raw, region) == expected


def test_a_number_valid_both_ways_is_reported_never_guessed() -> None:
    with pytest.raises(RowProblem, match=r"write it with \+ and the country code") as caught:
        normalise_phone("6591234567", "ID")
    assert caught.value.code == "AmbiguousPhone"
    assert "+6591234567" in caught.value.message and "+626591234567" in caught.value.message


def test_a_national_number_without_trunk_prefix_uses_the_region_when_not_valid_abroad() -> None:
    # 2025550123 read internationally is +20 (Egypt) 25550123, which is not valid.
    assert normalise_phone("202 555 0123", "US") == "12025550123"


ALL_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
NUMBER_TYPES = [
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
]


def _example(region: str, kind: int) -> phonenumbers.PhoneNumber | None:
    return phonenumbers.example_number_for_type(region, kind)


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(ALL_REGIONS),
    default=st.sampled_from([None, *ALL_REGIONS]),
    kind=st.sampled_from(NUMBER_TYPES),
    style=st.sampled_from(["E164", "INTERNATIONAL", "00", "digits", "dashes"]),
)
def test_an_international_number_is_never_turned_into_another_number(
    region: str, default: str | None, kind: int, style: str
) -> None:
    example = _example(region, kind)
    if example is None or not phonenumbers.is_valid_number(example):
        return
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    spaced = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    written = {
        "E164": e164,
        "INTERNATIONAL": spaced,
        "00": "00" + e164[1:],
        "digits": e164[1:],
        "dashes": spaced.lstrip("+").replace(" ", "-"),
    }[style]
    try:
        assert normalise_phone(written, default) == e164[1:]
    except RowProblem as problem:
        # Only digits without + may be ambiguous, and only when they are a valid national
        # number of the default region too.
        assert style in ("digits", "dashes") and default is not None
        assert problem.code == "AmbiguousPhone"
        national = phonenumbers.parse(e164[1:], default)
        assert phonenumbers.is_valid_number(national)


@settings(max_examples=300, deadline=None)
@given(region=st.sampled_from(ALL_REGIONS), kind=st.sampled_from(NUMBER_TYPES))
def test_a_national_number_with_its_region_is_the_regions_number_or_ambiguous(
    region: str, kind: int
) -> None:
    example = _example(region, kind)
    if example is None or not phonenumbers.is_valid_number(example):
        return
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:]
    try:
        assert normalise_phone(national, region) == e164
    except RowProblem as problem:
        # e.g. CN "131 2345 6789" is also +1 312-345-6789 as written.
        assert problem.code == "AmbiguousPhone"
        digits = "".join(ch for ch in national if ch.isdigit())
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + digits))


# Headers and candidate columns ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        (
            ("Phone", "WhatsApp Number", "Message"),
            r"2 columns could be the phone: 'Phone', "
            r"'WhatsApp Number'.*pass phone='Phone'",
        ),
        (
            ("Phone", "Message", "Message 2"),
            r"could be the message: 'Message', 'Message 2'.*"
            r"pass message='Message'",
        ),
        (("Phone", "Phone (2)", "Pesan"), r"could be the phone: 'Phone', 'Phone \(2\)'"),
        (("No HP", "Nomor WA", "Pesan"), r"could be the phone: 'No HP', 'Nomor WA'"),
    ],
)
def test_two_candidate_columns_are_refused_naming_them_and_the_setting(
    columns: tuple[str, ...], words: str
) -> None:
    with pytest.raises(InputFileError, match=words):
        map_columns(sheet(columns))


def test_a_flag_picks_one_of_two_candidates() -> None:
    columns = map_columns(
        sheet(("Phone", "WhatsApp Number", "Message", "Message 2")),
        phone_column="whatsapp number",
        message_column="Message 2",
    )
    assert (columns.phone, columns.message) == (1, 3)


def test_a_flag_names_a_numbered_duplicate_exactly() -> None:
    columns = map_columns(sheet(("Phone", "Phone (2)", "Message")), phone_column="Phone (2)")
    assert columns.phone == 1


def test_columns_found_are_described_for_the_log() -> None:
    data = sheet(("Store", "Nomor WA", "Pesan"))
    assert map_columns(data).describe(data.columns) == "phone 'Nomor WA' (B), message 'Pesan' (C)"


def test_header_keys_ignore_accents_punctuation_and_notes() -> None:
    assert [header_key(n) for n in ("Teléfono:", "No. HP", "Phone (with +)", "Phone #*")] == [
        "telefono",
        "nohp",
        "phone",
        "phone",
    ]


# Reader problems make rows invalid ---------------------------------------------------------------


def test_rows_the_reader_found_problems_in_are_invalid_by_row() -> None:
    data = Sheet(
        Path("in.csv"),
        None,
        1,
        ("Phone", "Message", "Note", "Column 4"),
        [
            InputRow(
                2,
                ("6281234567890", "Halo", " saya", ""),
                (CellProblem("RowDoesNotFitHeader", "the row has 3 cells"),),
            ),
            InputRow(3, ("", "hi", "", ""), (CellProblem("FormulaNotCalculated", "=A9", 0),)),
            InputRow(
                4, ("6281234567890", "hi", "", ""), (CellProblem("FormulaNotCalculated", "=Z1", 2),)
            ),
            InputRow(5, ("", "", "", ""), (CellProblem("FormulaNotCalculated", "=A1", 0),)),
        ],
    )
    checked = check_rows(data, map_columns(data))
    assert [(c.state, c.error_code) for c in checked] == [
        ("invalid", "RowDoesNotFitHeader"),
        ("invalid", "FormulaNotCalculated"),
        ("ok", ""),
        ("invalid", "FormulaNotCalculated"),
    ]
    assert checked[0].error_message == "the row has 3 cells"
    assert checked[1].error_message == "Phone: =A9"


def test_every_new_error_code_has_advice() -> None:
    assert set(READ_ADVICE) == {
        "AmbiguousPhone",
        "RowDoesNotFitHeader",
        "BadEncoding",
        "FormulaNotCalculated",
        "FormulaError",
        "CellTooLong",
        "UnclosedQuote",
    }


@pytest.mark.parametrize("raw", ["6281234567890.4", "628123456789.05", "+6281234567890.5"])
def test_a_phone_with_a_fractional_part_is_not_a_number_that_was_meant(raw: str) -> None:
    with pytest.raises(RowProblem, match="fractional part"):
        normalise_phone(raw)


def test_a_float_phone_with_decimals_in_a_frame_is_invalid_and_a_whole_one_is_kept() -> None:
    import pandas as pd

    from qrbatch.sheets.frame import sheet_from_frame

    frame = pd.DataFrame({"Phone": [6281234567890.4, 6281234567890.0], "Message": ["a", "b"]})
    sheet = sheet_from_frame(frame)
    checked = check_rows(sheet, map_columns(sheet))
    assert [r.error_code for r in checked] == ["InvalidPhone", ""]
    assert checked[1].request is not None and checked[1].request.phone == "6281234567890"
