"""qrbatch serve's security findings, closed: no credential a browser, a log or ``ps``
spreads; single-use download links; the Host check and TLS beyond loopback; malformed
uploads; a read-only state folder; private files. What the browser itself does (cookies
sent to other ports, the address bar) is in test_web_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import anyio
import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from qrbatch.errors import ConfigError
from qrbatch.web import open_in_browser, running_server, serve
from qrbatch.web.app import STORE, PageSettings, create_app
from qrbatch.web.links import DownloadLinks, Grant
from qrbatch.web.runs import RunStore
from tests.support.sheets import write_csv

pytestmark = pytest.mark.anyio

TOKEN = "t0ken-for-security-tests"
ROWS = [("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo")]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    store = RunStore(tmp_path / "state", endpoint="sandbox", qps=100)
    app = create_app(store, PageSettings(token=TOKEN))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        test_client.session.headers["X-Qrbatch-Token"] = TOKEN
        yield test_client


async def finished_run(client: TestClient[Any, Any], tmp_path: Path) -> dict[str, Any]:
    form = aiohttp.FormData()
    form.add_field("file", write_csv(tmp_path / "c.csv", ROWS).read_bytes(), filename="c.csv")
    run = await (await client.post("/api/uploads", data=form)).json()
    await client.post(f"/api/runs/{run['id']}/start", json={})
    app = client.server.app
    assert app is not None
    store = app[STORE]
    await store.wait()
    shown: dict[str, Any] = await (await client.get(f"/api/runs/{run['id']}")).json()
    return shown


# Downloads ----------------------------------------------------------------------------


async def test_a_download_link_works_once(client: TestClient[Any, Any], tmp_path: Path) -> None:
    run = await finished_run(client, tmp_path)
    minted = await client.post(run["downloads"]["results"])
    url = (await minted.json())["url"]
    assert url.startswith("/download/") and TOKEN not in url
    anonymous = {"X-Qrbatch-Token": ""}  # the link alone is the grant
    first = await client.get(url, headers=anonymous)
    assert first.status == 200
    assert (await first.read()).startswith(b"PK")  # the workbook
    again = await client.get(url, headers=anonymous)
    assert again.status == 404
    assert "has been used or has expired" in (await again.json())["error"]
    guessed = await client.get("/download/" + "A" * 32, headers=anonymous)
    assert guessed.status == 404


async def test_minting_a_link_needs_the_token(client: TestClient[Any, Any], tmp_path: Path) -> None:
    run = await finished_run(client, tmp_path)
    refused = await client.post(run["downloads"]["pdf"], headers={"X-Qrbatch-Token": "nope"})
    assert refused.status == 401
    # the old tokened GET of a file is no longer a route that hands anything out
    assert (await client.get(run["downloads"]["pdf"])).status in (401, 405)


def test_a_link_expires_after_its_minute() -> None:
    now = [1000.0]
    links = DownloadLinks(clock=lambda: now[0])
    link = links.mint(Grant("run", "pdf"))
    now[0] += 60.0
    assert links.redeem(link) is None
    fresh = links.mint(Grant("run", "zip"))
    now[0] += 59.0
    assert links.redeem(fresh) == Grant("run", "zip")
    assert links.redeem(fresh) is None


# Malformed uploads ------------------------------------------------------------------

MALFORMED = [
    pytest.param("multipart/form-data", b"--x\r\n\r\n", id="no boundary"),
    pytest.param(
        "multipart/form-data; boundary=right", b"--wrong\r\nnothing\r\n", id="bad boundary"
    ),
    pytest.param(
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        b"PhoneNumber,PrefilledMessage\r\n6281234567890,Ha",
        id="truncated body",
    ),
    pytest.param("application/json", b'{"file": "a.csv"}', id="wrong content type"),
    pytest.param("text/plain", b"PhoneNumber\n", id="plain text"),
    pytest.param("multipart/form-data; boundary=b", b"--b\r\nbroken header\r\n\r\n", id="bad part"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED)
async def test_a_malformed_upload_is_a_400_in_the_readers_language(
    client: TestClient[Any, Any], tmp_path: Path, content_type: str, body: bytes
) -> None:
    response = await client.post(
        "/api/uploads",
        data=body,
        headers={"Content-Type": content_type, "Accept-Language": "id"},
    )
    assert response.status == 400
    refusal = await response.json()
    assert refusal["key"] in ("error.malformed", "error.no_file", "error.empty")
    assert "Traceback" not in refusal["error"]
    assert refusal["error"].split()[0] in ("Unggahan", "Tidak", "“a.csv”")  # Indonesian
    assert list((tmp_path / "state" / "runs").iterdir()) == []


async def test_the_malformed_message_is_indonesian(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/uploads",
        data=b"--wrong\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=right", "Accept-Language": "id"},
    )
    assert response.status == 400
    assert (await response.json())["error"].startswith("Unggahan tiba dalam keadaan rusak")


# The browser is opened on a file; logs never hold the token -------------------------


async def test_the_browser_gets_a_private_file_never_the_token(tmp_path: Path) -> None:
    opened: list[str] = []
    announced: list[Any] = []

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(
                lambda: serve(
                    port=0,
                    endpoint="sandbox",
                    state_dir=tmp_path,
                    announce=announced.append,
                    opener=opened.append,
                )
            )
            with anyio.fail_after(20):
                while not opened:
                    await anyio.sleep(0.02)
            page_file = announced[0].page_file
            assert page_file.stat().st_mode & 0o777 == 0o600
            assert announced[0].url in page_file.read_text()  # it redirects to the page
            group.cancel_scope.cancel()

    await main()
    token = announced[0].url.split("token=")[1]
    assert opened == [(tmp_path / "open.html").resolve().as_uri()]
    assert token not in opened[0]
    assert not (tmp_path / "open.html").exists()  # its token died with the server


def test_open_in_browser_passes_a_file_path(tmp_path: Path) -> None:
    seen: list[str] = []
    page = tmp_path / "open.html"
    page.write_text("x")
    open_in_browser(page, seen.append)
    assert seen == [page.as_uri()]


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, str, str]]:
    """``qrbatch serve`` in its own process: (log format, stdout, stderr) once it stopped."""
    fmt = request.param
    process = subprocess.Popen(
        [sys.executable, "-m", "qrbatch", "serve", "--no-browser", "--port", "0",
         "--endpoint", "sandbox", "--state-dir", str(tmp_path), "--log-format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()  # the address: the server is up
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    yield fmt, first + out, err


@pytest.mark.parametrize("served", ["text", "json"], indirect=True)
def test_the_token_is_printed_for_the_person_and_never_logged(
    served: tuple[str, str, str],
) -> None:
    fmt, out, err = served
    address = next(w for w in out.split() if "?token=" in w)
    token = address.split("?token=")[1]
    assert len(token) >= 32
    assert token not in err
    assert "listening on http://127.0.0.1:" in err
    if fmt == "json":
        events = [json.loads(line) for line in err.splitlines()]
        start = next(e for e in events if e.get("event") == "serve_start")
        assert start["url"] == address.split("?")[0]  # the address, without the token
        assert start["page_file"].endswith("open.html")


# Beyond loopback: TLS or --insecure-http, and the Host header --------------------------


def test_listening_beyond_loopback_in_plain_http_is_refused(tmp_path: Path) -> None:
    from qrbatch.cli.commands import main

    result = CliRunner().invoke(
        main,
        ["serve", "--no-browser", "--host", "0.0.0.0", "--port", "0", "--endpoint", "sandbox",
         "--state-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--certfile" in result.output and "--insecure-http" in result.output
    assert not (tmp_path / "serve.lock").exists()  # refused before anything was set up


async def test_bound_everywhere_the_host_header_is_checked(tmp_path: Path) -> None:
    async with running_server(
        host="0.0.0.0", port=0, endpoint="sandbox", state_dir=tmp_path, insecure_http=True
    ) as server:
        headers = {"X-Qrbatch-Token": server.url.split("token=")[1]}
        async with aiohttp.ClientSession() as session:
            api = server.base + "api/runs"
            async with session.get(api, headers=headers) as ok:
                assert ok.status == 200
            for name in ("evil.example", "rebind.attacker.test"):
                port = server.base.rsplit(":", 1)[1].rstrip("/")
                async with session.get(api, headers={**headers, "Host": f"{name}:{port}"}) as no:
                    assert no.status == 403


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_tls_serves_the_page_over_https(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    async with running_server(
        host="0.0.0.0", port=0, endpoint="sandbox", state_dir=tmp_path / "s", certfile=cert,
        keyfile=key,
    ) as server:  # fmt: skip
        assert server.url.startswith("https://")
        trust = ssl.create_default_context(cafile=str(cert))
        trust.check_hostname = False
        headers = {"X-Qrbatch-Token": server.url.split("token=")[1]}
        async with (
            aiohttp.ClientSession() as session,
            session.get(server.base + "api/runs", headers=headers, ssl=trust) as ok,
        ):
            assert ok.status == 200


async def test_a_certificate_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot use the certificate .*missing.pem"):
        async with running_server(
            host="0.0.0.0", port=0, state_dir=tmp_path, certfile=tmp_path / "missing.pem"
        ):
            pass


# The state folder ---------------------------------------------------------------------


def read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write: chmod for a user, sysfs for root."""
    if os.geteuid() == 0:
        return Path("/sys/kernel")  # root writes anywhere a mode says no, but not here
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_a_read_only_state_folder_is_named_not_the_port(tmp_path: Path) -> None:
    from qrbatch.cli.commands import main

    folder = read_only_folder(tmp_path)
    result = CliRunner().invoke(
        main,
        ["serve", "--no-browser", "--port", "0", "--endpoint", "sandbox", "--state-dir",
         str(folder)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"the state folder {folder} cannot be written" in result.output
    assert "cannot serve on" not in result.output


async def test_the_pages_files_are_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    async with running_server(port=0, endpoint="sandbox", state_dir=state, qps=100) as server:
        token = server.url.split("token=")[1]
        form = aiohttp.FormData()
        form.add_field("file", write_csv(tmp_path / "c.csv", ROWS).read_bytes(), filename="c.csv")
        async with aiohttp.ClientSession(headers={"X-Qrbatch-Token": token}) as session:
            async with session.post(server.base + "api/uploads", data=form) as response:
                run = await response.json()
            await session.post(server.base + f"api/runs/{run['id']}/start", json={})
            await server.store.wait()
        assert (state / "open.html").stat().st_mode & 0o777 == 0o600
    paths = [state, *state.rglob("*")]
    assert any(p.name == "results.xlsx" for p in paths)
    for path in paths:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), path
