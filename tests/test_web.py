"""qrbatch serve without a browser: the guard, uploads, Check, runs, resume, languages.

Each test serves the real app on loopback (aiohttp's TestServer) over the in-process
sandbox; the browser tests (test_web_browser.py) cover what the page's script does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from qrbatch.errors import ConfigError
from qrbatch.run.commands import check_against_account, validate_input
from qrbatch.run.settings import Job
from qrbatch.web import default_state_dir, running_server
from qrbatch.web.app import PageSettings, create_app
from qrbatch.web.i18n import EN, ID, STRINGS, choose_language, text
from qrbatch.web.runs import RunOptions, RunStore
from tests.support.sheets import write_csv, write_xlsx

pytestmark = pytest.mark.anyio

TOKEN = "t0ken-for-tests"
SECRET = "THE-SECRET-MUST-NEVER-SHOW"
ROWS = [
    ("PhoneNumber", "PrefilledMessage"),
    ("6281234567890", "Halo"),
    ("08123", "national number"),
    ("6591234567", ""),
    ("", ""),
    ("14155550123", "Order status"),
]


def make_store(folder: Path, endpoint: str = "sandbox", **options: Any) -> RunStore:
    return RunStore(folder, endpoint=endpoint, qps=100, **options)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    app = create_app(
        make_store(tmp_path / "state"), PageSettings(token=TOKEN, max_upload=16 * 1024)
    )
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        test_client.session.headers["X-Qrbatch-Token"] = TOKEN
        yield test_client


async def upload(
    client: TestClient[Any, Any], name: str, content: bytes, **headers: str
) -> aiohttp.ClientResponse:
    """POST a file the way a browser does (the file name raw, in quotes)."""
    boundary = "----qrbatch-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return await client.post(
        "/api/uploads",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **headers},
    )


async def fetch(client: TestClient[Any, Any], minting: str) -> aiohttp.ClientResponse:
    """Download a run's file as the page does: a single-use link, then the link alone."""
    link = await client.post(minting)
    assert link.status == 200
    return await client.get((await link.json())["url"], headers={"X-Qrbatch-Token": ""})


def csv_bytes(tmp_path: Path, rows: list[tuple[str, ...]] = ROWS) -> bytes:
    return write_csv(tmp_path / "sheet.csv", rows).read_bytes()


# The guard -------------------------------------------------------------------------


async def test_every_api_request_without_the_token_header_is_refused(
    client: TestClient[Any, Any],
) -> None:
    anonymous = {"X-Qrbatch-Token": ""}
    for method, path in [
        ("GET", "/api/about"),
        ("GET", "/api/runs"),
        ("POST", "/api/uploads"),
        ("GET", "/api/runs/20260101-000000-abcdef01"),
        ("POST", "/api/runs/20260101-000000-abcdef01/files/results"),
        ("GET", f"/api/runs?token={TOKEN}"),  # the token counts in its header only
    ]:
        response = await client.request(method, path, headers=anonymous)
        assert response.status == 401, path
        refusal = await response.json()
        assert refusal["key"] == "refused.token"
        assert "open the address it printed" in refusal["error"]
    indonesian = await client.get("/api/runs", headers={**anonymous, "Accept-Language": "id"})
    assert (await indonesian.json())["error"].startswith("qrbatch serve: buka alamat")


async def test_the_page_itself_holds_nothing_that_needs_the_token(
    client: TestClient[Any, Any],
) -> None:
    anonymous = {"X-Qrbatch-Token": ""}
    # The page and its files are served to anyone (they say "open the address it
    # printed" until the script has the token); the address's token sets no cookie.
    for path in ("/", f"/?token={TOKEN}&lang=id", "/static/app.js", "/static/style.css"):
        response = await client.get(path, headers=anonymous, allow_redirects=False)
        assert response.status == 200, path
        assert "Set-Cookie" not in response.headers or TOKEN not in response.headers["Set-Cookie"]
        assert TOKEN not in await response.text()
    page = await (await client.get("/?lang=id", headers=anonymous)).text()
    assert "Lembar kerja" in page and 'id="signin"' in page


