"""The web page's runs: the one module where the page meets the engine.

Every engine call the page makes is here, so a change of the engine's API changes this
file only:

- ``RunStore.check`` wraps ``validate_input`` (the Check button: what ``qrbatch validate``
  finds, without calling the API);
- ``RunStore._execute`` wraps ``run_batch`` and subscribes a ``LiveProgress`` to the
  engine's event stream (``qrbatch.engine.events``): rows done of total, rows per status, calls
  per second, throttles, the phase; the page polls it as JSON.

A run lives in its own folder under the state directory, under a generated name (the
uploaded file's name is kept only as display text)::

    runs/<id>/run.json            what the page shows (rewritten atomically)
    runs/<id>/input.<ext>         the uploaded sheet
    runs/<id>/results.xlsx        the results workbook; results.pdf and results.zip beside it
    runs/<id>/results.qrbatch.db  the run's journal (the CLI's, unchanged)

States: ``uploaded -> queued -> running -> finished | failed``. A run found ``queued`` or
``running`` when the server starts is started again: the journal makes the rerun skip
what was already done, exactly as a rerun of ``qrbatch run`` does. Runs go one at a time,
because they share the account's calls per second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import anyio.to_thread
import phonenumbers

from qrbatch.cams.credentials import Credentials
from qrbatch.engine.events import (
    Event,
    NumbersListed,
    PhaseChanged,
    Retrying,
    RowFinished,
    RunEnded,
    RunStarted,
    Throttled,
)
from qrbatch.errors import ConfigError, QrbatchError
from qrbatch.outputs.files import atomic_write
from qrbatch.outputs.results import RUN_STATUSES
from qrbatch.rows.checks import (
    COUNTRY_ALIASES,
    MESSAGE_ALIASES,
    PHONE_ALIASES,
    CheckedRow,
    candidate_columns,
    find_column,
    header_key,
    header_matcher,
    header_score,
    map_columns,
)
from qrbatch.run.commands import (
    NumberReport,
    Validated,
    check_against_account,
    list_numbers,
    run_batch,
    validate_input,
)
from qrbatch.run.finish import RunResult
from qrbatch.run.kept_sandbox import KeptSandbox, kept_sandbox
from qrbatch.run.settings import DEFAULT_QPS, SANDBOX, Job, resolve_endpoint
from qrbatch.sheets.read import EXCEL_SUFFIXES, TEXT_SUFFIXES, read_sheet
from qrbatch.sheets.workbooks import open_book
from qrbatch.web import i18n
from qrbatch.web.account import KeyInUse, key_in_use, save_page_key
from qrbatch.words import AUDIENCE
from qrbatch.words.render import Words

log = logging.getLogger("qrbatch")

SPREADSHEET_SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
PDF_LAYOUTS = ("labels-a4-3x4", "labels-a4-3x7", "labels-letter-3x10", "cards-a6", "poster-a4")
"""The PDF layouts the page offers, as ``<layout>-<paper>`` of ``qrbatch.outputs.printing``."""
DEFAULT_PDF_LAYOUT = PDF_LAYOUTS[0]
IMAGE_TYPES = ("PNG", "SVG")
STATUSES_SHOWN = RUN_STATUSES
"""The statuses the page counts, in the order it shows them."""
MAX_NAME = 200
MAX_NOTE = 80  # one line under a code; longer is cut, not refused
"""Longest sheet or column name the page sends (Excel's are at most 31 and 255)."""
PREVIEW_ROWS = 5
"""Rows of the sheet shown under its columns, to choose them by their content."""
MAX_PROBLEMS = 500
"""Problems the Check table shows at most (the count says how many there are)."""
UPLOAD_KEEP = timedelta(days=1)
"""Uploads never started are removed after this long, when the server starts."""

RunState = Literal["uploaded", "queued", "running", "finished", "failed"]
UNFINISHED: tuple[RunState, ...] = ("queued", "running")
RESULTS_NAME = "results.xlsx"
RUN_FILE = "run.json"
_RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")


class RunNotFound(LookupError):
    """No run folder with that id (or the id is not one qrbatch made)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """The options people change on the page; each maps to a Job field or the PDF."""

    image_type: str = "PNG"
    default_region: str = ""
    label_column: str = ""
    pdf_layout: str = DEFAULT_PDF_LAYOUT
    sheet: str = ""
    phone_column: str = ""
    message_column: str = ""
    country_column: str = ""
    pdf_note: str = ""  # a line printed with every code ("Pindai untuk chat")
    language: str = i18n.DEFAULT_LANGUAGE
    """The page's language when the run was started: the results workbook's words."""

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> RunOptions:
        """Options from the page's JSON, checked (ConfigError says which one is wrong)."""
        image_type = str(data.get("image_type") or "PNG").upper()
        if image_type not in IMAGE_TYPES:
            raise ConfigError("image_type")
        region = str(data.get("default_region") or "").strip().upper()
        if region and region not in phonenumbers.SUPPORTED_REGIONS:
            raise ConfigError("default_region")
        layout = str(data.get("pdf_layout") or DEFAULT_PDF_LAYOUT)
        if layout not in PDF_LAYOUTS:
            raise ConfigError("pdf_layout")

        def name(key: str) -> str:
            return str(data.get(key) or "").strip()[:MAX_NAME]

        return cls(
            image_type=image_type,
            default_region=region,
            label_column=name("label_column"),
            pdf_layout=layout,
            sheet=name("sheet"),
            phone_column=name("phone_column"),
            message_column=name("message_column"),
            country_column=name("country_column"),
            pdf_note=" ".join(str(data.get("pdf_note") or "").split())[:MAX_NOTE],
        )


@dataclass(slots=True, kw_only=True)
class RunRecord:
    """What ``run.json`` keeps of a run: enough to show it and to resume it."""

    id: str
    name: str
    suffix: str
    created: str
    state: RunState = "uploaded"
    options: RunOptions = field(default_factory=RunOptions)
    sandbox: bool = False
    rows: int = 0
    total: int = 0
    """Rows to send (the sheet's rows less the invalid and blank ones)."""
    counts: dict[str, int] = field(default_factory=dict)
    calls: int = 0
    rate: float = 0.0
    throttled: int = 0
    seconds: float = 0.0
    exit_code: int | None = None
    message: str = ""
    messages: dict[str, str] = field(default_factory=dict)
    """``message`` in each of the page's languages."""
    finished: str = ""
    cancelled: bool = False
    digest: str = ""
    """SHA-256 of the uploaded file: the same sheet uploaded again is recognised."""
    codes: int = 0
    """Distinct codes made or reused: fewer than the rows when rows share a request."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        options = RunOptions(**data.pop("options", {}))
        return cls(options=options, **data)


@dataclass(frozen=True, slots=True)
class Problem:
    """One row ``qrbatch validate`` would report."""

    row: int
    code: str
    message: str
    cell: str = ""
    """The phone cell as written (for the page's own words about it)."""
    name: str = ""
    """The row's label (the Label column, else its first text cell): which shop it is."""
    advice: str = ""
    """Which of the code's fixes fits: "letters" (a number written with letters),
    "region" (a Default region is already chosen), or "" (the code's own)."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What the Check button shows: counts, the problems by row, the sheet's columns."""

    rows: int = 0
    valid: int = 0
    invalid: int = 0
    blank: int = 0
    problems: tuple[Problem, ...] = ()
    shared: tuple[tuple[int, ...], ...] = ()
    """Rows asking for the same number and message, by row number: they share one code."""
    columns: tuple[str, ...] = ()
    sheet: str | None = None
    error: QrbatchError | None = None
    """Why the file as a whole cannot be used (then nothing else is filled)."""


class LiveProgress:
    """A run as it goes, from the engine's events (the page polls it; nothing blocks)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.total = 0
        self.done = 0
        self.counts: Counter[str] = Counter()
        self.calls = 0
        self.throttled = 0
        self.retries = 0
        self.phase = ""
        self.phase_total = 0
        self.listed = 0
        self.codes = 0
        """Requests settled with a code (rows with the same request share one)."""
        """Numbers whose existing codes were listed (the phase before sending)."""
        self.started: float | None = None
        self.sending: float | None = None
        self.ended: float | None = None
        self._done_before_sending = 0

    def prepare(self, validated: Validated) -> None:
        """Count the rows that are never sent (invalid, blank) before the run starts."""
        self.counts = Counter(
            "invalid" if row.state == "invalid" else "skipped"
            for row in validated.rows
            if row.request is None
        )

    def __call__(self, event: Event) -> None:
        """The subscriber: quick, and never raises (the engine drops one that does)."""
        now = self._clock()
        if isinstance(event, RunStarted):
            self.total, self.started = event.valid_rows, now
        elif isinstance(event, PhaseChanged):
            self.phase, self.phase_total = event.phase, event.total
            if event.phase == "sending" and self.sending is None:
                # rows settled before sending (reused, or done by an earlier attempt)
                # say nothing about the pace of what is left
                self.sending, self._done_before_sending = now, self.done
        elif isinstance(event, NumbersListed):
            self.listed = event.done
        elif isinstance(event, RowFinished):
            self.done += event.rows
            self.counts[event.entry.status or "failed"] += event.rows
            self.codes += event.entry.status in ("created", "reused")
            self.calls += event.entry.attempts
        elif isinstance(event, Throttled):
            self.throttled = event.throttled_total
        elif isinstance(event, Retrying):
            self.retries += 1
        elif isinstance(event, RunEnded):
            self.ended = now

    @property
    def rate(self) -> float:
        """Calls per second while sending (over at least a second, as the Summary does)."""
        if self.sending is None or not self.calls:
            return 0.0
        return self.calls / max(1.0, (self.ended or self._clock()) - self.sending)

    @property
    def seconds_left(self) -> float | None:
        """Rows left at the pace rows have been finishing since sending began."""
        sent = self.done - self._done_before_sending
        if self.sending is None or sent <= 0:
            return None
        pace = sent / max(1e-6, self._clock() - self.sending)
        return (self.total - self.done) / pace


class WebRun:
    """One run as the page sees it: its record on disk and, while it runs, live progress."""

    def __init__(self, folder: Path, record: RunRecord) -> None:
        self.folder = folder
        self.record = record
        self.progress = LiveProgress()
        self.stop = threading.Event()
        """Set by Cancel: the calls in flight settle, nothing new is sent."""

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def input_path(self) -> Path:
        return self.folder / f"input{self.record.suffix}"

    @property
    def results_path(self) -> Path:
        return self.folder / RESULTS_NAME

    def download_name(self, suffix: str) -> str:
        """A download's file name, after the upload's: ``Toko Jakarta.results.xlsx``."""
        stem = self.record.name.rsplit(".", 1)[0] or "spreadsheet"
        return f"{stem}.results{suffix}"

    def files(self) -> dict[str, Path | None]:
        """The downloads that exist: results workbook, PDF and ZIP (``<output stem>.*``)."""
        ready = self.record.state in ("finished", "failed")
        found: dict[str, Path | None] = {}
        for kind, path in (
            ("results", self.results_path),
            ("pdf", self.results_path.with_suffix(".pdf")),
            ("zip", self.results_path.with_suffix(".zip")),
        ):
            found[kind] = path if ready and path.is_file() else None
        return found

    def save(self) -> None:
        """Write ``run.json`` atomically (a crash leaves the old or the new, never half),
        readable by the user only."""
        atomic_write(self.folder / RUN_FILE, json.dumps(self.record.to_json(), indent=1).encode())
        (self.folder / RUN_FILE).chmod(0o600)

    def counts(self) -> dict[str, int]:
        """Rows per status: live while running, as recorded once done."""
        if self.record.state == "running" and self.progress.started is not None:
            return dict(self.progress.counts)
        return dict(self.record.counts)

    def finish(self, result: RunResult) -> None:
        summary = result.summary
        self.record.state = "finished"
        self.record.exit_code = int(result.exit_code)
        self.record.rows = summary.rows_read
        self.record.counts = {s: summary.statuses.get(s, 0) for s in summary.shown_statuses}
        self.record.codes = self.progress.codes
        self.record.calls = summary.calls
        self.record.rate = round(summary.calls_per_second, 2)
        self.record.throttled = summary.throttled
        self.record.seconds = round(summary.duration, 1)
        self.record.message = result.stopped_by
        if result.error is not None:
            self.record.messages = error_messages(result.error, self)
        self.record.cancelled = self.stop.is_set()
        self.record.finished = _now()

    def fail(self, error: BaseException) -> None:
        self.record.state = "failed"
        self.record.messages = error_messages(error, self)
        self.record.message = self.record.messages[i18n.DEFAULT_LANGUAGE]
        self.record.finished = _now()


def error_messages(error: BaseException, run: WebRun) -> dict[str, str]:
    """``error`` in each of the page's languages, the upload named as the person named it."""
    if not isinstance(error, QrbatchError):  # a bug: named, in the page's words
        detail = f"{type(error).__name__}: {error}"
        return {lang: i18n.text(lang, "run.internal", detail=detail) for lang in i18n.LANGUAGES}
    return {
        lang: i18n.describe_error(error, lang, run.record.name).replace(
            str(run.input_path), run.record.name
        )
        for lang in i18n.LANGUAGES
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def display_name(raw: str) -> str:
    """The uploaded file's name as display text: no folders, no control characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "spreadsheet"


MAX_ROW_NAME = 60


def _word_keys(message: object) -> set[str]:
    """The catalogue keys a row's message was worded from (its own and those inside)."""
    words = getattr(message, "words", message)
    if not isinstance(words, Words):
        return set()
    found = {words.key}
    for value in words.params.values():
        found |= _word_keys(value)
    return found


def _row_name(row: CheckedRow, label: int | None, used: set[int]) -> str:
    """What names the row for a person: its label cell, else its first cell with letters
    outside the columns sent (phone, message, country)."""
    cells = row.row.cells
    if label is not None:
        name = cells[label].strip() if label < len(cells) else ""
    else:
        name = next(
            (
                cell.strip()
                for at, cell in enumerate(cells)
                if at not in used
                and cell.strip() != row.phone_cell.strip()
                and any(ch.isalpha() for ch in cell)
            ),
            "",
        )
    return name if len(name) <= MAX_ROW_NAME else name[: MAX_ROW_NAME - 1] + "…"


def _advice(row: CheckedRow, region: str) -> str:
    if "rows.phone_letters" in _word_keys(row.error_message):
        return "letters"
    if row.error_code == "InvalidPhone" and region:
        return "region"
    return ""


def check_report(validated: Validated, options: RunOptions | None = None) -> CheckReport:
    """The Check panel's counts and problems of checked rows (``options``: the label
    column and default region chosen, for the words beside each problem)."""
    options = options or RunOptions()
    columns = validated.sheet.columns
    label = find_column(columns, options.label_column, ()) if options.label_column else None
    try:
        used = set(
            map_columns(
                validated.sheet,
                phone_column=options.phone_column or None,
                message_column=options.message_column or None,
                country_column=options.country_column or None,
            ).used()
        )
    except QrbatchError:
        used = set()
    problems = [
        Problem(
            r.row.number,
            r.error_code,
            r.error_message,
            r.phone_cell,
            _row_name(r, label, used),
            _advice(r, options.default_region),
        )
        for r in validated.rows
        if r.state == "invalid"
    ]
    blank = sum(r.state == "skipped" for r in validated.rows)
    same: dict[str, list[int]] = {}
    for r in validated.rows:
        if r.request is not None:
            same.setdefault(r.request.key, []).append(r.row.number)
    return CheckReport(
        shared=tuple(tuple(rows) for rows in same.values() if len(rows) > 1),
        rows=len(validated.rows),
        valid=len(validated.rows) - len(problems) - blank,
        invalid=len(problems),
        blank=blank,
        problems=tuple(problems[:MAX_PROBLEMS]),
        columns=validated.sheet.columns,
        sheet=validated.sheet.sheet_name,
    )


@dataclass(frozen=True, slots=True)
class SheetPreview:
    """What the page shows after an upload: the workbook's sheets, the one read, its
    columns with the first rows under them, and the columns the header rules pick."""

    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    phone: str = ""
    message: str = ""
    country: str = ""
    label: str = ""
    error: QrbatchError | None = None


LABEL_ALIASES = tuple(
    header_key(name)
    for name in (
        "Label",
        "Nama Toko",
        "Store",
        "Store Name",
        "Shop",
        "Nama Outlet",
        "Outlet",
        "Name",
        "Nama",
        "Toko",
        "Business Name",
        "Nama Usaha",
    )
)
"""Headers the page proposes as the Label column (printed under each code)."""


def _any_header(cells: Sequence[str]) -> bool:
    """A preview's header: the first row with two filled cells (names unknown yet)."""
    return sum(bool(cell) for cell in cells) >= 2


def _guess(columns: Sequence[str], aliases: Sequence[str]) -> str:
    found = candidate_columns(columns, aliases)
    exact = find_column(columns, None, aliases)
    index = exact if exact is not None else (found[0] if found else None)
    return "" if index is None else columns[index]


def _likely_sheet(path: Path, names: Sequence[str], active: str | None) -> str | None:
    """The sheet ``qrbatch run`` would read; else the first whose header names a column
    qrbatch knows (a ``Kontak Toko``/``Isi Pesan`` sheet behind a notes sheet); else the
    active one."""
    try:
        return read_sheet(path, is_header=header_matcher()).sheet_name
    except QrbatchError:
        pass
    for name in names:
        try:
            if header_score(read_sheet(path, is_header=_any_header, sheet=name).columns):
                return name
        except QrbatchError:
            continue
    return active or (names[0] if names else None)


def preview_sheet(path: Path, sheet: str | None = None) -> SheetPreview:
    """The sheet the page would read (``sheet``, else the one ``qrbatch run`` picks, else
    the active one), its columns, first rows and guessed columns. Never raises for the
    file: its problem is ``error``."""
    names: tuple[str, ...] = ()
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            book = open_book(path)
            try:
                names = tuple(s.name for s in book.sheets if s.visible)
                active = next((s.name for s in book.sheets if s.active and s.visible), None)
            finally:
                book.close()
            if sheet is None:
                sheet = _likely_sheet(path, names, active)
        read = read_sheet(path, is_header=_any_header, sheet=sheet)
    except QrbatchError as error:
        return SheetPreview(sheets=names, sheet=sheet, error=error)
    columns = read.columns
    return SheetPreview(
        sheets=names,
        sheet=read.sheet_name,
        columns=columns,
        rows=tuple(row.cells for row in read.rows if not row.is_blank)[:PREVIEW_ROWS],
        phone=_guess(columns, PHONE_ALIASES),
        message=_guess(columns, MESSAGE_ALIASES),
        country=_guess(columns, COUNTRY_ALIASES),
        label=_guess(columns, LABEL_ALIASES),
    )


class RunStore:
    """The runs under one state directory: upload, check, start, list, resume."""

    def __init__(
        self,
        folder: Path,
        *,
        endpoint: str | None = None,
        qps: float = DEFAULT_QPS,
        env: Mapping[str, str] | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self.state = folder
        self.folder = folder / "runs"
        self.endpoint = endpoint
        self.qps = qps
        self.env = env
        self.credentials = credentials
        self.endpoint_url = resolve_endpoint(endpoint, env)
        self.sandbox = self.endpoint_url == SANDBOX
        self._runs: dict[str, WebRun] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Lock()
        # Uploads and results are the user's own: folders we make are private (a folder
        # the user named with --state-dir keeps its mode; runs/ inside it is ours).
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.mkdir(mode=0o700, exist_ok=True)
        self.folder.chmod(0o700)
        self._load()

    def _load(self) -> None:
        for path in sorted(self.folder.glob(f"*/{RUN_FILE}")):
            try:
                record = RunRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("web: skipping %s (%s)", path, exc)
                continue
            if record.id != path.parent.name or not _RUN_ID.match(record.id):
                continue
            if record.state == "uploaded" and _age(record.created) > UPLOAD_KEEP:
                _remove_folder(path.parent)
                continue
            self._runs[record.id] = WebRun(path.parent, record)

    # Uploads -----------------------------------------------------------------------

    def new_upload(self, name: str, suffix: str) -> WebRun:
        """A run folder for an upload; the caller writes the file to ``run.input_path``."""
        if suffix not in SPREADSHEET_SUFFIXES:
            raise ValueError(suffix)
        run_id = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
        folder = self.folder / run_id
        folder.mkdir(mode=0o700)
        run = WebRun(
            folder,
            RunRecord(
                id=run_id,
                name=display_name(name),
                suffix=suffix,
                created=_now(),
                sandbox=self.sandbox,
            ),
        )
        run.save()
        self._runs[run_id] = run
        return run

    def discard(self, run: WebRun) -> None:
        """Forget an upload that was refused after its folder was made."""
        self._runs.pop(run.id, None)
        _remove_folder(run.folder)

    def get(self, run_id: str) -> WebRun:
        run = self._runs.get(run_id) if _RUN_ID.match(run_id) else None
        if run is None:
            raise RunNotFound(run_id)
        return run

    def history(self) -> list[WebRun]:
        """Runs that were started, newest first."""
        started = [r for r in self._runs.values() if r.record.state != "uploaded"]
        return sorted(started, key=lambda r: r.record.created + r.id, reverse=True)

    # The engine ----------------------------------------------------------------------

    def job(self, run: WebRun, options: RunOptions) -> Job:
        """The Job the CLI would build for this run (same engine, journal and pacer)."""
        layout, paper = options.pdf_layout.split("-", 1)
        return Job(
            input=run.input_path,
            sheet=options.sheet or None,
            phone_column=options.phone_column or None,
            message_column=options.message_column or None,
            country_column=options.country_column or None,
            output=run.results_path,
            endpoint=self.endpoint,
            qps=self.qps,
            image_type=options.image_type,
            default_region=options.default_region or None,
            progress=False,
            pdf=True,
            zip=True,
            label_column=options.label_column or None,
            pdf_layout=layout,
            pdf_paper=paper,
            pdf_note=options.pdf_note,
            image_format=options.image_type.lower(),
            language=options.language,
            input_name=run.record.name,  # the Summary names the upload, not its folder
            output_name=run.download_name(".xlsx"),
            image_files=False,  # not in the download: the workbook links to no local file
        )

    async def check(self, run_id: str, options: RunOptions) -> CheckReport:
        """The Check button: validate in a worker thread (big sheets take a while), then,
        when there are credentials, ask the account which number each row is (one call,
        as ``qrbatch validate --against-account``)."""
        run = self.get(run_id)
        job = self.job(run, options)
        try:
            validated = await anyio.to_thread.run_sync(validate_input, job)
        except QrbatchError as error:
            return CheckReport(error=error)
        key = self.key()
        if key.credentials is not None or key.origin == "sandbox":
            try:
                validated = await check_against_account(
                    job, validated, env=self.env, credentials=key.credentials
                )
            except QrbatchError as error:  # the account cannot be asked now: the rows as read
                log.warning("web: the account's numbers could not be checked: %s", error)
        return check_report(validated, options)

    # The account ---------------------------------------------------------------------

    def key(self) -> KeyInUse:
        """The AccessKey a run started now uses, and where it comes from (``account.py``)."""
        return key_in_use(self.state, self.endpoint, self.env, self.credentials)

    def save_key(self, access_key_id: str, access_key_secret: str) -> KeyInUse:
        """Keep the pair from the Account panel in the page's credentials file."""
        save_page_key(self.state, access_key_id, access_key_secret)
        return self.key()

    async def numbers(self) -> list[NumberReport]:
        """The account's WhatsApp numbers with the key in use (one
        QueryChatappPhoneNumbers, and one List per number for its live codes)."""
        job = Job(input=self.state, endpoint=self.endpoint, qps=self.qps, progress=False)
        return await list_numbers(job, env=self.env, credentials=self.key().credentials)

    async def preview(self, run_id: str, sheet: str | None) -> SheetPreview:
        """The upload's sheets, columns and first rows (``preview_sheet``), in a thread."""
        run = self.get(run_id)
        return await anyio.to_thread.run_sync(preview_sheet, run.input_path, sheet)

    def start(self, run_id: str, options: RunOptions) -> WebRun:
        """Queue a run; it starts when the one before it ends. Starting twice is a no-op."""
        run = self.get(run_id)
        if run.record.state != "uploaded":
            return run
        run.record = replace(run.record, state="queued", options=options)
        run.save()
        self._spawn(run)
        return run

    def cancel(self, run_id: str) -> WebRun:
        """Stop a run: the calls in flight settle, nothing new is sent, the results are
        written with the rows not sent left pending (Create again sends them)."""
        run = self.get(run_id)
        if run.record.state in UNFINISHED:
            run.stop.set()
        return run

    def earlier_run(self, run: WebRun) -> WebRun | None:
        """The latest run of the same file (by content) that made or reused codes, if
        any: creating again reuses them, and the page says so before sending."""
        same = [
            r
            for r in self.history()
            if r.id != run.id
            and run.record.digest
            and r.record.digest == run.record.digest
            and any(r.counts().get(status, 0) for status in ("created", "reused"))
        ]
        return same[0] if same else None

    def resume(self) -> list[WebRun]:
        """Start again every run a stopped server left queued or running."""
        unfinished = [r for r in self._runs.values() if r.record.state in UNFINISHED]
        for run in sorted(unfinished, key=lambda r: r.record.created):
            log.info("web: resuming run %s (%s)", run.id, run.record.name)
            self._spawn(run)
        return unfinished

    def _spawn(self, run: WebRun) -> None:
        task = asyncio.get_running_loop().create_task(self._execute(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _execute(self, run: WebRun) -> None:
        """One run to its end. Cancelled (server stopping): left ``running`` to resume.
        Its words (the workbook's ErrorMessage and advice) are the page's: actions on the
        page, never a command-line flag (this task's context only)."""
        AUDIENCE.set("page")
        async with self._one_at_a_time:
            if run.stop.is_set():  # cancelled while it waited: nothing was sent
                run.record.state, run.record.cancelled = "finished", True
                run.record.finished = _now()
                run.save()
                return
            run.record.state = "running"
            run.save()
            job = self.job(run, run.record.options)
            run.progress = LiveProgress()
            run.progress.phase = "preparing"
            try:
                validated = await anyio.to_thread.run_sync(validate_input, job)
                run.record.rows = len(validated.rows)
                run.record.total = sum(r.request is not None for r in validated.rows)
                run.progress.prepare(validated)
                result = await run_batch(
                    job,
                    env=self.env,
                    credentials=self.key().credentials,
                    events=run.progress,
                    validated=validated,
                    stop=run.stop,
                    sandbox=self._kept_sandbox(run) if self.sandbox else None,
                )
            except QrbatchError as error:
                run.fail(error)
            except Exception as exc:  # a bug: say so on the page rather than spin forever
                log.exception("web: run %s failed", run.id)
                run.fail(exc)
            else:
                run.finish(result)
            run.save()
            make_private(run.folder)

    @staticmethod
    def _kept_sandbox(run: WebRun) -> KeptSandbox:
        """The serve process's simulated account, one for all its runs (as a real account
        is): the same sheet created again reuses its codes, as the page promises. Each run
        keeps its own journal, in a folder of the kept sandbox (gone with the process)."""
        kept = kept_sandbox()
        journals = kept.journals / run.id
        journals.mkdir(mode=0o700, exist_ok=True)
        return KeptSandbox(kept.world, journals)

    async def wait(self) -> None:
        """Until every run in progress has ended (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Stop the runs in progress; their journals keep every outcome for the resume."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _age(created: str) -> timedelta:
    try:
        return datetime.now(UTC) - datetime.fromisoformat(created)
    except ValueError:
        return timedelta.max


def make_private(folder: Path) -> None:
    """0600 files and 0700 folders under ``folder``: the engine writes outputs with the
    process's umask (``qrbatch serve`` sets 077; a library caller may not have)."""
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


def _remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
