"""Every command-line option, declared once: the same name, default and help everywhere.

A command takes groups of them (``COMMON``, ``CONNECTION``, ``INPUT``...) with
``options(...)``. Each option maps to a ``Job`` field of the same name (or to a
keyword of the library call), so the CLI stays a thin shell over the library.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

NOTE_IN_LANGUAGE = "\x00note"  # --pdf-note without a value

F = TypeVar("F", bound=Callable[..., Any])
Option = Callable[[F], F]


def options(*groups: list[Option[Any]]) -> Callable[[F], F]:
    """Apply option groups to a command, in order."""

    def decorate(func: F) -> F:
        for group in reversed(groups):
            for option in reversed(group):
                func = option(func)
        return func

    return decorate


def flag(*names: str, help: str) -> Option[Any]:  # noqa: A002 - click's own keyword
    """A boolean flag whose absence means "not given" (so a job file's value stands)."""
    return click.option(*names, is_flag=True, default=None, help=help)


# Every command ---------------------------------------------------------------------------
GIVEN_LANGUAGE = "qrbatch.language"  # ctx.meta: --language as given (None: not given)


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--language, else $QRBATCH_LANGUAGE, else the locale: this command's messages are in
    it from here on (a job file's ``language`` may change it when it is read)."""
    from qrbatch.words import LANGUAGES, default_language, say

    if value is None:  # qrbatch --language id validate ...: the group's (meta is shared)
        value = ctx.meta.get(GIVEN_LANGUAGE)
    ctx.meta[GIVEN_LANGUAGE] = value
    chosen = value or default_language()
    if chosen not in LANGUAGES:
        raise click.UsageError(say("job.language_env", value=chosen, audience="cli"), ctx)
    speak(chosen)


def speak(language: str) -> None:
    """The running command's messages in ``language`` until it ends."""
    from qrbatch.words import LANGUAGE

    ctx = click.get_current_context()
    token = LANGUAGE.set(language)
    ctx.call_on_close(lambda: LANGUAGE.reset(token))


def given_language() -> str | None:
    """``--language`` as given on this command line (None when it was not)."""
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(GIVEN_LANGUAGE)


LANGUAGE = click.option(
    "--language",
    type=click.Choice(["en", "id"], case_sensitive=False),
    callback=_language,
    expose_value=False,
    is_eager=True,
    help="Language of messages and of the results workbook: en (English) or id (Bahasa "
    "Indonesia). Default: $QRBATCH_LANGUAGE, else the locale (LANG=id_ID... gives id), "
    "else en.",
)
COMMON: list[Option[Any]] = [
    click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Log lines on stderr: plain sentences for people, or one JSON object per line "
        "for machines.",
    ),
    click.option("-v", "--verbose", count=True, help="More log lines (retries, throttling)."),
    click.option("-q", "--quiet", is_flag=True, help="Only warnings, errors and the closing line."),
    click.option(
        "--no-progress", is_flag=True, help="No progress bar (it only shows on a terminal)."
    ),
    LANGUAGE,
]

# Commands that call CAMS -----------------------------------------------------------------
ENDPOINT = click.option(
    "--endpoint",
    help="CAMS endpoint URL, or 'sandbox' for the built-in simulator. "
    "Default: $QRBATCH_ENDPOINT or https://cams.ap-southeast-1.aliyuncs.com.",
)
CONNECTION: list[Option[Any]] = [
    ENDPOINT,
    click.option(
        "--qps",
        type=float,
        help="Ceiling of API calls per second for the account (default 5); every action "
        "and retry shares it.",
    ),
    click.option("--timeout", type=float, help="Seconds to wait for each API answer (default 10)."),
    click.option(
        "--max-attempts",
        type=int,
        help="Attempts per call for transient failures (default 8); throttling retries "
        "until the time budget.",
    ),
    click.option("--profile", help="Credentials profile (aliyun CLI config or credentials.ini)."),
    click.option(
        "--outage-failures",
        type=int,
        metavar="N",
        help="Stop sending after this many failures in a row of a passing cause (the "
        "service down): unsent rows stay pending, exit 69 (default 20).",
    ),
    click.option(
        "--outage-seconds",
        type=float,
        metavar="N",
        help="Stop sending when calls keep failing and none was accepted for this long "
        "(default 60).",
    ),
]

REGISTRY: list[Option[Any]] = [
    click.option(
        "--registry",
        metavar="local|off|URL",
        help="Where runs of one account share its rate and claims: local (every run on "
        "this computer), off, or a Redis URL (redis://, rediss://, unix://) shared by "
        "every host that names it. Default: $QRBATCH_REGISTRY or local.",
    ),
    click.option(
        "--registry-wait",
        type=float,
        metavar="N",
        help="Seconds a Redis registry may stay unreachable mid-run before the run stops "
        "sending Creates and Updates (exit 69, unsent rows pending; default 60).",
    ),
]
CONNECTION += REGISTRY

# Commands that keep a journal ------------------------------------------------------------
STATE_DIR = click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    help="Folder for qrbatch's own files: the journal and ledger (default: beside the "
    "output); for serve, uploads and runs (default: ~/.local/state/qrbatch/web).",
)
JOURNAL: list[Option[Any]] = [
    STATE_DIR,
    flag("--fresh", help="Forget the journal of earlier runs and start over."),
    flag("--wait", help="If another run holds the journal, wait for it instead of refusing."),
]

