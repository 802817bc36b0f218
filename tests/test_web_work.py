"""The page's API for working alone (issue 23), without a browser: the sheet preview and
chosen columns, the default region, the Account panel, Cancel, the same sheet uploaded
again, the sample sheet, and errors in the page's words."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import Workbook

from qrbatch.errors import AccountError, CredentialsError, InputFileError
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, SandboxThread
from qrbatch.web.app import STORE, PageSettings, create_app, row_detail
from qrbatch.web.i18n import describe_error
from qrbatch.web.regions import REGIONS, region_names, region_of_language
from qrbatch.web.runs import Problem, RunStore, preview_sheet
from tests.support.sheets import write_csv, write_xlsx

pytestmark = pytest.mark.anyio

TOKEN = "t0ken-for-work-tests"


async def app_client(store: RunStore) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(store, PageSettings(token=TOKEN)), host="127.0.0.1")
    )
    await client.start_server()
    client.session.headers["X-Qrbatch-Token"] = TOKEN
    return client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    client = await app_client(RunStore(tmp_path / "state", endpoint="sandbox", qps=100))
    yield client
    await client.close()


async def upload(client: TestClient[Any, Any], path: Path) -> dict[str, Any]:
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("file", path.read_bytes(), filename=path.name)
    answer: dict[str, Any] = await (await client.post("/api/uploads", data=form)).json()
    return answer


# The sheet and its columns ------------------------------------------------------------


def test_a_kontak_toko_sheet_behind_a_notes_sheet_is_the_one_previewed(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Catatan"
    notes.append(["dibuat oleh", "tim"])
    sheet = book.create_sheet("Kontak")
    sheet.append(["Nama", "Kontak Toko", "Isi Pesan", "Negara"])
    for i in range(8):
        sheet.append([f"Toko {i}", f"0812345678{i:02d}", "Halo", "ID"])
    book.save(tmp_path / "t.xlsx")
    preview = preview_sheet(tmp_path / "t.xlsx")
    assert preview.sheets == ("Catatan", "Kontak") and preview.sheet == "Kontak"
    assert preview.columns == ("Nama", "Kontak Toko", "Isi Pesan", "Negara")
    assert len(preview.rows) == 5 and preview.rows[0][1] == "081234567800"
    assert (preview.phone, preview.message, preview.country) == ("", "Isi Pesan", "Negara")
    other = preview_sheet(tmp_path / "t.xlsx", "Catatan")
    assert other.sheet == "Catatan" and other.columns == ("dibuat oleh", "tim")
    missing = preview_sheet(tmp_path / "t.xlsx", "Tidak ada")
    assert isinstance(missing.error, InputFileError)


async def test_the_chosen_columns_make_the_sheet_usable(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    sheet = write_xlsx(
        tmp_path / "toko.xlsx",
        [("Nama Toko", "Kontak Toko", "Isi Pesan"), ("Toko Sinar", "081234567890", "Halo")],
    )
    run = await upload(client, sheet)
    preview = await (await client.get(f"/api/runs/{run['id']}/sheet")).json()
    assert preview["guess"] == {
        "phone_column": "",
        "message_column": "Isi Pesan",
        "country_column": "",
        "label_column": "Nama Toko",  # proposed as the text under each code
    }
    unchosen = await (
        await client.post(
            f"/api/runs/{run['id']}/check", json={}, headers={"Accept-Language": "id"}
        )
    ).json()
    assert unchosen["error"].startswith("Berkas ini tidak dapat dipakai")
    assert "--" not in unchosen["error"]
    assert unchosen["error"].endswith("atau pilih Kolom telepon.")  # as labelled, alone
    chosen = {"phone_column": "Kontak Toko", "message_column": "Isi Pesan", "default_region": "ID"}
    report = await (await client.post(f"/api/runs/{run['id']}/check", json=chosen)).json()
    assert (report["valid"], report["invalid"], report["error"]) == (1, 0, "")


def test_the_region_follows_the_page_and_the_browser() -> None:
    assert region_of_language("id", "en-US") == "ID"
    assert region_of_language("en", "en-SG,en;q=0.8") == "SG"
    assert region_of_language("en", "in,en;q=0.5") == "ID"
    assert region_of_language("en", "en") == ""
    import phonenumbers

    assert set(REGIONS) <= phonenumbers.SUPPORTED_REGIONS
    names = dict(region_names("id"))
    assert names["DE"] == "Jerman" and dict(region_names("en"))["DE"] == "Germany"


async def test_the_indonesian_page_starts_on_indonesia(client: TestClient[Any, Any]) -> None:
    page = await (await client.get("/", headers={"Accept-Language": "id-ID"})).text()
    assert '<option value="ID" selected>Indonesia</option>' in page
    english = await (await client.get("/", headers={"Accept-Language": "en-GB"})).text()
    assert '<option value="GB" selected>United Kingdom</option>' in english


# The account --------------------------------------------------------------------------


async def test_the_account_panel_keeps_the_pair_and_never_sends_the_secret_back(
    tmp_path: Path, sandbox_thread: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    store = RunStore(tmp_path / "state", endpoint=sandbox_thread.url, env={}, qps=100)
    client = await app_client(store)
    try:
        before = await (await client.get("/api/about")).json()
        assert before["origin"] == "none" and before["editable"]
        half = await client.post("/api/account", json={"access_key_id": DEMO_KEY_ID})
        assert half.status == 400
        saved = await client.post(
            "/api/account",
            json={"access_key_id": DEMO_KEY_ID, "access_key_secret": DEMO_KEY_SECRET},
        )
        body = await saved.text()
        assert saved.status == 200 and DEMO_KEY_SECRET not in body
        answer = await saved.json()
        assert answer["origin"] == "page" and answer["numbers_error"] == ""
        phones = {n["phone"]: n for n in answer["numbers"]}
        assert phones["+6281234567890"]["name"] == "Demo Store 7890"
        assert phones["+6281234567890"]["status"] == "CONNECTED"
        numbers = await (await client.get("/api/account/numbers")).json()
        assert len(numbers["numbers"]) == len(answer["numbers"])
    finally:
        await client.close()
    path = tmp_path / "state" / "credentials.ini"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.key().credentials is not None
    assert store.key().credentials.access_key_id == DEMO_KEY_ID  # type: ignore[union-attr]


async def test_a_key_from_the_environment_cannot_be_replaced_from_the_page(
    tmp_path: Path,
) -> None:
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}
    store = RunStore(tmp_path / "state", endpoint="https://cams.example.test", env=env)
    client = await app_client(store)
    try:
        refused = await client.post(
            "/api/account", json={"access_key_id": "LTAI-x", "access_key_secret": "y"}
        )
        assert refused.status == 409
        assert not (tmp_path / "state" / "credentials.ini").exists()
    finally:
        await client.close()


async def test_create_without_any_key_points_to_the_account_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    store = RunStore(tmp_path / "state", endpoint="https://cams.example.test", env={})
    client = await app_client(store)
    try:
        sheet = write_csv(tmp_path / "c.csv", [("PhoneNumber", "PrefilledMessage"), ("1", "x")])
        run = await upload(client, sheet)
        started = await client.post(
            f"/api/runs/{run['id']}/start", json={}, headers={"Accept-Language": "id"}
        )
        assert started.status == 409
        assert (await started.json())[
            "error"
        ] == "Belum ada AccessKey untuk akun: isi di panel Akun."
    finally:
        await client.close()


# Runs: cancel, the same sheet again ------------------------------------------------------


async def test_a_queued_run_cancelled_sends_nothing_and_is_not_resumed(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "c.csv", [("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo")]
    )
    app = client.server.app
    assert app is not None
    store: RunStore = app[STORE]
    first, second = await upload(client, sheet), await upload(client, sheet)
    assert first["earlier"] is None
    async with store._one_at_a_time:  # the first run holds the account: the second waits
        await client.post(f"/api/runs/{second['id']}/start", json={})
        shown = await (await client.post(f"/api/runs/{second['id']}/cancel")).json()
        assert shown["cancelling"]
    await store.wait()
    done = await (await client.get(f"/api/runs/{second['id']}")).json()
    assert done["state"] == "finished" and done["cancelled"]
    assert sum(done["counts"].values()) == 0 and done["downloads"]["results"] is None
    assert store.resume() == []
    await client.post(f"/api/runs/{first['id']}/start", json={})
    await store.wait()
    third = await upload(client, sheet)  # the same file once more
    assert third["earlier"]["id"] == first["id"] and third["earlier"]["codes"] == 1


async def test_the_sample_sheet_is_public_and_in_the_page_language(
    client: TestClient[Any, Any],
) -> None:
    sample = await client.get("/sample.csv?lang=id", headers={"X-Qrbatch-Token": ""})
    assert sample.status == 200
    text = (await sample.read()).decode("utf-8-sig")
    assert text.startswith("Nomor WhatsApp,Pesan,Label\r\n0812-3456-7890,")
    assert "contoh-qrbatch.csv" in sample.headers["Content-Disposition"]


async def _run_twice(client: TestClient[Any, Any], sheet: Path) -> list[dict[str, Any]]:
    """The same sheet uploaded and created twice: what the page shows of each run, and
    the code of each row in its results workbook."""
    from openpyxl import load_workbook

    store: RunStore = client.server.app[STORE]
    shown = []
    for _ in range(2):
        run = await upload(client, sheet)
        await client.post(f"/api/runs/{run['id']}/start", json={})
        await asyncio.wait_for(store.wait(), 60)
        answer = await (await client.get(f"/api/runs/{run['id']}")).json()
        book = load_workbook(store.get(run["id"]).results_path, read_only=True)
        results = book["Results"]
        header = [cell.value for cell in next(results.iter_rows(max_row=1))]
        answer["codes"] = [
            row[header.index("QrdlCode")] for row in results.iter_rows(min_row=2, values_only=True)
        ]
        book.close()
        shown.append(answer)
    return shown


SAME_TWICE = [
    ("PhoneNumber", "PrefilledMessage"),
    ("6281234567890", "Halo"),
    ("6281298765432", "Halo juga"),
]


async def test_the_same_sheet_created_again_on_the_sandbox_reuses_its_codes(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    first, second = await _run_twice(client, write_csv(tmp_path / "toko.csv", SAME_TWICE))
    assert first["counts"]["created"] == 2
    assert second["counts"]["created"] == 0 and second["counts"]["reused"] == 2
    assert second["codes"] == first["codes"] and all(first["codes"])


async def test_the_same_sheet_created_again_on_an_account_reuses_its_codes(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    from qrbatch.cams.credentials import Credentials

    store = RunStore(
        tmp_path / "state",
        endpoint=sandbox_thread.url,
        qps=100,
        env={},
        credentials=Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET),
    )
    client = await app_client(store)
    try:
        first, second = await _run_twice(client, write_csv(tmp_path / "toko.csv", SAME_TWICE))
    finally:
        await client.close()
    assert first["counts"]["created"] == 2
    assert second["counts"]["created"] == 0 and second["counts"]["reused"] == 2
    assert second["codes"] == first["codes"]


async def test_rows_that_will_share_a_code_are_named_and_the_codes_counted(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "toko.csv",
        [
            ("PhoneNumber", "PrefilledMessage", "Nama Toko"),
            ("6281234567890", "Halo", "Toko Sinar Jaya"),
            ("6281298765432", "Halo", "Toko Baru"),
            ("6281234567890", "Halo", "Toko Plastik Jaya"),
        ],
    )
    run = await upload(client, sheet)
    report = await (await client.post(f"/api/runs/{run['id']}/check", json={})).json()
    assert report["shared"] == [[2, 4]]
    store: RunStore = client.server.app[STORE]
    await client.post(f"/api/runs/{run['id']}/start", json={})
    await asyncio.wait_for(store.wait(), 60)
    shown = await (await client.get(f"/api/runs/{run['id']}")).json()
    assert shown["counts"]["created"] == 3 and shown["codes"] == 2


async def test_check_names_each_problem_row_and_gives_advice_that_fits(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "toko.csv",
        [
            ("Nama Toko", "Kontak Toko", "Isi Pesan"),
            ("Toko Sinar Jaya", "0812-12", "Halo"),
            ("Toko Baru", "08ab-cdef-ghij", "Halo"),
        ],
    )
    run = await upload(client, sheet)
    chosen = {"phone_column": "Kontak Toko", "label_column": "Nama Toko", "default_region": "ID"}
    report = await (
        await client.post(
            f"/api/runs/{run['id']}/check", json=chosen, headers={"X-Qrbatch-Lang": "id"}
        )
    ).json()
    shown = [(p["row"], p["name"], p["advice"]) for p in report["problems"]]
    assert shown == [(2, "Toko Sinar Jaya", "region"), (3, "Toko Baru", "letters")]
    del chosen["label_column"], chosen["default_region"]  # no label: the first text cell
    report = await (await client.post(f"/api/runs/{run['id']}/check", json=chosen)).json()
    shown = [(p["row"], p["name"], p["advice"]) for p in report["problems"]]
    assert shown == [(2, "Toko Sinar Jaya", ""), (3, "Toko Baru", "letters")]


async def test_the_downloaded_workbook_names_the_upload_and_links_no_missing_file(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    sheet = write_csv(tmp_path / "Kontak_Toko_Jakarta.csv", SAME_TWICE)
    run = await upload(client, sheet)
    store: RunStore = client.server.app[STORE]
    await client.post(f"/api/runs/{run['id']}/start", json={})
    await asyncio.wait_for(store.wait(), 60)
    folder = store.get(run["id"]).folder
    assert not (folder / "results_qr").exists()  # no image files the download lacks
    book = load_workbook(folder / "results.xlsx")
    header = [cell.value for cell in next(book["Results"].iter_rows(max_row=1))]
    assert "ImageFile" not in header and "QR" in header  # the thumbnails stay
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Input file"] == "Kontak_Toko_Jakarta.csv"
    assert summary["Output file"] == "Kontak_Toko_Jakarta.results.xlsx"
    assert "QR image files" not in summary
    every = [str(v) for row in book["Summary"].iter_rows(values_only=True) for v in row if v]
    assert not [text for text in every if str(folder) in text]  # no server path at all
    assert any(text.startswith("Kontak_Toko_Jakarta.csv") for text in every)  # how it was read


# Words ------------------------------------------------------------------------------------


async def test_the_server_speaks_the_page_language_not_the_browsers(
    client: TestClient[Any, Any],
) -> None:
    about = await client.get(
        "/api/about", headers={"Accept-Language": "id-ID,id", "X-Qrbatch-Lang": "en"}
    )
    assert (await about.json())["endpoint"].startswith("sandbox (simulated codes")
    about = await client.get(
        "/api/about", headers={"Accept-Language": "en", "X-Qrbatch-Lang": "id"}
    )
    assert (await about.json())["endpoint"].startswith("sandbox (kode simulasi")


def test_errors_the_catalogue_lacks_are_said_in_the_page_language_without_flags() -> None:
    missing = CredentialsError("no key. Set them, e.g. export ALIBABA_CLOUD_ACCESS_KEY_ID=...")
    assert describe_error(missing, "id") == "Belum ada AccessKey untuk akun: isi di panel Akun."
    assert "export" not in describe_error(missing, "en")
    refused = AccountError("denied", code="Forbidden.RAM", action="Create", request_id="r")
    assert "(Forbidden.RAM)" in describe_error(refused, "id")
    plain = InputFileError("w.xlsx: the file is empty. Save the workbook again.")
    assert describe_error(plain, "en") == str(plain)  # English and no flag: its own words
    assert describe_error(plain, "id", "w.xlsx").startswith("“w.xlsx” tidak dapat dibaca")
    assert describe_error(ValueError("x --y"), "id").startswith("Proses tidak dapat")


def test_row_details_on_the_indonesian_page_quote_the_cell_not_the_english() -> None:
    problem = Problem(
        7,
        "NotAccountNumber",
        "PhoneNumber: '08123' is not one of the account's WhatsApp numbers; the closest of "
        "them: +62 812-3456-7890",
        "08123",
    )
    assert row_detail(problem, "en") == problem.message
    assert row_detail(problem, "id") == (
        "tertulis “08123”; nomor akun yang paling mirip: +62 812-3456-7890"
    )
    long = Problem(9, "MessageTooLong", "the prefilled message is 141 characters; ...")
    assert row_detail(long, "id") == "141 karakter"


async def test_a_failed_run_keeps_its_words_in_both_languages(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "state", endpoint="sandbox", qps=100)
    run = store.new_upload("Kosong.csv", ".csv")
    run.input_path.write_bytes(b"")
    from qrbatch.web.runs import RunOptions

    store.start(run.id, RunOptions())
    await asyncio.wait_for(store.wait(), 30)
    assert run.record.state == "failed"
    assert set(run.record.messages) == {"en", "id"}
    assert "input.csv" not in run.record.messages["id"]


# The line under each code --------------------------------------------------------------


async def test_the_note_typed_on_the_page_reaches_the_pdf(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    from qrbatch.web.runs import RunOptions

    options = RunOptions.from_form({"pdf_note": "  Pindai   untuk\nchat  " + "x" * 200})
    assert options.pdf_note.startswith("Pindai untuk chat x") and len(options.pdf_note) == 80
    sheet = write_csv(tmp_path / "toko.csv", [("PhoneNumber", "Message"), ("6281234567890", "hi")])
    run = await upload(client, sheet)
    store = client.server.app[STORE]
    job = store.job(store.get(run["id"]), RunOptions.from_form({"pdf_note": "Pindai untuk chat"}))
    assert job.pdf_note == "Pindai untuk chat" and job.pdf
    page = await (await client.get("/?lang=id")).text()
    assert 'id="pdf_note"' in page and "Teks di bawah setiap kode di PDF" in page
