"""The catalogue: every message in both languages with the same placeholders, no flag in
what the Python API or the page shows, and each audience's words for a setting."""

from __future__ import annotations

import pickle
import re
import string
from pathlib import Path

import pytest

from qrbatch.errors import ConfigError, InputFileError
from qrbatch.words import AUDIENCES, LANGUAGES, describe, say, speaking
from qrbatch.words.catalogue import areas, messages
from qrbatch.words.fixes import SETTINGS

FLAG = re.compile(r"(?<![\w-])--[a-z]|(?<![\w-])-o\b")


def fields(text: str) -> set[str]:
    """The placeholders of a message, with the setting of each {fix:...}."""
    names: set[str] = set()
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is None:
            continue
        if name in ("fix", "Fix", "option"):
            setting = spec.partition("=")[0]
            if "{" not in setting:  # {option:{setting}}: the setting is a parameter
                names.add(f"{name.lower()}:{setting}")
            names |= fields(spec)
        else:
            names.add(name.split(".")[0].split("[")[0])
    return names


def sample(text: str) -> dict[str, object]:
    """A value for every parameter of a message (a word, a number or a list)."""
    return {
        n: ["A", "B"] if n in ("found", "names", "sheets", "numbers") else 1234
        for n in fields(text)
        if ":" not in n
    } | {"setting": "qps"}


CATALOGUE = messages()
KEYS = sorted(CATALOGUE["en"])


def test_every_key_is_in_both_languages() -> None:
    assert set(CATALOGUE) == set(LANGUAGES)
    assert sorted(CATALOGUE["id"]) == KEYS


@pytest.mark.parametrize("area", [a for a in areas() if a != "page"])
def test_keys_are_named_after_their_area(area: str) -> None:
    """(The page's own words, ``page.py``, keep the page's names.)"""
    import importlib

    module = importlib.import_module(f"qrbatch.words.catalogue.{area}")
    assert all(key.startswith(f"{area}.") for key in module.EN)


@pytest.mark.parametrize("key", KEYS)
def test_english_and_indonesian_take_the_same_placeholders(key: str) -> None:
    assert fields(CATALOGUE["id"][key]) == fields(CATALOGUE["en"][key])


@pytest.mark.parametrize("key", KEYS)
def test_no_message_takes_a_reserved_name_as_a_parameter(key: str) -> None:
    plain = {
        n for _, n, spec, _ in string.Formatter().parse(CATALOGUE["en"][key]) if n and not spec
    }
    assert not plain & {"fix", "Fix", "option"}


@pytest.mark.parametrize("key", KEYS)
def test_every_setting_a_message_names_is_in_the_table(key: str) -> None:
    named = {f.partition(":")[2] for f in fields(CATALOGUE["en"][key]) if ":" in f}
    assert named <= SETTINGS.keys()


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_python_and_page_words_name_no_flag(key: str, language: str) -> None:
    params = sample(CATALOGUE["en"][key])
    for audience in ("python", "page"):
        text = say(key, language=language, audience=audience, **params)
        assert not FLAG.search(text), text


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_each_setting_has_words_for_every_audience(name: str) -> None:
    setting = SETTINGS[name]
    if not setting.cli:
        assert setting.words("cli", "en", None).startswith(f"pass {setting.flag}")
    assert setting.words("python", "en", None).startswith(f"pass {setting.python}=")
    for language in LANGUAGES:
        for value in (None, "X"):
            page = setting.words("page", language, value)
            assert page and not FLAG.search(page) and "{" not in page


def test_a_column_fix_in_each_audience() -> None:
    params = {"file": "crm.xlsx", "found": ["Nama", "Kontak Toko"]}
    assert say("rows.no_phone_column", audience="cli", **params) == (
        "crm.xlsx: no phone column. Columns found: 'Nama', 'Kontak Toko'. Pass --phone-column NAME."
    )
    assert say("rows.no_phone_column", audience="python", **params).endswith('Pass phone="NAME".')
    assert say("rows.no_phone_column", audience="page", **params).endswith(
        "Choose the Phone column."
    )
    assert say("rows.no_phone_column", language="id", audience="page", **params) == (
        "crm.xlsx: tidak ada kolom nomor telepon. Kolom yang ada: 'Nama', 'Kontak Toko'. "
        "Pilih Kolom telepon."
    )


def test_a_fix_with_a_value() -> None:
    params = {"file": "a.csv", "count": 2, "names": ["No HP", "WA"], "first": "No HP"}
    assert "pass --phone-column 'No HP'" in say("rows.two_phone_columns", audience="cli", **params)
    assert "pass phone='No HP'" in say("rows.two_phone_columns", audience="python", **params)
    assert "pilih 'No HP' sebagai Kolom telepon" in say(
        "rows.two_phone_columns", language="id", audience="page", **params
    )


def test_the_context_decides_when_the_call_does_not() -> None:
    params = {"file": "a.csv", "found": ["x"]}
    assert "phone=" in say("rows.no_phone_column", **params)  # a library call: Python
    with speaking(audience="cli", language="id"):
        assert "Tambahkan --phone-column NAME." in say("rows.no_phone_column", **params)
        assert "phone=" in say("rows.no_phone_column", audience="python", **params)
    assert "phone=" in say("rows.no_phone_column", **params)


