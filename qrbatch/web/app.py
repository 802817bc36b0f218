"""The aiohttp application behind ``qrbatch serve``: the page, its JSON API, and the
guard that keeps everyone but the person who started it out.

Why each guard exists:

- **Token, in a header only.** Another local user, another program on this computer, or
  any web page the person visits can reach a port on 127.0.0.1. Every API request must
  carry the secret token printed by ``qrbatch serve`` in the ``X-Qrbatch-Token`` header.
  The page takes the token from the address once, keeps it in localStorage (this
  origin's: scheme, host and port) and removes it from the address bar; the token lasts
  across restarts (``access.py``), so a bookmark keeps working. No cookie carries it:
  browsers send cookies to every port of a host, so a program on another local port
  would get it with one click. The page's HTML, script and style hold no secret and are
  served without the token (they sign the person in until they have it: the printed
  address pasted, or the team password when one is set).
- **Downloads** are navigations, which cannot carry a header: the page asks the API for
  a single-use link that expires within a minute (``links.py``).
- **Host.** A DNS-rebinding page reaches 127.0.0.1 under its own host name: requests
  whose Host is not a name we serve are refused before anything else (IP literals are
  no rebinding: a rebinding page always has a name of its own).
- **Origin.** Changes (POST) must come from this page's own origin.
- **Headers.** A strict Content-Security-Policy (only our own files; nothing fetched from
  elsewhere), no framing, no referrer, no sniffing.

Nothing secret is ever in a response: the page learns where the AccessKey was found,
never the key.
"""

from __future__ import annotations

import csv
import hmac
import html
import io
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from qrbatch.errors import ConfigError, QrbatchError
from qrbatch.web import i18n
from qrbatch.web.access import SignIn
from qrbatch.web.account import clean_key
from qrbatch.web.links import DownloadLinks, Grant
from qrbatch.web.regions import region_names, region_of_language
from qrbatch.web.runs import (
    PDF_LAYOUTS,
    STATUSES_SHOWN,
    CheckReport,
    Problem,
    RunNotFound,
    RunOptions,
    RunStore,
    SheetPreview,
    WebRun,
)
from qrbatch.web.uploads import DEFAULT_MAX_UPLOAD, UploadRefused, human_size, receive
from qrbatch.words import describe
from qrbatch.words.render import Said

TOKEN_HEADER = "X-Qrbatch-Token"
LANGUAGE_COOKIE = "qrbatch_lang"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
MEDIA_TYPES = {
    "results": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
EXTENSIONS = {"results": ".xlsx", "pdf": ".pdf", "zip": ".zip"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PageSettings:
    """What the app needs besides the runs: the token, the bound host, the names the page
    is served under besides it (``served_names``), the upload limit."""

    token: str = field(repr=False)
    host: str = "127.0.0.1"
    names: frozenset[str] = frozenset()
    max_upload: int = DEFAULT_MAX_UPLOAD


SETTINGS = web.AppKey("settings", PageSettings)
SIGNIN = web.AppKey("signin", SignIn)
STORE = web.AppKey("store", RunStore)
LINKS = web.AppKey("links", DownloadLinks)
PUBLIC = frozenset({"index", "static", "download", "sample"})
"""Routes served without the token: the page's own files (no secret in them), the
sample sheet, and the single-use download links (their id is the grant)."""
PUBLIC_POST = frozenset({"signin"})
"""Changes made without the token: the sign-in form (the password is its grant)."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


LANGUAGE_HEADER = "X-Qrbatch-Lang"
"""The language chosen on the page, sent by its script with every API call (the calls
carry no cookie), so the server's words follow the page, not the browser."""


def language(request: web.Request) -> str:
    chosen = (
        request.headers.get(LANGUAGE_HEADER)
        or request.query.get("lang")
        or request.cookies.get(LANGUAGE_COOKIE)
    )
    return i18n.choose_language(request.headers.get("Accept-Language"), chosen)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _host_allowed(request: web.Request, settings: PageSettings) -> bool:
    name = (request.url.host or "").strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name == settings.host.strip("[]").lower():
        return True
    if name in {n.lower() for n in settings.names}:
        return True
    # Bound to every address: any of this computer's addresses, written as an address.
    # A rebinding page always comes under a name of its own, never an IP literal.
    return settings.host in WILDCARD_HOSTS and _is_ip(name)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        # Browsers send Origin on every POST from a page; no Origin is a tool like curl.
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    return origin == f"{request.scheme}://{request.host}"


def _token_ok(given: str | None, settings: PageSettings) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), settings.token.encode())