# Commands that read a sheet --------------------------------------------------------------
SHEET: list[Option[Any]] = [
    click.option(
        "--sheet", help="Excel sheet to read (default: the visible one with the needed columns)."
    ),
    click.option(
        "--header-row", type=int, help="Row number of the header (default: found by its names)."
    ),
    click.option("--encoding", help="Text encoding of a CSV file (default: detected)."),
    click.option(
        "--default-region",
        help="Region (e.g. ID, SG) for national numbers written without a country code.",
    ),
]
IMAGE_TYPE = click.option(
    "--image-type",
    type=click.Choice(["PNG", "SVG"], case_sensitive=False),
    help="QR image type for rows that do not say (default PNG).",
)
CUST_SPACE_ID = click.option(
    "--cust-space-id",
    help="CustSpaceId for rows that do not say (ISV sub-customer space or instance ID).",
)
COLUMNS: list[Option[Any]] = [
    click.option(
        "--phone-column", help="Name of the phone column (default: PhoneNumber, Phone, ...)."
    ),
    click.option(
        "--message-column",
        help="Name of the message column (default: PrefilledMessage, Message, ...).",
    ),
    click.option(
        "--country-column",
        help="Name of a column with each row's country (ID, SG, MX...) for national numbers "
        "(default: Country, Negara, País, ...).",
    ),
    IMAGE_TYPE,
    CUST_SPACE_ID,
]

# run -------------------------------------------------------------------------------------
RUN: list[Option[Any]] = [
    click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help="Results workbook (.xlsx, or .csv for the Results table only). "
        "Default: <input stem>.results.xlsx beside the input.",
    ),
    click.option(
        "--metrics-file",
        type=click.Path(path_type=Path),
        help="After every run, write its metrics here in the Prometheus text format "
        "(node_exporter's textfile collector): exit code, time, rows by status, calls.",
    ),
    click.option(
        "--settle-seconds",
        type=float,
        metavar="N",
        help="A drop folder's file changed more recently than this is left for the next "
        "run: it may still be uploading (default 60).",
    ),
    flag(
        "--always-create",
        help="Create new codes even when the number already has one with the same message.",
    ),
    click.option(
        "--no-images",
        is_flag=True,
        help="Do not download QR images nor embed thumbnails in the workbook.",
    ),
    flag(
        "--move-processed",
        help="Drop folders: move each finished file into processed/ inside the folder.",
    ),
]

# printing: run and pdf ------------------------------------------------------------------
PRINT: list[Option[Any]] = [
    click.option(
        "--label-column",
        help="Column whose text heads each code's caption, e.g. a store name "
        "(default: the phone number).",
    ),
    click.option(
        "--pdf-layout",
        type=click.Choice(["cards", "labels", "poster"]),
        help="cards: one code per A6/A5 page (table tents); labels: a sticker sheet; "
        "poster: one big code per page (default cards).",
    ),
    click.option(
        "--pdf-paper",
        help="cards: a6, a5; labels: a4-3x7, letter-3x10, a4-3x4, letter-3x4; poster: a4, "
        "a3, letter (default: the layout's first).",
    ),
    click.option(
        "--pdf-size",
        type=float,
        help="Side of each printed code in mm, quiet zone included (default: as large as fits).",
    ),
    click.option(
        "--pdf-note",
        is_flag=False,
        flag_value=NOTE_IN_LANGUAGE,
        callback=lambda _ctx, _param, value: True if value == NOTE_IN_LANGUAGE else value,
        help="A line printed with every code in the PDF, e.g. 'Scan to chat with us'; "
        "--pdf-note alone prints that line in the run's --language.",
    ),
    click.option(
        "--image-format",
        type=click.Choice(["png", "svg"], case_sensitive=False),
        help="Image files: PNG (print resolution) or SVG for designers (default png).",
    ),
    click.option("--image-size", type=float, help="Printed side of each image in mm (default 30)."),
    click.option("--image-dpi", type=int, help="Resolution of PNG images (default 300)."),
    click.option(
        "--image-names",
        help="File name template: {row}, {label}, {phone}, {code} or any column, e.g. "
        "'{Store}_{code}' (default: row{row}_{phone}_{code}; in the ZIP {label}_{code}).",
    ),
]
PDF_AND_ZIP: list[Option[Any]] = [
    flag("--pdf", help="Also write <output stem>.pdf: the codes with captions, to print."),
    flag("--zip", help="Also write <output stem>.zip: the images and a manifest CSV."),
]

# update / delete -------------------------------------------------------------------------
YES = click.option(
    "-y", "--yes", is_flag=True, help="Do not ask for confirmation (needed off a terminal)."
)


def code_output(action: str) -> Option[Any]:
    """-o for update and delete: the default named for the action, in words."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help=f"Results workbook (default: <input stem>.{action}d.xlsx beside the input).",
    )
