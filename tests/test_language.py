"""The run's language (``--language en|id``, ``language=`` in a job file, ``Job(language=)``,
``$QRBATCH_LANGUAGE``, the locale): the terminal's messages and the results workbook's
words follow it; the workbook's contract (sheet names, Results columns, Status values)
does not. The page's runs write their workbook in the page's language."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qrbatch.cli.commands import main
from qrbatch.errors import ConfigError
from qrbatch.outputs.results import RESULT_COLUMNS, RowResult, Summary
from qrbatch.outputs.workbook import local_time, write_workbook
from qrbatch.run.finish import REAL_DATA, results_data
from qrbatch.run.settings import Job, resolve_language
from qrbatch.sheets.cells import InputRow, Sheet
from qrbatch.words import LANGUAGE, default_language, said, say
from tests.support.sandbox import PHONE
from tests.support.sheets import write_csv


def sheet_of(rows: list[tuple[str, str]], path: str = "/state/runs/x/input.csv") -> Sheet:
    return Sheet(
        Path(path),
        None,
        1,
        ("PhoneNumber", "Message"),
        [InputRow(i + 2, cells) for i, cells in enumerate(rows)],
        source_format="csv",
        encoding="utf-8",
        delimiter=",",
    )


RESULTS = [
    RowResult("created", "QR1", "https://wa.me/message/QR1", attempts=1),
    RowResult("invalid", error_code="MissingMessage", error_message=said("advice.MissingMessage")),
    RowResult("skipped", error_code="NotSent", error_message=said("advice.not_sent")),
]


def summary(language: str, **more: Any) -> Summary:
    facts = Summary(
        "/state/runs/x/input.csv",
        None,
        "/state/runs/x/results.xlsx",
        "sandbox (http://127.0.0.1:1)",
        True,
        "test",
        datetime(2026, 12, 6, 14, 0, 5, tzinfo=UTC),
        language=language,
        **more,
    )
    facts.finished = datetime(2026, 12, 6, 14, 0, 9, tzinfo=UTC)
    facts.count(RESULTS)
    facts.notes = [
        said("workbook.note.numbers", statuses="1 CONNECTED"),
    ]
    return facts


def write(tmp_path: Path, language: str, **more: Any) -> Path:
    out = tmp_path / f"{language}.results.xlsx"
    rows = [("+6281234567890", "Halo"), ("+6281234567891", ""), ("+6281234567892", "Hi")]
    write_workbook(out, sheet_of(rows), RESULTS, summary(language, **more))
    return out


def cells(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(path)
    try:
        return [tuple(r) for r in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def facts(path: Path) -> dict[Any, Any]:
    return {r[0]: r[1] for r in cells(path, "Summary") if r and r[0]}


@pytest.fixture
def jakarta(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# The results workbook ------------------------------------------------------------------


def test_an_indonesian_workbook_keeps_the_contract_and_speaks_indonesian(
    tmp_path: Path, jakarta: None
) -> None:
    english, indonesian = write(tmp_path, "en"), write(tmp_path, "id")
    assert load_workbook(indonesian).sheetnames == ["Results", "Errors", "Summary"]
    en_results, id_results = cells(english, "Results"), cells(indonesian, "Results")
    assert id_results[0] == en_results[0] == ("PhoneNumber", "Message", *RESULT_COLUMNS)
    status = RESULT_COLUMNS.index("Status") + 2
    assert [r[status] for r in id_results] == [r[status] for r in en_results]
    assert [r[status] for r in id_results[1:]] == ["created", "invalid", "skipped"]
    message = RESULT_COLUMNS.index("ErrorMessage") + 2
    empty = {lang: say("advice.MissingMessage", language=lang) for lang in ("en", "id")}
    assert empty["en"] != empty["id"]
    assert (en_results[2][message], id_results[2][message]) == (empty["en"], empty["id"])
    assert "tidak dikirim" in id_results[3][message].lower()

    header = load_workbook(indonesian)["Results"][1]
    notes = {c.value: c.comment.text for c in header if c.comment is not None}
    assert set(notes) == set(RESULT_COLUMNS)  # a note on each contract column, not the input's
    assert notes["Status"].startswith("Apa yang terjadi pada baris ini: created (dibuat)")
    assert "tetap dalam bahasa Inggris" in notes["Status"]
    errors_header = load_workbook(indonesian)["Errors"][1]
    noted = {c.value: c.comment.text for c in errors_header if c.comment is not None}
    assert set(noted) == {"InputRow", "Status", "ErrorCode", "ErrorMessage"}
    assert noted["InputRow"] == "Nomor baris ini di lembar masukan."

    errors = cells(indonesian, "Errors")
    assert errors[0] == cells(english, "Errors")[0]  # its column names are the Results' own
    assert errors[1][-3:] == ("invalid", "MissingMessage", empty["id"])

    shown = facts(indonesian)
    assert shown["Berkas masukan"] == "/state/runs/x/input.csv"
    assert shown["Lembar kerja"] == "(berkas teks)"
    assert shown["Mulai"] == "2026-12-06 21:00:05 WIB (UTC+07:00)"
    assert shown["Selesai"] == "2026-12-06 21:00:09 WIB (UTC+07:00)"
    assert shown["Data"] == "sandbox (simulasi)"
    assert shown["Baris dibuat (created)"] == 1 and shown["Baris tidak valid (invalid)"] == 1
    assert shown["Cara dibaca"] == "nomor WhatsApp akun: 1 CONNECTED"
    assert shown["ErrorCode"] == "Baris"  # the table of codes: its headings
    assert shown["MissingMessage"] == 1
    codes = {r[0]: r[2:] for r in cells(indonesian, "Summary") if r and r[0] == "MissingMessage"}
    assert codes["MissingMessage"] == (
        empty["id"],
        say("advice.MissingMessage.fix", language="id"),
    )
    assert str(cells(indonesian, "Summary")[0][0]).startswith("DATA SANDBOX")
    english_words = {"Input file", "Started", "Rows created", "API calls", "Rows read"}
    assert not english_words & set(shown)
    assert english_words <= set(facts(english))

    with zipfile.ZipFile(indonesian) as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
        charts = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/")
        )
    assert "&amp;A: halaman &amp;P dari &amp;N" in sheets  # the printed footer
    assert "Baris menurut status" in charts and "Rows by status" not in charts


def test_the_summary_names_the_files_as_the_person_knows_them(tmp_path: Path) -> None:
    out = write(tmp_path, "en", input_name="TokoJakarta.xlsx", output_name="Toko.results.xlsx")
    shown = facts(out)
    assert shown["Input file"] == "TokoJakarta.xlsx"
    assert shown["Output file"] == "Toko.results.xlsx"
    assert not any("/state/" in str(v) for r in cells(out, "Summary") for v in r if v)


def test_local_time_says_its_zone(jakarta: None) -> None:
    assert (
        local_time(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "2026-01-01 07:00:00 WIB (UTC+07:00)"
    )


def test_a_sandbox_workbook_in_indonesian_is_still_known_as_sandbox_data(tmp_path: Path) -> None:
    out = write(tmp_path, "id")
    assert results_data(out) == "sandbox (simulated)"
    real = tmp_path / "real.xlsx"
    rows = [("+6281234567890", "Halo"), ("+6281234567891", ""), ("+6281234567892", "Hi")]
    facts_in = summary("id")
    facts_in.sandbox = False
    write_workbook(real, sheet_of(rows), RESULTS, facts_in)
    assert facts(real)["Data"] == "akun CAMS sungguhan"
    assert results_data(real) == REAL_DATA


# The setting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "id_ID.UTF-8"}, "en"),  # LC_ALL first, as POSIX says
        ({"LC_MESSAGES": "id_ID", "LANG": "en_GB"}, "id"),
        ({"QRBATCH_LANGUAGE": "id", "LANG": "en_US"}, "id"),
        ({"QRBATCH_LANGUAGE": "EN", "LANG": "id_ID"}, "en"),
    ],
)
def test_the_default_language(env: dict[str, str], expected: str) -> None:
    assert default_language(env) == expected == resolve_language(None, env)


def test_a_language_qrbatch_does_not_speak_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"language must be en \(English\) or id .* got 'fr'"):
        Job(input=Path("a.csv"), language="fr")
    with pytest.raises(ConfigError, match="QRBATCH_LANGUAGE must be en .* got 'xx'"):
        resolve_language(None, {"QRBATCH_LANGUAGE": "xx"})
    assert Job(input=Path("a.csv"), language="ID").language == "id"


# The command line -------------------------------------------------------------------


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "bad.csv", [("PhoneNumber", "Message"), ("123", "hi")])


def test_language_id_makes_the_terminal_speak_indonesian(bad: Path) -> None:
    for args in (
        ["--language", "id", "validate", str(bad)],
        ["validate", str(bad), "--language=id"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "dibaca " in result.output and "judul di baris 1, 1 baris data" in result.output
        assert "baris 2: InvalidPhone" in result.output
        assert "1 baris: 0 valid, 1 tidak valid, 0 kosong" in result.output
    missing = CliRunner().invoke(main, ["validate", "nope.csv", "--language", "id"])
    assert missing.exit_code == 2 and "berkas tidak ditemukan" in missing.output
    assert LANGUAGE.get() == "en"  # the command's language ended with it


def test_the_locale_and_qrbatch_language_choose_when_the_flag_does_not(bad: Path) -> None:
    indonesian = CliRunner().invoke(main, ["validate", str(bad)], env={"LANG": "id_ID.UTF-8"})
    assert "tidak valid" in indonesian.output
    chosen = CliRunner().invoke(
        main, ["validate", str(bad)], env={"LANG": "id_ID.UTF-8", "QRBATCH_LANGUAGE": "en"}
    )
    assert "1 rows: 0 valid, 1 invalid" in chosen.output
    flag = CliRunner().invoke(
        main, ["validate", str(bad), "--language", "en"], env={"QRBATCH_LANGUAGE": "id"}
    )
    assert "1 invalid" in flag.output


def test_a_bad_language_is_a_usage_error(bad: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(bad), "--language", "xx"])
    assert result.exit_code == 2
    assert "'xx' is not one of 'en', 'id'" in result.output
    env = CliRunner().invoke(main, ["validate", str(bad)], env={"QRBATCH_LANGUAGE": "fr"})
    assert env.exit_code == 2
    assert "QRBATCH_LANGUAGE must be en (English) or id (Bahasa Indonesia), got 'fr'" in (
        env.output
    )
    assert "--language en|id" in env.output  # on the command line, the flag is the fix


def test_a_job_file_language_and_the_flag_over_it(bad: Path, tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text(f'[job]\ninput = "{bad.name}"\nlanguage = "id"\n', encoding="utf-8")
    assert "tidak valid" in CliRunner().invoke(main, ["validate", str(job)]).output
    flag = CliRunner().invoke(main, ["validate", str(job), "--language", "en"])
    assert "1 invalid" in flag.output
    job.write_text(f'[job]\ninput = "{bad.name}"\nlanguage = "jv"\n', encoding="utf-8")
    wrong = CliRunner().invoke(main, ["validate", str(job)])
    assert wrong.exit_code == 2 and "language must be en (English) or id" in wrong.output


def test_a_sandbox_run_in_indonesian_writes_an_indonesian_workbook(tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "toko.csv",
        [("PhoneNumber", "PrefilledMessage"), (PHONE, "Halo"), (PHONE, "")],
    )
    out = tmp_path / "toko.results.xlsx"
    result = CliRunner().invoke(
        main,
        ["run", str(sheet), "-o", str(out), "--endpoint", "sandbox", "--language", "id"],
    )
    assert result.exit_code == 1, result.output
    shown = facts(out)
    assert shown["Berkas masukan"] == str(sheet)
    notes = [r[1] for r in cells(out, "Summary") if r and r[0] == "Cara dibaca"]
    assert notes[0] == "judul di baris 1, 2 baris data, csv, utf-8, dipisah koma"
    assert notes[-1].startswith("nomor WhatsApp akun: ")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*\(UTC([+-]\d\d:\d\d)?\)", shown["Mulai"])
    results = cells(out, "Results")
    assert [r[2] for r in results] == ["Status", "created", "invalid"]
    assert results[2][7] == "PrefilledMessage: pesan isiannya kosong"


# The page ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_run_started_on_the_indonesian_page_writes_an_indonesian_workbook(
    tmp_path: Path,
) -> None:
    import aiohttp
    from aiohttp.test_utils import TestClient, TestServer

    from qrbatch.web.app import PageSettings, create_app
    from qrbatch.web.runs import RunStore

    store = RunStore(tmp_path / "state", endpoint="sandbox", qps=100)
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(store, PageSettings(token="t")), host="127.0.0.1")
    )
    await client.start_server()
    try:
        client.session.headers.update({"X-Qrbatch-Token": "t", "Accept-Language": "id-ID"})
        sheet = write_csv(
            tmp_path / "TokoJakarta.csv",
            [("PhoneNumber", "PrefilledMessage"), (PHONE, "Halo"), ("123", "Hai")],
        )
        form = aiohttp.FormData()
        form.add_field("file", sheet.read_bytes(), filename=sheet.name)
        run = await (await client.post("/api/uploads", data=form)).json()
        await client.post(f"/api/runs/{run['id']}/start", json={"default_region": "ID"})
        await store.wait()
        results = store.get(run["id"]).results_path
    finally:
        await client.close()
    shown = facts(results)
    assert shown["Berkas masukan"] == "TokoJakarta.csv"
    assert shown["Berkas hasil"] == "TokoJakarta.results.xlsx"
    assert not any(str(tmp_path) in str(v) for r in cells(results, "Summary") for v in r if v)
    rows = cells(results, "Results")
    assert [r[2] for r in rows] == ["Status", "created", "invalid"]
    assert "terlalu pendek" in rows[2][7]
    texts = [str(v) for sheet in ("Results", "Summary") for r in cells(results, sheet) for v in r]
    assert not [t for t in texts if re.search(r"(?<![\w-])--[a-z]", t)]  # the page's words


def test_the_pdf_header_follows_the_job() -> None:
    """(The PDF's words beyond its banner are wired with the printing rewrite.)"""
    job = Job(
        input=Path("/state/runs/x/input.csv"),
        output=Path("/state/runs/x/results.xlsx"),
        output_name="TokoJakarta.results.xlsx",
        endpoint="sandbox",
        language="id",
    )
    options = job.print_options()
    assert options.title == "TokoJakarta.results"
    assert options.banner == "SANDBOX: kode simulasi, tidak berfungsi di WhatsApp"
    assert Job(input=Path("a.csv"), endpoint="sandbox", language="en").print_options().banner == (
        "SANDBOX: simulated codes, they do not work on WhatsApp"
    )


def test_the_print_bundle_explains_itself_in_the_runs_language(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from qrbatch.outputs.printing import write_pdf, write_zip
    from qrbatch.outputs.printing.options import PrintItem

    item = PrintItem(row=2, label="Toko Jaya", phone="+62 812-3456-7890", message="Halo",
                     code="ABC123", deep_link="https://wa.me/message/ABC123")  # fmt: skip
    options = Job(input=tmp_path / "toko.csv", language="id").print_options()
    write_zip([item], tmp_path / "toko.zip", options)
    with zipfile.ZipFile(tmp_path / "toko.zip") as bundle:
        readme = bundle.read("README.txt").decode("utf-8")
        header = bundle.read("manifest.csv").decode("utf-8-sig").splitlines()[0]
    assert "satu gambar QR untuk setiap kode" in readme
    assert header == "file,row,label,number,message,code,deep_link"  # kept for scripts
    write_pdf([], tmp_path / "empty.pdf", options)
    text = pdfium.PdfDocument(tmp_path / "empty.pdf")[0].get_textpage().get_text_bounded()
    assert text.strip() == say("workbook.print.nothing", language="id") != "No codes to print."


def test_the_runs_log_lines_speak_the_runs_language(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "toko.csv", [("PhoneNumber", "Message"), (PHONE, "Halo")])
    done = CliRunner().invoke(
        main, ["run", str(source), "--endpoint", "sandbox", "--language", "id", "--no-progress"]
    )
    assert done.exit_code == 0, done.output
    assert "1 baris, 1 permintaan unik" in done.output
    assert "sandbox: CAMS simulasi berjalan di http://127.0.0.1:" in done.output
    assert "unique requests" not in done.output


def test_qrbatch_numbers_speaks_the_language_too() -> None:
    done = CliRunner().invoke(main, ["numbers", "--endpoint", "sandbox", "--language", "id"])
    assert done.exit_code == 0, done.output
    header = next(line for line in done.output.splitlines() if line.startswith("Nomor"))
    assert header.split()[:3] == ["Nomor", "Nama", "bisnis"]
    assert "nomor," in done.output and "dapat dipakai" in done.output


def test_run_batch_speaks_the_jobs_language(tmp_path: Path) -> None:
    import anyio

    import qrbatch

    source = write_csv(tmp_path / "toko.csv", [("PhoneNumber", "Message"), ("12", "Halo")])
    job = Job(input=source, endpoint="sandbox", language="id", images=False, progress=False)
    result = anyio.run(lambda: qrbatch.run_batch(job))
    assert result.results[0].error_code == "InvalidPhone"
    assert "bukan nomor telepon" in result.results[0].error_message  # worded by the run