def _error(request: web.Request, status: int, key: str, **params: object) -> web.Response:
    """A refusal as JSON, in the reader's language: ``{"error": words, "key": key}``."""
    return web.json_response(
        {"error": i18n.text(language(request), key, **params), "key": key}, status=status
    )


def _refuse(request: web.Request, status: int, key: str) -> web.Response:
    return _error(request, status, key)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Host, Origin and token checks for every request (see the module docstring)."""
    settings = request.app[SETTINGS]
    if not _host_allowed(request, settings):
        return _refuse(request, 403, "refused.origin")
    if request.method not in SAFE_METHODS and not _same_origin(request):
        return _refuse(request, 403, "refused.origin")
    route = request.match_info.route.name
    public = (route in PUBLIC and request.method in SAFE_METHODS) or (
        route in PUBLIC_POST and request.method == "POST"
    )
    if not public and not _token_ok(request.headers.get(TOKEN_HEADER), settings):
        if request.method in SAFE_METHODS and not request.path.startswith("/api/"):
            # A person's browser (a bookmark, a stale link): the page, which signs her in
            # in her language, never a bare refusal (and no redirect). API calls: 401 JSON.
            return web.Response(text=render_page(request), status=401, content_type="text/html")
        return _refuse(request, 401, "refused.token")
    return await handler(request)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")


# The page -------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{([a-z0-9_.\-]+)\}\}")


def _static_text(name: str) -> str:
    return resources.files("qrbatch.web").joinpath("static", name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(request: web.Request) -> str:
    """index.html with its labels in the reader's language and the page's settings."""
    lang = language(request)
    store = request.app[STORE]
    settings = request.app[SETTINGS]
    region = region_of_language(lang, request.headers.get("Accept-Language"))
    config = {
        "lang": lang,
        "strings": i18n.STRINGS[lang],
        "maxUpload": settings.max_upload,
        "maxUploadText": human_size(settings.max_upload, lang),
        "statuses": list(STATUSES_SHOWN),
        "sandbox": store.sandbox,
        "password": request.app[SIGNIN].enabled,
        "defaultRegion": region,
    }
    values = {
        "lang": lang,
        "config": _script_json(config),
        "file.types": i18n.text(lang, "file.types", limit=human_size(settings.max_upload, lang)),
        "layouts": "".join(
            f'<option value="{html.escape(name)}">'
            f"{html.escape(i18n.text(lang, f'layout.{name}'))}</option>"
            for name in PDF_LAYOUTS
        ),
        "regions": f'<option value="">{html.escape(i18n.text(lang, "options.region.none"))}'
        "</option>"
        + "".join(
            f'<option value="{code}"' + (" selected" if code == region else "") + ">"
            f"{html.escape(name)}</option>"
            for code, name in region_names(lang)
        ),
        "languages": "".join(
            f'<a href="/?lang={code}" lang="{code}"'
            + (' aria-current="true"' if code == lang else "")
            + f">{html.escape(i18n.text(code, 'language.name'))}</a>"
            for code in i18n.LANGUAGES
        ),
    }

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in values:
            return (
                values[key]
                if key in ("config", "layouts", "languages", "regions")
                else html.escape(values[key])
            )
        return html.escape(i18n.text(lang, key))

    return _PLACEHOLDER.sub(fill, _static_text("index.html"))


async def index(request: web.Request) -> web.Response:
    response = web.Response(text=render_page(request), content_type="text/html")
    chosen = request.query.get("lang")
    if chosen in i18n.LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, chosen, samesite="Strict", path="/")
    return response


def _shown_key_id(key_id: str) -> str:
    """An AccessKey id as the page shows it: enough to tell two apart, not to copy."""
    return key_id if len(key_id) <= 8 else f"{key_id[:4]}…{key_id[-4:]}"


def about_json(store: RunStore, lang: str) -> dict[str, Any]:
    """Which service the page calls and which key it uses (never the secret): for the
    page's facts and the Account panel, asked with the token."""
    key = store.key()
    if key.origin == "sandbox":
        return {
            "endpoint": i18n.text(lang, "page.endpoint.sandbox"),
            "credentials": i18n.text(lang, "page.credentials.sandbox"),
            "credentials_detail": "",
            "origin": "sandbox",
            "key_id": "",
            "editable": False,
        }
    if key.credentials is None:
        shown = i18n.text(lang, "page.credentials.missing")
    else:
        shown = i18n.text(
            lang,
            f"account.origin.{key.origin}",
            keyid=_shown_key_id(key.credentials.access_key_id),
            where=key.detail,
        )
    return {
        "endpoint": store.endpoint_url,
        "credentials": shown,
        "credentials_detail": "",
        "origin": key.origin,
        "key_id": _shown_key_id(key.credentials.access_key_id) if key.credentials else "",
        "editable": key.editable,
    }


