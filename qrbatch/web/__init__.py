"""``qrbatch serve``: a local web page for people who do not use a terminal.

The page uploads a spreadsheet, checks it (what ``qrbatch validate`` finds), creates the
codes with the same engine, journal and pacer as ``qrbatch run``, shows progress, and
offers the results workbook, PDF and ZIP. Runs are kept under the state directory and a
run the server did not finish is resumed when it starts again.

``qrbatch serve`` (cli.py) calls ``serve_forever``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
import webbrowser
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from aiohttp import web

from qrbatch.cams.credentials import Credentials
from qrbatch.errors import ConfigError
from qrbatch.run.settings import DEFAULT_QPS
from qrbatch.state_home import default_state_dir as qrbatch_state_dir
from qrbatch.web.app import PageSettings, create_app, new_token
from qrbatch.web.runs import RunStore
from qrbatch.web.uploads import DEFAULT_MAX_UPLOAD

DEFAULT_PORT = 8780
DEFAULT_HOST = "127.0.0.1"

log = logging.getLogger("qrbatch")

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Server",
    "default_state_dir",
    "running_server",
    "serve",
    "serve_forever",
]


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """``web/`` inside qrbatch's state folder (``qrbatch.state_home``); the flag
    ``--state-dir`` beats it."""
    return qrbatch_state_dir(env) / "web"


@dataclass(frozen=True, slots=True)
class Server:
    """A running page: its address with the token, and its runs."""

    url: str
    store: RunStore


def _url(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/?token={token}"


@asynccontextmanager
async def running_server(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    endpoint: str | None = None,
    state_dir: Path | None = None,
    qps: float = DEFAULT_QPS,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    token: str | None = None,
) -> AsyncIterator[Server]:
    """Serve the page while the block runs (port 0 picks a free port); unfinished runs
    are resumed at once, and runs still going at the end are left to resume next time."""
    folder = state_dir or default_state_dir(env)
    with _only_server(folder):
        store = RunStore(folder, endpoint=endpoint, qps=qps, env=env, credentials=credentials)
        settings = PageSettings(token=token or new_token(), host=host, max_upload=max_upload)
        runner = web.AppRunner(create_app(store, settings), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            bound = runner.addresses[0][1]
            store.resume()
            yield Server(_url(host, bound, settings.token), store)
        finally:
            await store.close()
            await runner.cleanup()


@contextlib.contextmanager
def _only_server(folder: Path) -> Iterator[None]:
    """One ``qrbatch serve`` per state directory: two would resume the same runs."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / "serve.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another qrbatch serve is using {folder}: open the address it printed, or "
                "pass --state-dir with another folder"
            ) from None
        yield  # the operating system drops the lock if this process dies


async def serve(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    endpoint: str | None = None,
    state_dir: Path | None = None,
    open_browser: bool = True,
    qps: float = DEFAULT_QPS,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    env: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the page until cancelled (Ctrl-C): print its address, open the browser.

    Raises OSError when the port is taken, ConfigError for a bad endpoint.
    """
    async with running_server(
        host=host,
        port=port,
        endpoint=endpoint,
        state_dir=state_dir,
        qps=qps,
        max_upload=max_upload,
        env=env,
        credentials=credentials,
    ) as server:
        if host not in ("127.0.0.1", "localhost", "::1"):
            announce(
                f"qrbatch serve: listening on {host}: others can reach it, but not use it "
                "without the token"
            )
        announce(f"qrbatch serve: open {server.url}")
        announce("(Ctrl-C stops the page; a run in progress resumes on the next start)")
        if open_browser:
            await anyio.to_thread.run_sync(webbrowser.open, server.url)
        await anyio.sleep_forever()


def serve_forever(**options: Any) -> None:
    """``serve(**options)`` in a fresh event loop, returning on Ctrl-C (a sync command)."""
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(functools.partial(serve, **options))
