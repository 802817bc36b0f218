"""The page's lasting token and its sign-in password (``qrbatch.web.access``)."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrbatch.web.access import (
    SignIn,
    hash_password,
    lasting_token,
    password_matches,
    set_password,
    stored_password,
)
from qrbatch.web.app import PageSettings, create_app
from qrbatch.web.runs import RunStore

pytestmark = pytest.mark.anyio

TOKEN = "t0ken-for-access-tests"


def test_the_token_is_kept_private_and_reused_until_renewed(tmp_path: Path) -> None:
    first = lasting_token(tmp_path)
    assert lasting_token(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "token").stat().st_mode) == 0o600
    renewed = lasting_token(tmp_path, renew=True)
    assert renewed != first and len(renewed) >= 32
    assert lasting_token(tmp_path) == renewed


def test_a_short_or_empty_token_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("abc\n")
    assert len(lasting_token(tmp_path)) >= 32


def test_the_password_is_stored_as_a_scrypt_hash_only(tmp_path: Path) -> None:
    set_password(tmp_path, "kata-sandi rahasia")
    stored = stored_password(tmp_path)
    assert stored is not None and stored.startswith("scrypt$")
    assert "kata-sandi" not in (tmp_path / "password").read_text()
    assert stat.S_IMODE((tmp_path / "password").stat().st_mode) == 0o600
    assert password_matches("kata-sandi rahasia", stored)
    assert not password_matches("kata-sandi", stored)
    assert not password_matches("x", "not a hash")
    assert hash_password("same") != hash_password("same")  # salted


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    store = RunStore(tmp_path / "state", endpoint="sandbox", qps=100)
    signin = SignIn(hash_password("benar"), delay=0.0)
    app = create_app(store, PageSettings(token=TOKEN), signin=signin)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


async def test_the_right_password_gets_the_token_and_a_wrong_one_nothing(
    client: TestClient[Any, Any],
) -> None:
    wrong = await client.post(
        "/api/signin", json={"password": "salah"}, headers={"Accept-Language": "id"}
    )
    assert wrong.status == 403
    body = await wrong.json()
    assert TOKEN not in str(body) and body["error"] == "Kata sandi itu salah. Coba lagi."
    right = await client.post("/api/signin", json={"password": "benar"})
    assert right.status == 200 and (await right.json())["token"] == TOKEN
    elsewhere = await client.post(
        "/api/signin", json={"password": "benar"}, headers={"Origin": "http://evil.example"}
    )
    assert elsewhere.status == 403


async def test_without_the_token_a_browser_gets_the_page_and_the_api_401_json(
    client: TestClient[Any, Any],
) -> None:
    page = await client.get("/api/../somewhere", headers={"Accept-Language": "id-ID"})
    assert page.status == 401 and page.content_type == "text/html"
    assert "Masuk" in await page.text()  # the sign-in form, in her language
    api = await client.get("/api/runs")
    assert api.status == 401 and api.content_type == "application/json"
    index = await client.get("/")
    assert index.status == 200 and '"password": true' in await index.text()


def test_qrbatch_serve_password_asks_twice_and_keeps_only_the_hash(tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from qrbatch.cli import main

    with socket.socket() as taken:  # the page cannot start: the password is kept before
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = CliRunner().invoke(
            main,
            ["serve", "--no-browser", "--password", "--port", port, "--endpoint", "sandbox",
             "--state-dir", str(tmp_path)],
            input="rahasia tim\nrahasia tim\n",
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    stored = stored_password(tmp_path)
    assert stored is not None and password_matches("rahasia tim", stored)
    assert "rahasia tim" not in (tmp_path / "password").read_text()
    both = CliRunner().invoke(main, ["serve", "--password", "--no-password"])
    assert both.exit_code == 2 and "contradict" in both.output