async def test_no_request_is_redirected_anywhere(client: TestClient[Any, Any]) -> None:
    # Sent by hand: an HTTP client would read "//evil.example/" as another host.
    reader, writer = await asyncio.open_connection(client.host, client.port)
    host = f"{client.host}:{client.port}"
    writer.write(f"GET //evil.example/?token={TOKEN} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode()
    writer.close()
    assert not head.startswith("HTTP/1.1 30")
    assert "\r\nLocation:" not in head


async def test_another_host_name_or_origin_is_refused(client: TestClient[Any, Any]) -> None:
    rebound = await client.get("/", headers={"Host": f"evil.example:{client.port}"})
    assert rebound.status == 403
    cross_site = await client.post(
        "/api/uploads", headers={"Origin": "https://evil.example"}, data=b""
    )
    assert cross_site.status == 403
    same = await client.get("/", headers={"Host": f"localhost:{client.port}"})
    assert same.status == 200


async def test_pages_forbid_framing_and_outside_resources(client: TestClient[Any, Any]) -> None:
    response = await client.get("/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    body = await response.text()
    assert "http://" not in body and "https://" not in body  # nothing fetched from outside


async def test_no_secret_reaches_the_page(tmp_path: Path) -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-test-id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
        "HOME": str(tmp_path),
    }
    store = make_store(tmp_path / "state", endpoint="https://cams.example.test", env=env)
    app = create_app(store, PageSettings(token=TOKEN))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        test_client.session.headers["X-Qrbatch-Token"] = TOKEN
        page = await (await test_client.get("/")).text()
        about = await (await test_client.get("/api/about")).json()
        runs = await (await test_client.get("/api/runs")).text()
    assert about["origin"] == "environment" and not about["editable"]  # it wins, shown so
    assert "from the environment variables" in about["credentials"]
    assert about["endpoint"] == "https://cams.example.test"
    assert SECRET not in page and SECRET not in runs and SECRET not in json.dumps(about)


async def test_missing_credentials_are_named_not_guessed(tmp_path: Path) -> None:
    store = make_store(tmp_path / "state", endpoint="https://cams.example.test", env={})
    store.env = {"HOME": str(tmp_path)}
    app = create_app(store, PageSettings(token=TOKEN))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        test_client.session.headers["X-Qrbatch-Token"] = TOKEN
        about = await (await test_client.get("/api/about")).json()
    assert about["origin"] == "none" and about["editable"]
    assert "Account panel" in about["credentials"]  # what to do, on the page (no flag)
    assert "--" not in json.dumps(about)


# Uploads ----------------------------------------------------------------------------


async def test_upload_is_stored_under_a_generated_name(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    response = await upload(
        client, "../../<img src=x onerror=alert(1)>evil.csv", csv_bytes(tmp_path)
    )
    assert response.status == 200
    data = await response.json()
    # display text only, folders dropped (the page sets it as textContent, never HTML)
    assert data["name"] == "<img src=x onerror=alert(1)>evil.csv"
    stored = tmp_path / "state" / "runs" / data["id"] / "input.csv"
    assert stored.read_bytes() == csv_bytes(tmp_path)
    assert not list(tmp_path.rglob("*evil*"))


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("photo.png", b"\x89PNG\r\n", 415, "“photo.png” is not a spreadsheet"),
        ("script", b"#!/bin/sh", 415, "“script” is not a spreadsheet"),
        ("fake.xlsx", b"MZ\x90\x00 a program", 415, "does not hold what its extension says"),
        ("old.xls", b"GIF89a a picture", 415, "does not hold what its extension says"),
        ("empty.csv", b"", 400, "“empty.csv” is empty"),
        ("big.csv", b"6281234567890,hi\n" * 2000, 413, "is too big"),
    ],
)
async def test_refused_uploads_say_why_and_leave_nothing(
    client: TestClient[Any, Any],
    tmp_path: Path,
    name: str,
    content: bytes,
    status: int,
    words: str,
) -> None:
    response = await upload(client, name, content)
    assert response.status == status
    assert words in (await response.json())["error"]
    assert list((tmp_path / "state" / "runs").iterdir()) == []


async def test_refusals_come_in_the_readers_language(client: TestClient[Any, Any]) -> None:
    response = await upload(client, "foto.jpg", b"x", **{"Accept-Language": "id"})
    assert (await response.json())["error"].startswith("“foto.jpg” bukan lembar kerja")


# Check ------------------------------------------------------------------------------