async def save_key(request: web.Request) -> web.Response:
    """The Account panel's Save: keep the pair (never sent back), then ask the account
    for its numbers with it."""
    store = request.app[STORE]
    lang = language(request)
    if not store.key().editable:
        return _error(request, 409, "account.fixed")
    try:
        data = await request.json()
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    key_id = clean_key(data.get("access_key_id"))
    secret = clean_key(data.get("access_key_secret"))
    if not key_id or not secret:
        return _error(request, 400, "account.incomplete")
    try:
        await anyio.to_thread.run_sync(store.save_key, key_id, secret)
    except QrbatchError as error:
        return web.json_response({"error": i18n.describe_error(error, lang)}, status=500)
    return web.json_response({**about_json(store, lang), **await numbers_json(store, lang)})


async def numbers_json(store: RunStore, lang: str) -> dict[str, Any]:
    """The account's WhatsApp numbers, or why they could not be listed."""
    try:
        reports = await store.numbers()
    except QrbatchError as error:
        return {"numbers": [], "numbers_error": i18n.describe_error(error, lang)}
    return {
        "numbers": [
            {
                "phone": f"+{r.number.phone}",
                "name": r.number.verified_name,
                "status": r.number.status,
                "usable": r.number.usable,
                "live_codes": r.live_codes,
            }
            for r in reports
        ],
        "numbers_error": "",
    }


async def account_numbers(request: web.Request) -> web.Response:
    store = request.app[STORE]
    return web.json_response(await numbers_json(store, language(request)))


async def about(request: web.Request) -> web.Response:
    return web.json_response(about_json(request.app[STORE], language(request)))


SAMPLES = {
    "en": [
        ("PhoneNumber", "PrefilledMessage", "Label"),
        ("+62 812-3456-7890", "Hello! I would like to order", "Store Jakarta"),
        ("+62 812-9876-5432", "Hello, what are today's promotions?", "Store Bandung"),
    ],
    "id": [
        ("Nomor WhatsApp", "Pesan", "Label"),
        ("0812-3456-7890", "Halo, saya mau pesan", "Toko Jakarta"),
        ("0812-9876-5432", "Halo, ada promo apa hari ini?", "Toko Bandung"),
    ],
}
"""The sample sheet, in the page's language: the columns a sheet needs, as a person
writes them (an Indonesian sheet writes numbers as at home)."""


