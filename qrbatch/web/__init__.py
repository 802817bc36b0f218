"""``qrbatch serve``: a local web page for people who do not use a terminal.

The page uploads a spreadsheet, checks it (what ``qrbatch validate`` finds), creates the
codes with the same engine, journal and pacer as ``qrbatch run``, shows progress, and
offers the results workbook, PDF and ZIP. Runs are kept under the state directory and a
run the server did not finish is resumed when it starts again.

Where the token goes, and where it never does (``app.py`` says how requests carry it):
printed once on stdout for the person at the terminal, and written into ``open.html``,
a 0600 file in the state folder that redirects to the address; the browser is opened on
that file, so the token is in no process's arguments (``ps`` shows every user those).
The token is kept in the state folder (``access.py``) so the address lasts across
restarts; ``--new-token`` replaces it. Log lines name the address without it.
Everything the page keeps is private: 0700 folders, 0600 files.

Beyond loopback the page needs TLS (``certfile``/``keyfile``) or an explicit
``insecure_http``: the token would otherwise cross the network in clear.

``qrbatch serve`` (cli.py) calls ``serve_forever``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import html
import logging
import os
import socket
import ssl
import tempfile
import webbrowser
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from aiohttp import web

from qrbatch.cams.credentials import Credentials
from qrbatch.errors import ConfigError
from qrbatch.run.settings import DEFAULT_QPS
from qrbatch.state_home import default_state_dir as qrbatch_state_dir
from qrbatch.web.access import SignIn, lasting_token, remove_password, set_password, stored_password
from qrbatch.web.app import LOOPBACK_NAMES, WILDCARD_HOSTS, PageSettings, create_app
from qrbatch.web.runs import RunStore
from qrbatch.web.uploads import DEFAULT_MAX_UPLOAD

DEFAULT_PORT = 8780
DEFAULT_HOST = "127.0.0.1"
OPEN_FILE = "open.html"
"""The file the browser is opened on: it redirects to the address with the token."""

log = logging.getLogger("qrbatch")

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Server",
    "default_state_dir",
    "running_server",
    "serve",
    "serve_forever",
    "open_in_browser",
]


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """``web/`` inside qrbatch's state folder (``qrbatch.state_home``); the flag
    ``--state-dir`` beats it."""
    return qrbatch_state_dir(env) / "web"


@dataclass(frozen=True, slots=True)
class Server:
    """A running page: its address (``base``, for logs), the same with the token
    (``url``, for the person only), the file that opens it, and its runs."""

    url: str = field(repr=False)
    base: str
    page_file: Path
    store: RunStore


def _base(host: str, port: int, scheme: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"{scheme}://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only."""
    return host.strip("[]").lower() in LOOPBACK_NAMES or host.startswith("127.")


def served_names(host: str) -> frozenset[str]:
    """The host names the page answers to besides loopback and ``host`` itself: this
    computer's names when it listens on every address (a rebinding page has another)."""
    if host not in WILDCARD_HOSTS:
        return frozenset()
    return frozenset(n.lower() for n in (socket.gethostname(), socket.getfqdn()) if n)


def tls_context(certfile: Path | None, keyfile: Path | None) -> ssl.SSLContext | None:
    """An SSLContext from the certificate (and key) files, or None without a certificate.

    Raises ConfigError naming the file when it cannot be loaded."""
    if certfile is None:
        if keyfile is not None:
            raise ConfigError("--keyfile needs --certfile (the certificate it belongs to)")
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(
            f"cannot use the certificate {certfile}"
            + (f" with the key {keyfile}" if keyfile else "")
            + f": {getattr(error, 'strerror', None) or error}"
        ) from None
    return context


def check_exposure(host: str, tls: ssl.SSLContext | None, insecure_http: bool) -> None:
    """Refuse plain HTTP beyond loopback unless asked for: the token would cross the
    network in clear. Raises ConfigError (exit 2) before anything listens."""
    if is_loopback(host) or tls is not None or insecure_http:
        return
    raise ConfigError(
        f"--host {host} serves the page beyond this computer, where plain HTTP shows the "
        "token to the network: pass --certfile and --keyfile (TLS), or --insecure-http to "
        "accept that"
    )