def test_an_unknown_key_or_language_or_parameter_never_raises() -> None:
    assert say("nope.nothing", row=3) == "nope.nothing (row=3)"
    assert say("sheet.too_wide", file="a", row="x", width=None, limit=2).startswith("a: row x")
    assert say("rows.no_phone_column", language="fr", file="a", found=[]).startswith("a: no")
    assert "{found}" in say("rows.no_phone_column", file="a")


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    from qrbatch.words.render import Filler

    assert Filler("en", "cli").format("{n:n}", n=1234567) == "1,234,567"
    assert Filler("id", "cli").format("{n:n}", n=1234567) == "1.234.567"


def test_an_error_with_a_key_speaks_in_its_readers_context() -> None:
    error = InputFileError.of("rows.no_phone_column", file="a.csv", found=["x"])
    assert "pass phone=" in str(error).lower()
    with speaking(audience="cli"):
        assert "--phone-column" in str(error)
    page = describe(error, language="id", audience="page")
    assert page.startswith("a.csv: tidak ada kolom nomor telepon")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy)) == (InputFileError, str(error))


def test_an_error_without_a_key_shows_its_own_words() -> None:
    assert str(ConfigError("plain words")) == "plain words"
    assert describe(ConfigError("plain words"), language="id") == "plain words"
    assert describe(ValueError("x")) == "x"


def test_audiences_and_languages() -> None:
    assert AUDIENCES == ("cli", "python", "page")
    assert LANGUAGES == ("en", "id")


def test_a_settings_own_name_in_each_audience() -> None:
    assert say("job.qps", audience="cli", value="0") == (
        "--qps must be more than 0 and at most 100000, got 0"
    )
    assert say("job.qps", audience="python", value="0").startswith("qps must be")
    assert say("job.qps", language="id", audience="page", value="0").startswith(
        "Kecepatan harus lebih dari 0"
    )
    assert say("job.not_a_number", audience="cli", setting="pdf_size", value="x").startswith(
        "--pdf-size must be a number"
    )


def test_a_parameter_called_name_is_a_parameter() -> None:
    text = say("rows.number_not_usable", number="+62 812", name="Toko", status="BANNED")
    assert text.startswith("+62 812 (Toko) is BANNED on WhatsApp")


# The front ends: each shows its own words, with nothing to translate at the front end.


def test_a_python_api_error_names_parameters_not_flags() -> None:
    import pandas as pd

    import qrbatch

    with pytest.raises(qrbatch.InputFileError) as caught:
        qrbatch.validate_frame(pd.DataFrame({"Name": ["Toko"], "Message": ["Halo"]}))
    text = str(caught.value)
    assert (
        text == "DataFrame: no phone column. Columns found: 'Name', 'Message'. Pass phone=\"NAME\"."
    )
    assert not FLAG.search(text)


def test_a_python_api_rows_problem_names_the_parameter() -> None:
    import pandas as pd

    import qrbatch

    frame = pd.DataFrame({"Phone": ["0812-3456-7890"], "Message": ["Halo"]})
    problems = qrbatch.validate_frame(frame)
    message = problems["ErrorMessage"].iloc[0]
    assert 'or pass default_region="CC"' in message and not FLAG.search(message)
    page = describe(message, language="id", audience="page")
    assert "tambahkan kode negara atau pilih Negara bawaan" in page


def test_the_command_line_names_the_flag_and_leaves_python_words_after_it(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from qrbatch.cli import main
    from tests.support.sheets import write_csv

    source = write_csv(tmp_path / "c.csv", [["Name", "Notes"], ["Toko", "Halo"]])
    done = CliRunner().invoke(main, ["validate", str(source), "-q"])
    assert done.exit_code == 2
    assert "or pass --phone-column NAME and pass --message-column NAME" in done.output
    source = write_csv(tmp_path / "c.csv", [["Name", "Message"], ["Toko", "Halo"]])
    done = CliRunner().invoke(main, ["validate", str(source), "-q"])  # the phone alone lacks
    assert done.output.rstrip().endswith("or pass --phone-column NAME.")
    assert say("rows.no_phone_column", file="x", found=[]).endswith('Pass phone="NAME".')


def test_speaking_restores_the_context_after_an_error() -> None:
    with pytest.raises(RuntimeError), speaking(language="id", audience="page"):
        assert say("rows.blank") == "baris ini kosong"
        raise RuntimeError
    assert say("rows.blank") == "the row is empty"


def test_a_message_made_of_parts_is_worded_in_one_language() -> None:
    from qrbatch.words import Words

    part = Words("rows.closest", numbers=["+62 812"])
    text = say("rows.not_account_number", language="id", raw="0812", closest=part)
    assert text == "'0812' bukan salah satu nomor WhatsApp akun ini; yang paling mirip: +62 812"
    assert pickle.loads(pickle.dumps(part)) == part


def test_an_error_with_its_own_constructor_keeps_its_words_through_pickle() -> None:
    from qrbatch.errors import RegistryUnavailableError

    error = RegistryUnavailableError("/srv/qrbatch", "database is locked")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.folder, copy.cause, str(copy)) == (error.folder, error.cause, str(error))
    assert describe(copy, language="id").startswith("registri akun di /srv/qrbatch")


def test_a_said_text_is_a_plain_string_to_everything_else() -> None:
    import json

    from qrbatch.words import said

    text = said("rows.phone_letters", raw="08ab")
    assert text == "'08ab' contains letters" and isinstance(text, str)
    assert json.loads(json.dumps({"m": text})) == {"m": "'08ab' contains letters"}
    assert describe(pickle.loads(pickle.dumps(text)), language="id") == "'08ab' mengandung huruf"
    assert describe("just words", language="id") == "just words"