async def sample(request: web.Request) -> web.Response:
    """A small sheet to start from (``.csv``, which every spreadsheet program opens)."""
    lang = language(request)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(SAMPLES[lang])
    filename = i18n.text(lang, "help.sample.file")
    return web.Response(
        body=("\ufeff" + buffer.getvalue()).encode("utf-8"),  # the BOM: Excel reads UTF-8
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


async def static(request: web.Request) -> web.Response:
    """app.js and style.css from the package (no build step, nothing from outside)."""
    name = request.match_info["name"]
    types = {"app.js": "text/javascript", "style.css": "text/css"}
    if name not in types:
        raise web.HTTPNotFound()
    return web.Response(text=_static_text(name), content_type=types[name], charset="utf-8")


# The JSON API ---------------------------------------------------------------------


def run_json(run: WebRun, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A run as the page shows it: progress while it runs, the outcome once done."""
    record = run.record
    progress = run.progress
    running = record.state == "running" and progress.started is not None
    counts = run.counts()
    files = run.files()
    left = progress.seconds_left if running else None
    return {
        "id": record.id,
        "name": record.name,
        "created": record.created,
        "finished": record.finished,
        "state": record.state,
        "sandbox": record.sandbox,
        "rows": record.rows,
        "total": progress.total if running else record.total,
        "done": progress.done
        if running
        else sum(counts.get(s, 0) for s in ("created", "reused", "failed")),
        "rate": round(progress.rate, 2) if running else record.rate,
        "seconds_left": None if left is None else round(left),
        "throttled": progress.throttled if running else record.throttled,
        "phase": progress.phase if record.state == "running" else "",
        "cancelling": run.stop.is_set() and record.state in ("queued", "running"),
        "cancelled": record.cancelled,
        "counts": {s: counts.get(s, 0) for s in STATUSES_SHOWN},
        "exit_code": record.exit_code,
        "message": record.messages.get(lang) or record.message,
        "options": {
            "image_type": record.options.image_type,
            "default_region": record.options.default_region,
            "label_column": record.options.label_column,
            "pdf_layout": record.options.pdf_layout,
            "sheet": record.options.sheet,
        },
        "phase_total": progress.phase_total if record.state == "running" else 0,
        "listed": progress.listed if record.state == "running" else 0,
        "codes": progress.codes if running else record.codes,
        # POST there (with the token) for a single-use link to the file
        "downloads": {
            kind: f"/api/runs/{record.id}/files/{kind}" if path else None
            for kind, path in files.items()
        },
    }


def problem_text(error: BaseException, lang: str, run: WebRun) -> str:
    """An error as the page says it: in ``lang``, the upload named as the person named
    it (never the run folder's path)."""
    shown = i18n.describe_error(error, lang, run.record.name)
    return shown.replace(str(run.input_path), run.record.name)


_CLOSEST = re.compile(r"the closest of them: (.+)$")
_COULD_BE = re.compile(r"could be (.+?), both")
_QUOTED = re.compile(r"'([^']*)'")
_LENGTH = re.compile(r"is (\d+) characters")


def row_detail(problem: Problem, lang: str) -> str:
    """A row problem's details in ``lang``: the catalogue's words for the page when the
    row's message came from it; else the engine's own (English) words on the English
    page, and elsewhere what they quote (the cell, the account's closest numbers, a
    length), in the page's words, so no English sentence shows."""
    if isinstance(problem.message, Said):  # the catalogue's words: worded for the page
        return describe(problem.message, language=lang, audience="page")
    if lang == i18n.DEFAULT_LANGUAGE:
        return problem.message
    cell = problem.cell or next(iter(_QUOTED.findall(problem.message)), "")
    parts = [i18n.text(lang, "detail.cell", cell=cell)] if cell else []
    if found := _CLOSEST.search(problem.message):
        parts.append(i18n.text(lang, "detail.closest", numbers=found.group(1)))
    if found := _COULD_BE.search(problem.message):
        parts.append(i18n.text(lang, "detail.could_be", numbers=found.group(1)))
    if found := _LENGTH.search(problem.message):
        parts.append(i18n.text(lang, "detail.length", count=found.group(1)))
    return "; ".join(parts)


def check_json(report: CheckReport, lang: str, run: WebRun) -> dict[str, Any]:
    return {
        "rows": report.rows,
        "valid": report.valid,
        "invalid": report.invalid,
        "blank": report.blank,
        "shared": [list(rows) for rows in report.shared],
        "sheet": report.sheet,
        "columns": list(report.columns),
        "error": i18n.text(lang, "check.file_error", detail=problem_text(report.error, lang, run))
        if report.error
        else "",
        "problems": [
            {
                "row": p.row,
                "code": p.code,
                "message": p.message,
                "detail": row_detail(p, lang),
                "name": p.name,
                "advice": p.advice,
            }
            for p in report.problems
        ],
    }


async def _options(request: web.Request) -> RunOptions:
    try:
        data = await request.json()
    except ValueError:
        data = {}
    options = RunOptions.from_form(data if isinstance(data, dict) else {})
    return replace(options, language=language(request))  # the run's workbook speaks it too


MALFORMED = (AssertionError, ValueError, LookupError, HttpProcessingError, web.HTTPBadRequest)
"""What aiohttp's multipart reader raises on a body that is not the form it claims (no or
a wrong boundary, a truncated part, a bad header): the sender's mistake, a 400."""
MAX_PARTS = 16
"""Form parts read at most (the page sends one)."""


async def _file_part(reader: MultipartReader) -> BodyPartReader | None:
    """The form's ``file`` part, or None when the form has none."""
    for _ in range(MAX_PARTS):
        part = await reader.next()
        if part is None:
            return None
        if isinstance(part, BodyPartReader) and part.name == "file":
            return part
        await part.release()
    raise ValueError("too many parts")


async def _end_of_form(reader: MultipartReader) -> None:
    """Read to the form's closing boundary: a body cut short (a dropped connection) ends
    without it, and its file must not be kept as if it were whole."""
    for _ in range(MAX_PARTS):
        part = await reader.next()
        if part is None:
            return
        await part.release()
    raise ValueError("too many parts")


async def upload(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    store = request.app[STORE]
    try:
        reader = await request.multipart()
        part = await _file_part(reader)
        if part is None:
            return _error(request, 400, "error.no_file")
        run = await receive(
            store,
            part.filename or "",
            part,
            limit=settings.max_upload,
            declared=request.content_length,
        )
        try:
            await _end_of_form(reader)
        except BaseException:
            store.discard(run)
            raise
    except UploadRefused as refused:
        response = _error(request, refused.status, refused.key, **refused.params)
        # Do not make the browser push the rest of a refused body over a kept connection.
        response.force_close()
        return response
    except MALFORMED:
        response = _error(request, 400, "error.malformed")
        response.force_close()
        return response
    size = run.input_path.stat().st_size
    earlier = store.earlier_run(run)
    return web.json_response(
        {
            "id": run.id,
            "name": run.record.name,
            "size": human_size(size, language(request)),
            "earlier": None
            if earlier is None
            else {
                "id": earlier.id,
                "name": earlier.record.name,
                "created": earlier.record.created,
                "codes": sum(earlier.counts().get(s, 0) for s in ("created", "reused")),
            },
        }
    )


def _run_or_404(request: web.Request) -> WebRun | web.Response:
    try:
        return request.app[STORE].get(request.match_info["run"])
    except RunNotFound:
        return _error(request, 404, "error.not_found")


async def check(request: web.Request) -> web.Response:
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    try:
        options = await _options(request)
    except ConfigError as error:
        return _error(request, 400, f"error.option.{error}")
    report = await request.app[STORE].check(run.id, options)
    return web.json_response(check_json(report, language(request), run))


def preview_json(preview: SheetPreview, lang: str, run: WebRun) -> dict[str, Any]:
    error = preview.error
    return {
        "sheets": list(preview.sheets),
        "sheet": preview.sheet,
        "columns": list(preview.columns),
        "rows": [list(row) for row in preview.rows],
        "guess": {
            "phone_column": preview.phone,
            "message_column": preview.message,
            "country_column": preview.country,
            "label_column": preview.label,
        },
        "error": "" if error is None else problem_text(error, lang, run),
    }


async def sheet_preview(request: web.Request) -> web.Response:
    """The upload's sheets, the one read, its columns and first rows, the guessed columns."""
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    sheet = request.query.get("sheet") or None
    preview = await request.app[STORE].preview(run.id, sheet)
    return web.json_response(preview_json(preview, language(request), run))


async def start(request: web.Request) -> web.Response:
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    try:
        options = await _options(request)
    except ConfigError as error:
        return _error(request, 400, f"error.option.{error}")
    store = request.app[STORE]
    key = store.key()
    if key.credentials is None and key.origin != "sandbox":  # say so now, not as a failed run
        return _error(request, 409, "error.kind.CredentialsError")
    return web.json_response(run_json(store.start(run.id, options), language(request)))


async def cancel(request: web.Request) -> web.Response:
    """Cancel: stop after the calls in flight (``RunStore.cancel``)."""
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    return web.json_response(run_json(request.app[STORE].cancel(run.id), language(request)))


async def show_run(request: web.Request) -> web.Response:
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    return web.json_response(run_json(run, language(request)))


async def list_runs(request: web.Request) -> web.Response:
    lang = language(request)
    return web.json_response({"runs": [run_json(r, lang) for r in request.app[STORE].history()]})


async def download_link(request: web.Request) -> web.Response:
    """A single-use link to one of a run's files (``links.py``): ``{"url": "/download/..."}``."""
    run = _run_or_404(request)
    if isinstance(run, web.Response):
        return run
    kind = request.match_info["kind"]
    if run.files().get(kind) is None:
        return _error(request, 404, "error.not_found")
    link = request.app[LINKS].mint(Grant(run.id, kind))
    return web.json_response({"url": f"/download/{link}"})


async def download(request: web.Request) -> web.StreamResponse:
    grant = request.app[LINKS].redeem(request.match_info["link"])
    if grant is None:
        return _error(request, 404, "error.link")
    try:
        run = request.app[STORE].get(grant.run)
    except RunNotFound:
        return _error(request, 404, "error.not_found")
    kind = grant.kind
    path = run.files().get(kind)
    if path is None:
        return _error(request, 404, "error.not_found")
    filename = run.download_name(EXTENSIONS[kind])
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", filename)
    return web.FileResponse(
        path,
        headers={
            "Content-Type": MEDIA_TYPES[kind],
            "Content-Disposition": f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}",
        },
    )


async def sign_in(request: web.Request) -> web.Response:
    """The sign-in form: the right password gets the token (``access.py``)."""
    gate = request.app[SIGNIN]
    if not gate.enabled:
        return _error(request, 404, "error.no_password")
    try:
        data = await request.json()
    except ValueError:
        data = {}
    password = data.get("password") if isinstance(data, dict) else None
    if not isinstance(password, str) or not await gate.check(password[:1024]):
        return _error(request, 403, "error.password")
    return web.json_response({"token": request.app[SETTINGS].token})


def create_app(
    store: RunStore,
    settings: PageSettings,
    links: DownloadLinks | None = None,
    *,
    signin: SignIn | None = None,
) -> web.Application:
    """The application; the caller runs it (``serve``) and resumes the store's runs."""
    app = web.Application(middlewares=[guard], client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[SIGNIN] = signin or SignIn(None)
    app[STORE] = store
    app[LINKS] = links or DownloadLinks()
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", index, name="index")
    app.router.add_get("/static/{name}", static, name="static")
    app.router.add_get("/sample.csv", sample, name="sample")
    app.router.add_get("/download/{link}", download, name="download")
    app.router.add_post("/api/signin", sign_in, name="signin")
    app.router.add_get("/api/about", about)
    app.router.add_post("/api/account", save_key)
    app.router.add_get("/api/account/numbers", account_numbers)
    app.router.add_get("/api/runs", list_runs)
    app.router.add_post("/api/uploads", upload)
    app.router.add_get("/api/runs/{run}", show_run)
    app.router.add_post("/api/runs/{run}/check", check)
    app.router.add_get("/api/runs/{run}/sheet", sheet_preview)
    app.router.add_post("/api/runs/{run}/start", start)
    app.router.add_post("/api/runs/{run}/cancel", cancel)
    app.router.add_post("/api/runs/{run}/files/{kind}", download_link)
    return app