async def test_check_shows_what_validate_finds_by_row(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    run = await (await upload(client, "campaign.csv", csv_bytes(tmp_path))).json()
    report = await (await client.post(f"/api/runs/{run['id']}/check", json={})).json()
    # The page's Check is `qrbatch validate --against-account` (here the sandbox's account).
    job = Job(input=tmp_path / "sheet.csv", endpoint="sandbox")
    checked = await check_against_account(job, validate_input(job))
    expected = [r for r in checked.rows if r.state == "invalid"]
    assert [(p["row"], p["code"], p["message"]) for p in report["problems"]] == [
        (r.row.number, r.error_code, r.error_message) for r in expected
    ]
    assert (report["rows"], report["valid"], report["invalid"], report["blank"]) == (5, 2, 2, 1)
    assert report["columns"] == ["PhoneNumber", "PrefilledMessage"]


async def test_check_accepts_the_accounts_national_numbers_without_a_region(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    # +6281234567890 is the sandbox account's: the account decides, no region needed;
    # 0812-3456-7111 is not its number, and with no region it is no number at all yet.
    rows = [("Phone", "Message"), ("0812-3456-7890", "Halo"), ("0812-3456-7111", "Halo")]
    run = await (await upload(client, "c.csv", csv_bytes(tmp_path, rows))).json()
    without = await (await client.post(f"/api/runs/{run['id']}/check", json={})).json()
    with_id = await (
        await client.post(f"/api/runs/{run['id']}/check", json={"default_region": "id"})
    ).json()
    assert [p["row"] for p in without["problems"]] == [3]
    assert (without["invalid"], with_id["invalid"]) == (1, 0)


async def test_a_file_that_cannot_be_used_is_named_by_its_own_name(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    workbook = write_xlsx(tmp_path / "w.xlsx", [("Name", "City"), ("Ani", "Bandung")])
    run = await (await upload(client, "Daftar Toko.xlsx", workbook.read_bytes())).json()
    report = await (await client.post(f"/api/runs/{run['id']}/check", json={})).json()
    assert report["error"].startswith("This file cannot be used: Daftar Toko.xlsx: no header row")
    assert "choose the Phone column" in report["error"]  # an action on the page, no flag
    assert "input.xlsx" not in report["error"] and str(tmp_path) not in report["error"]


async def test_a_password_protected_workbook_is_taken_and_check_says_so(
    client: TestClient[Any, Any],
) -> None:
    locked = (Path(__file__).parent / "fixtures" / "encrypted.xlsx").read_bytes()
    response = await upload(client, "Rahasia.xlsx", locked)
    assert response.status == 200  # an OLE2 file: the reader, not the upload, judges it
    run = await response.json()
    report = await (await client.post(f"/api/runs/{run['id']}/check", json={})).json()
    assert "password" in report["error"]


async def test_a_bad_option_is_refused_in_words(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    run = await (await upload(client, "c.csv", csv_bytes(tmp_path))).json()
    response = await client.post(f"/api/runs/{run['id']}/check", json={"default_region": "XX"})
    assert response.status == 400
    assert "two-letter country code" in (await response.json())["error"]


async def test_unknown_runs_are_not_found(client: TestClient[Any, Any]) -> None:
    for path in ("/api/runs/../../etc", "/api/runs/20260101-000000-abcdef01"):
        assert (await client.get(path)).status == 404


# Runs -------------------------------------------------------------------------------


async def test_a_run_creates_every_good_row_and_offers_the_workbook(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    store = _store(client)
    run = await (await upload(client, "Mei 2026.csv", csv_bytes(tmp_path))).json()
    started = await (
        await client.post(f"/api/runs/{run['id']}/start", json={"label_column": "PrefilledMessage"})
    ).json()
    assert started["state"] in ("queued", "running")
    await store.wait()
    shown = await (await client.get(f"/api/runs/{run['id']}")).json()
    assert shown["state"] == "finished"
    assert shown["counts"] == {"created": 2, "reused": 0, "failed": 0, "invalid": 2, "skipped": 1}
    assert (shown["done"], shown["total"], shown["exit_code"]) == (2, 2, 1)
    assert shown["options"]["label_column"] == "PrefilledMessage"
    assert shown["downloads"]["pdf"] and shown["downloads"]["zip"]  # made by the run
    pdf = await fetch(client, shown["downloads"]["pdf"])
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert (await pdf.read()).startswith(b"%PDF")

    response = await fetch(client, shown["downloads"]["results"])
    assert response.status == 200
    assert "filename*=UTF-8''Mei%202026.results.xlsx" in response.headers["Content-Disposition"]
    saved = tmp_path / "got.xlsx"
    saved.write_bytes(await response.read())
    sheet = load_workbook(saved, read_only=True)["Results"]
    statuses = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert statuses == ["created", "invalid", "invalid", "skipped", "created"]

    listed = await (await client.get("/api/runs")).json()
    assert [r["id"] for r in listed["runs"]] == [run["id"]]


async def test_pdf_and_zip_links_appear_when_their_files_exist(
    client: TestClient[Any, Any], tmp_path: Path
) -> None:
    store = _store(client)
    run = await (await upload(client, "c.csv", csv_bytes(tmp_path))).json()
    await client.post(f"/api/runs/{run['id']}/start", json={})
    await store.wait()
    folder = store.get(run["id"]).folder
    (folder / "results.pdf").unlink()
    (folder / "results.zip").unlink()
    gone = await (await client.get(f"/api/runs/{run['id']}")).json()
    assert gone["downloads"]["pdf"] is None and gone["downloads"]["zip"] is None
    (folder / "results.pdf").write_bytes(b"%PDF-1.7 test")
    (folder / "results.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    shown = await (await client.get(f"/api/runs/{run['id']}")).json()
    pdf = await fetch(client, shown["downloads"]["pdf"])
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert await pdf.read() == b"%PDF-1.7 test"
    assert (await fetch(client, shown["downloads"]["zip"])).status == 200


async def test_starting_twice_runs_once(client: TestClient[Any, Any], tmp_path: Path) -> None:
    store = _store(client)
    run = await (await upload(client, "c.csv", csv_bytes(tmp_path))).json()
    await client.post(f"/api/runs/{run['id']}/start", json={})
    again = await client.post(f"/api/runs/{run['id']}/start", json={"image_type": "SVG"})
    await store.wait()
    assert (await again.json())["options"]["image_type"] == "PNG"


async def test_an_unfinished_run_resumes_when_the_server_starts_again(tmp_path: Path) -> None:
    state = tmp_path / "state"
    sheet = write_csv(tmp_path / "c.csv", ROWS)
    async with running_server(port=0, endpoint="sandbox", state_dir=state, qps=100) as first:
        run = first.store.new_upload("c.csv", ".csv")
        run.input_path.write_bytes(sheet.read_bytes())
        first.store.start(run.id, RunOptions())
        # leaving the block stops the server with the run queued or running
    record = json.loads((state / "runs" / run.id / "run.json").read_text())
    assert record["state"] in ("queued", "running")

    async with running_server(port=0, endpoint="sandbox", state_dir=state, qps=100) as second:
        await second.store.wait()
        resumed = second.store.get(run.id)
        assert resumed.record.state == "finished"
        assert resumed.record.counts["created"] == 2


async def test_a_run_that_cannot_start_says_why(tmp_path: Path) -> None:
    store = make_store(tmp_path / "state", endpoint="https://cams.example.test")
    store.env = {"HOME": str(tmp_path)}
    run = store.new_upload("c.csv", ".csv")
    run.input_path.write_bytes(csv_bytes(tmp_path))
    store.start(run.id, RunOptions())
    await store.wait()
    assert run.record.state == "failed"
    assert "Enter the AccessKey in the Account panel" in run.record.message
    assert "panel Akun" in run.record.messages["id"] and "--" not in run.record.messages["id"]


def test_unstarted_uploads_are_cleared_after_a_day(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    old = store.new_upload("old.csv", ".csv")
    old.record.created = "2020-01-01T00:00:00+00:00"
    old.save()
    fresh = store.new_upload("new.csv", ".csv")
    again = make_store(tmp_path)
    assert [r.id for r in again._runs.values()] == [fresh.id]
    assert not old.folder.exists()


def _store(client: TestClient[Any, Any]) -> RunStore:
    from qrbatch.web.app import STORE

    return client.app[STORE]  # type: ignore[index]


# Languages and settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        ("id-ID,id;q=0.9,en;q=0.8", None, "id"),
        ("en-US,en;q=0.9,id;q=0.8", None, "en"),
        ("fr-FR,id;q=0.5", None, "id"),
        ("in-ID", None, "id"),
        ("de", None, "en"),
        (None, None, "en"),
        ("id", "en", "en"),
        ("en", "id", "id"),
        ("id;q=0", None, "en"),
    ],
)
def test_language_comes_from_the_page_choice_then_the_browser(
    header: str | None, chosen: str | None, expected: str
) -> None:
    assert choose_language(header, chosen) == expected


def test_both_languages_have_every_string() -> None:
    assert set(EN) == set(ID)
    assert set(STRINGS) == {"en", "id"}
    for key, words in EN.items():
        assert sorted(re.findall(r"\{\w+\}", words)) == sorted(re.findall(r"\{\w+\}", ID[key])), key


def test_the_contract_labels_in_english() -> None:
    labels = ["file.label", "button.check", "button.create", "download.results"]
    assert [text("en", k) for k in labels] == [
        "Spreadsheet",
        "Check",
        "Create QR codes",
        "Download results",
    ]
    assert text("en", "download.pdf") == "Download PDF"
    assert text("en", "download.zip") == "Download images (ZIP)"


def test_state_dir_from_flag_env_or_xdg(tmp_path: Path) -> None:
    env: Mapping[str, str] = {"QRBATCH_STATE_DIR": str(tmp_path / "q")}
    assert default_state_dir(env) == tmp_path / "q" / "web"
    assert default_state_dir({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "qrbatch" / "web"
    assert default_state_dir({}) == Path.home() / ".local" / "state" / "qrbatch" / "web"


async def test_the_state_dir_is_private(tmp_path: Path) -> None:
    make_store(tmp_path / "state")
    assert (tmp_path / "state").stat().st_mode & 0o077 == 0
    assert (tmp_path / "state" / "runs").stat().st_mode & 0o077 == 0


def test_live_progress_follows_the_engine_events() -> None:
    from qrbatch.engine.events import (
        NumbersListed,
        PhaseChanged,
        RowFinished,
        RunStarted,
        Throttled,
    )
    from qrbatch.outputs.outcomes import Entry
    from qrbatch.web.runs import LiveProgress

    now = [100.0]
    progress = LiveProgress(clock=lambda: now[0])
    progress(RunStarted("create", 12, 8, "in.csv", "out.xlsx", "sandbox", 5.0, valid_rows=10))
    progress(PhaseChanged("listing", "checking the live codes of 4 numbers", 4))
    assert (progress.phase, progress.done, progress.total, progress.rate) == ("listing", 0, 10, 0)
    progress(NumbersListed(3, 4))
    assert progress.listed == 3
    assert progress.seconds_left is None
    progress(RowFinished(Entry("k0", "done", "reused", attempts=0), rows=1))  # while listing
    now[0] = 102.0
    progress(PhaseChanged("sending", "create: 8 calls", 8))
    now[0] = 104.0
    progress(RowFinished(Entry("k1", "done", "created", attempts=1), rows=3))
    progress(RowFinished(Entry("k3", "failed", "failed", attempts=3), rows=1))
    progress(Throttled(5.0, 4.0, 0.1, None, throttled_total=2))
    assert progress.done == 5
    assert progress.counts == {"created": 3, "reused": 1, "failed": 1}
    assert progress.rate == 2.0  # 4 calls in the 2 s since sending began
    assert progress.seconds_left == 2.5  # 4 rows sent in 2 s, 5 rows left
    assert progress.throttled == 2


async def test_one_server_per_state_dir(tmp_path: Path) -> None:
    async with running_server(port=0, endpoint="sandbox", state_dir=tmp_path):
        with pytest.raises(ConfigError, match="another qrbatch serve is using"):
            async with running_server(port=0, endpoint="sandbox", state_dir=tmp_path):
                pass
    async with running_server(port=0, endpoint="sandbox", state_dir=tmp_path):
        pass  # free again once the first one stopped


def test_qrbatch_serve_says_why_it_cannot_serve(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qrbatch.cli.commands import main
    from qrbatch.web.thread import ServerThread

    logger = logging.getLogger("qrbatch")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    runner = CliRunner()
    assert "Example:" in runner.invoke(main, ["serve", "--help"]).output
    with ServerThread(endpoint="sandbox", state_dir=tmp_path):
        taken = runner.invoke(
            main,
            ["serve", "--no-browser", "--port", "0", "--endpoint", "sandbox",
             "--state-dir", str(tmp_path)],
        )  # fmt: skip
    logger.handlers[:], logger.level, logger.propagate = saved  # setup_logging changed them
    assert taken.exit_code == 2
    assert "another qrbatch serve is using" in taken.output


@pytest.mark.parametrize(
    ("bound", "host_header", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:8780", True),
        ("127.0.0.1", "localhost:8780", True),
        ("127.0.0.1", "[::1]:8780", True),
        ("127.0.0.1", "attacker.example:8780", False),
        ("192.168.1.5", "192.168.1.5:8780", True),
        ("192.168.1.5", "printer.lan:8780", False),
        # bound everywhere: this computer's names and any address, never another name
        ("0.0.0.0", "anything.lan:8780", False),
        ("0.0.0.0", "rebind.attacker.example:8780", False),
        ("0.0.0.0", "192.168.1.5:8780", True),
        ("0.0.0.0", "[fe80::1]:8780", True),
        ("0.0.0.0", "myhost:8780", True),
        ("0.0.0.0", "MyHost.lan.:8780", True),
    ],
)
def test_the_host_header_must_name_the_address_served(
    bound: str, host_header: str, allowed: bool
) -> None:
    from aiohttp.test_utils import make_mocked_request

    from qrbatch.web.app import _host_allowed

    request = make_mocked_request("GET", "/", headers={"Host": host_header})
    settings = PageSettings(token=TOKEN, host=bound, names=frozenset({"myhost", "myhost.lan"}))
    assert _host_allowed(request, settings) is allowed