def writable_folder(folder: Path) -> None:
    """Make ``folder`` (0700) and prove it can be written, or raise ConfigError naming it:
    a read-only state folder is not a port problem."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ConfigError(
            f"the state folder {folder} cannot be written ({error.strerror or error}): make "
            "it writable, or pass --state-dir with a folder you can write"
        ) from None


def write_page_file(folder: Path, url: str) -> Path:
    """``open.html`` (0600): a page that sends the browser on to ``url``, as Jupyter does,
    so the browser's command line names a file, never the token."""
    target = folder / OPEN_FILE
    escaped = html.escape(url, quote=True)
    content = (
        '<!doctype html>\n<html><head><meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0;url={escaped}">\n'
        "<title>qrbatch serve</title></head>\n"
        f'<body><p><a href="{escaped}">Open qrbatch serve</a></p></body></html>\n'
    )
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content)
    return target


def open_in_browser(page_file: Path, opener: Callable[[str], object] = webbrowser.open) -> None:
    """Open the page through its private redirect file: the browser's arguments (which
    ``ps`` shows every local user) hold the file's name, not the token."""
    opener(page_file.resolve().as_uri())


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
    new_token: bool = False,
    password: str | None = None,
    no_password: bool = False,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    insecure_http: bool = False,
) -> AsyncIterator[Server]:
    """Serve the page while the block runs (port 0 picks a free port); unfinished runs
    are resumed at once, and runs still going at the end are left to resume next time.

    The token is the one kept in the state folder (``access.lasting_token``; a new one
    with ``new_token``), unless ``token`` is given. ``password`` stores a new sign-in
    password, ``no_password`` removes the stored one.

    Raises ConfigError before listening for a state folder that cannot be written, plain
    HTTP beyond loopback without ``insecure_http``, or an unusable certificate."""
    folder = state_dir or default_state_dir(env)
    tls = tls_context(certfile, keyfile)
    check_exposure(host, tls, insecure_http)
    writable_folder(folder)
    with _only_server(folder):
        if no_password:
            remove_password(folder)
        if password is not None:
            set_password(folder, password)
        store = RunStore(folder, endpoint=endpoint, qps=qps, env=env, credentials=credentials)
        settings = PageSettings(
            token=token or lasting_token(folder, renew=new_token),
            host=host,
            names=served_names(host),
            max_upload=max_upload,
        )
        signin = SignIn(stored_password(folder))
        runner = web.AppRunner(create_app(store, settings, signin=signin), access_log=None)
        await runner.setup()
        page_file = folder / OPEN_FILE
        try:
            site = web.TCPSite(runner, host, port, ssl_context=tls)
            await site.start()
            base = _base(host, runner.addresses[0][1], "https" if tls else "http")
            url = f"{base}?token={settings.token}"
            page_file = write_page_file(folder, url)
            store.resume()
            yield Server(url=url, base=base, page_file=page_file, store=store)
        finally:
            page_file.unlink(missing_ok=True)  # the token lasts; the file is for this start
            await store.close()
            await runner.cleanup()


@contextlib.contextmanager
def _only_server(folder: Path) -> Iterator[None]:
    """One ``qrbatch serve`` per state directory: two would resume the same runs."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(folder / "serve.lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a+") as lock:
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
    new_token: bool = False,
    password: str | None = None,
    no_password: bool = False,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    insecure_http: bool = False,
    announce: Callable[[Server], None] | None = None,
    opener: Callable[[str], object] = webbrowser.open,
) -> None:
    """Serve the page until cancelled (Ctrl-C): announce it (``print_address`` prints
    the address with the token on stdout), open the browser on its redirect file.

    Raises OSError when the port is taken, ConfigError for a bad endpoint, a state folder
    that cannot be written, or plain HTTP beyond loopback without ``insecure_http``.
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
        new_token=new_token,
        password=password,
        no_password=no_password,
        certfile=certfile,
        keyfile=keyfile,
        insecure_http=insecure_http,
    ) as server:
        (announce or print_address)(server)
        if open_browser:
            await anyio.to_thread.run_sync(open_in_browser, server.page_file, opener)
        await anyio.sleep_forever()


def print_address(server: Server) -> None:
    """The address with its token on stdout, for the person at the terminal only (never
    through the log)."""
    print(f"qrbatch serve: open {server.url}", flush=True)
    print(
        "(the address stays the same on every start; Ctrl-C stops the page; a run in progress "
        "resumes on the next start)",
        flush=True,
    )


def serve_forever(**options: Any) -> None:
    """``serve(**options)`` in a fresh event loop, returning on Ctrl-C (a sync command).
    Files the server makes are the user's only (umask 077): uploads, journals, results."""
    previous = os.umask(0o077)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            anyio.run(functools.partial(serve, **options))
    finally:
        os.umask(previous)
