"""The command line: a thin shell that parses flags into a Job, calls the library,
translates errors into words and exit codes. The event loop starts here and nowhere else.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import anyio
import click

from qrbatch.cli.options import (
    COLUMNS,
    COMMON,
    CONNECTION,
    CUST_SPACE_ID,
    ENDPOINT,
    IMAGE_TYPE,
    JOURNAL,
    LANGUAGE,
    PDF_AND_ZIP,
    PRINT,
    REGISTRY,
    RUN,
    SHEET,
    STATE_DIR,
    YES,
    code_output,
    given_language,
    options,
    speak,
)
from qrbatch.errors import ConfigError, QrbatchError, RegistryUnavailableError
from qrbatch.run.exit_codes import ExitCode, worst
from qrbatch.run.logs import LogFormat, event, is_json, outcome_level, say, setup_logging
from qrbatch.version import VERSION
from qrbatch.words import AUDIENCE
from qrbatch.words import say as words

if TYPE_CHECKING:  # the rest loads in the command that needs it: --help stays instant
    from qrbatch.engine.events import Subscriber
    from qrbatch.outputs.results import Summary
    from qrbatch.rows.codes import CodeAction
    from qrbatch.run.commands import DropFile
    from qrbatch.run.finish import RunResult
    from qrbatch.run.progress import ProgressBar
    from qrbatch.run.settings import Job
    from qrbatch.run.validation import Validated

T = TypeVar("T")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(error: QrbatchError) -> NoReturn:
    """One clear line (a JSON ``error`` event with --log-format json), then the exit code."""
    code = int(getattr(error, "exit_code", ExitCode.USAGE))
    event(logging.ERROR, "error", str(error), exit_code=code, error=type(error).__name__)
    sys.exit(code)


def _interrupted() -> NoReturn:
    event(
        logging.WARNING,
        "interrupted",
        words("cli.interrupted"),
        exit_code=int(ExitCode.INTERRUPTED),
    )
    sys.exit(ExitCode.INTERRUPTED)


def _sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM before or after the run (e.g. during --wait): exit 130


def _start(log_format: LogFormat, verbose: int, quiet: bool) -> None:
    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    signal.signal(signal.SIGTERM, _sigterm)


def _events(no_progress: bool, quiet: bool) -> tuple[Subscriber | None, ProgressBar | None]:
    from qrbatch.run.progress import ProgressBar

    if no_progress or quiet or not sys.stderr.isatty():
        return None, None
    bar = ProgressBar()
    return bar, bar


def _call(func: Callable[..., Coroutine[Any, Any, T]], bar: ProgressBar | None, **kwargs: Any) -> T:
    try:
        return anyio.run(functools.partial(func, **kwargs))
    finally:
        if bar is not None:
            bar.stop()


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(VERSION, prog_name="qrbatch")
@LANGUAGE
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn a spreadsheet of WhatsApp business numbers and prefilled messages into
    WhatsApp message QR codes with Alibaba Cloud CAMS (CreatePhoneMessageQrdl).

    \b
    Exit codes: 0 every row done; 1 some rows failed or invalid (outputs written);
    2 usage, configuration or input-file error (no API call made); 3 stopped by an
    account-level error; 69 the service unavailable (unsent rows pending: rerun later);
    74 results not written (disk full: rerun writes them);
    75 the journal is in use by another run (try later);
    130 interrupted (the journal is kept, a rerun resumes).

    \b
    Example:
      qrbatch run sample_inputs/campaign.xlsx --endpoint sandbox
    """
    token = AUDIENCE.set("cli")  # every message of this command names flags
    ctx.call_on_close(lambda: AUDIENCE.reset(token))
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


# run -------------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path))
@options(RUN, CONNECTION, SHEET, COLUMNS, JOURNAL, PDF_AND_ZIP, PRINT, COMMON)
def run(
    source: Path,
    no_progress: bool,
    no_images: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """Create a QR code for every row of SOURCE (a .xlsx/.csv sheet, a .toml job file, or
    a drop folder) and write the results workbook.

    \b
    Exit codes: 0 all rows created or reused; 1 some rows failed or invalid;
    2 usage, configuration or input-file error (no API call made);
    3 stopped by an account-level error; 69 the service unavailable (unsent rows
    pending: rerun later); 74 results not written (disk full); 75 journal in use by
    another run; 130 interrupted (rerun resumes).

    \b
    Example:
      qrbatch run campaign.xlsx -o campaign.results.xlsx --endpoint sandbox
    """
    from qrbatch.run.drops import is_drop_input

    _start(log_format, verbose, quiet)
    started = time.time()
    metrics = _Metrics(flags.get("metrics_file"), source.stem, started)
    try:
        if no_images:
            flags["images"] = False
        job = _job(source, flags)
        metrics.path = job.metrics_file
        if is_drop_input(job.input):
            code, files = _run_drop(job, no_progress or not job.progress, quiet, source)
            metrics.write(code, [f.result.summary for f in files if f.result is not None])
            sys.exit(code)
        result = _run_one(job.with_output_filled(), no_progress or not job.progress, quiet)
    except QrbatchError as error:
        metrics.write(int(getattr(error, "exit_code", ExitCode.USAGE)), [])
        _fail(error)
    except KeyboardInterrupt:
        metrics.write(ExitCode.INTERRUPTED, [])
        _interrupted()
    except OSError as error:  # entry() says it; the metrics must say it too
        metrics.write(ExitCode.OUTPUT if error.errno in NO_ROOM else 70, [])
        raise
    metrics.write(result.exit_code, [result.summary])
    _finish_command(result)


class _Metrics:
    """``--metrics-file``: written at the end of every run, whatever its exit code."""

    def __init__(self, path: Path | None, job: str, started: float) -> None:
        # A drop night or one run: its exit code, rows and calls, whatever path it ends by
        self.path, self.job, self.started = path, job, started

    def write(self, code: int, summaries: list[Summary]) -> None:
        if self.path is None:
            return
        from qrbatch.run.metrics import write_metrics

        ended = time.time()
        try:
            write_metrics(
                self.path,
                job=self.job,
                exit_code=int(code),
                ended=ended,
                seconds=ended - self.started,
                summaries=summaries,
            )
        except OSError as error:
            event(
                logging.ERROR,
                "error",
                f"{self.path}: the metrics file could not be written ({error.strerror})",
                file=str(self.path),
            )


def _run_one(job: Job, no_progress: bool, quiet: bool) -> RunResult:
    from qrbatch.run.commands import run_batch

    subscriber, bar = _events(no_progress, quiet)
    if job.is_sandbox:
        event(
            logging.WARNING,
            "sandbox",
            words("cli.sandbox_run"),
        )
    return _call(run_batch, bar, job=job, events=subscriber, handle_signals=True)


def _run_drop(
    job: Job, no_progress: bool, quiet: bool, source: Path
) -> tuple[int, list[DropFile]]:
    """Each new file of a drop folder, once; the exit code means what a single run's does."""
    from qrbatch.run.commands import drop_exit_code, run_drop
    from qrbatch.run.drops import MAX_TRIES

    subscriber, bar = _events(no_progress, quiet)

    def on_file(item: DropFile) -> None:
        if item.error is not None:
            said = str(item.error)  # most errors name the file already
            line = said if str(item.source) in said else f"{item.source}: {said}"
            event(logging.ERROR, "error", line, file=str(item.source.resolve()))
            if item.state == "gave_up":  # unusable three nights running: say what now
                event(
                    logging.ERROR,
                    "drop_gave_up",
                    words("cli.drop_unusable_gave_up", file=item.source.name, tries=item.tries,
                          retry=f"qrbatch drop retry {source} {item.source}"),  # fmt: skip
                    file=str(item.source.resolve()),
                    tries=item.tries,
                )
            return
        assert item.result is not None
        _say_result(item.result)
        if item.state == "retry":
            event(
                logging.WARNING,
                "drop_retry",
                words("cli.drop_retry", file=item.source.name, tries=item.tries,
                      most=MAX_TRIES),  # fmt: skip
                file=str(item.source.resolve()),
                tries=item.tries,
            )
        elif item.state == "gave_up":
            event(
                logging.ERROR,
                "drop_gave_up",
                words("cli.drop_gave_up", file=item.source.name, tries=item.tries,
                      results=item.result.output,
                      retry=f"qrbatch drop retry {source} {item.source}"),  # fmt: skip
                file=str(item.source.resolve()),
                tries=item.tries,
            )
        if item.moved_to is not None:
            moved = words("cli.moved", file=item.source.name, folder=item.moved_to)
            say(moved, "moved", file=str(item.source.resolve()))

    files = _call(run_drop, bar, job=job, events=subscriber, handle_signals=True, on_file=on_file)
    if not files:
        say(words("cli.nothing_new", folder=job.input), "nothing_new",
            folder=str(job.input.resolve()))  # fmt: skip
    code = int(drop_exit_code(files))
    _job_end(job, files, code)
    return code, files


def _job_end(job: Job, files: list[DropFile], code: int) -> None:
    """The night's last line: the overall exit code and what became of each file."""
    per_file = {
        str(item.source.resolve()): {
            "state": item.state,
            "exit_code": int(item.result.exit_code)
            if item.result is not None
            else int(getattr(item.error, "exit_code", ExitCode.USAGE)),
            **(item.result.summary.statuses if item.result is not None else {}),
        }
        for item in files
    }
    event(
        outcome_level(code),
        "job_end",
        f"{len(files)} file(s) run from {job.input}; exit code {code}",
        folder=str(job.input.resolve()),
        exit_code=code,
        files=per_file,
    )


def _job(source: Path, flags: dict[str, Any]) -> Job:
    from qrbatch.run.settings import build_job, load_job_file

    is_job = source.suffix.lower() == ".toml"
    settings = load_job_file(source) if is_job else {"input": source}
    if flags.get("image_type"):
        flags["image_type"] = flags["image_type"].upper()
    job = build_job(settings, {**flags, "language": given_language()})
    speak(job.language or "en")  # a job file's language: its messages too
    return job


def _say_result(result: RunResult) -> None:
    if result.exit_code == ExitCode.INTERRUPTED:
        event(logging.WARNING, "interrupted", words("cli.interrupted"))
    if result.stopped_by:
        event(logging.ERROR, "stopped", f"stopped by an account-level error: {result.stopped_by}")
    if result.summary.images_folder and result.summary.images is not None:
        say(words("cli.images", folder=result.summary.images_folder), "images")
    for path in result.summary.printed:
        module = result.summary.print_module_mm
        if path.endswith(".pdf") and module is not None:
            say(words("cli.pdf_run_modules", file=path, mm=f"{module:.2f}"), "printed",
                file=path, module_mm=module)  # fmt: skip
        else:
            say(f"{'PDF' if path.endswith('.pdf') else 'ZIP'}: {path}", "printed", file=path)
    if not is_json():  # with JSON logs, run_end carries it
        click.echo(result.summary.line())  # last: the line a cron mail or a script reads


def _finish_command(result: RunResult) -> NoReturn:
    _say_result(result)
    sys.exit(result.exit_code)


# drop --------------------------------------------------------------------------------------


@main.group(context_settings=CONTEXT)
def drop() -> None:
    """Drop folders: a job whose input is a folder takes each new file once; this
    manages what the folder's ledger remembers.

    \b
    Example:
      qrbatch drop retry jobs/nightly.toml drop/shops.xlsx
    """


@drop.command(name="retry", context_settings=CONTEXT)
@click.argument("job_file", type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@options(COMMON)
def drop_retry(
    job_file: Path,
    file: Path,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
) -> None:
    """Let the next run of JOB_FILE take FILE again (a file given up after three runs, or
    one to send again), without touching the other files of the folder.

    \b
    Example:
      qrbatch drop retry jobs/nightly.toml drop/shops.xlsx
    """
    from qrbatch.run.drops import forget, is_drop_input, ledger_path

    _start(log_format, verbose, quiet)
    try:
        job = _job(job_file, {})
        if not is_drop_input(job.input):
            raise ConfigError(f"{job_file}: its input {job.input} is not a drop folder")
        source = file if file.exists() or not job.input.is_dir() else job.input / file
        if not source.is_file():
            raise ConfigError(f"{file}: no such file (in {job.input} either)")
        forgotten = forget(ledger_path(job), source)
    except QrbatchError as error:
        _fail(error)
    said = "the next run takes it again" if forgotten else "not taken yet: the next run takes it"
    say(f"{source}: {said}", "drop_retry_set", file=str(source.resolve()), forgotten=forgotten)
    sys.exit(ExitCode.OK)


# state -----------------------------------------------------------------------------------


@main.group(context_settings=CONTEXT)
def state() -> None:
    """qrbatch's own files in its state folder ($QRBATCH_STATE_DIR, else
    ~/.local/state/qrbatch): the journals of notebook runs.

    \b
    Example:
      qrbatch state prune --older-than 30 --dry-run
    """


@state.command(name="prune", context_settings=CONTEXT)
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    metavar="DAYS",
    help="Remove the journals not written for this many days.",
)
@click.option("--dry-run", is_flag=True, help="Only say which journals would be removed.")
@options(COMMON)
def state_prune(
    older_than: float,
    dry_run: bool,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
) -> None:
    """Remove old journals of notebook runs (create_codes in Python) from the state
    folder. A journal a run holds is kept, however old; a later run of those rows finds
    their codes again by listing each number, so nothing is created twice.

    \b
    Example:
      qrbatch state prune --older-than 30 --dry-run
    """
    from qrbatch.run.prune import prune_journals

    _start(log_format, verbose, quiet)
    pruned = prune_journals(older_than, dry_run=dry_run)
    for journal in pruned.removed:
        say(f"  {journal.name}", "journal_pruned", journal=str(journal), dry_run=dry_run)
    for journal in pruned.in_use:
        say(f"  {journal.name}: in use, kept", "journal_in_use", journal=str(journal))
    say(
        pruned.line(),
        "state_pruned",
        folder=str(pruned.folder),
        removed=len(pruned.removed),
        in_use=len(pruned.in_use),
        kept=pruned.kept,
        freed_bytes=pruned.freed,
        dry_run=dry_run,
    )
    sys.exit(ExitCode.OK)


# validate --------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path))
@options(SHEET, COLUMNS, COMMON)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Also write a workbook of the checked rows (nothing is written otherwise).",
)
@click.option(
    "--against-account",
    is_flag=True,
    help="Also check each number against the account's own WhatsApp numbers: one "
    "QueryChatappPhoneNumbers call, no other.",
)
@options(CONNECTION)
def validate(
    source: Path,
    output: Path | None,
    against_account: bool,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """Check every row of SOURCE before any code is made; print the problems by row.
    No API call, unless --against-account asks the account for its numbers (one call).

    Exits 0 when every row is valid, 1 otherwise, 2 when the file cannot be used.

    \b
    Example:
      qrbatch validate campaign.xlsx --against-account
    """
    from qrbatch.run.drops import is_drop_input
    from qrbatch.run.validation import validate_input, write_validation

    _start(log_format, verbose, quiet)
    try:
        job = _job(source, flags)
        if is_drop_input(job.input):
            sys.exit(_validate_drop(job))
        validated = validate_input(job)
        if against_account:
            from qrbatch.run.commands import check_against_account

            validated = _call(check_against_account, None, job=job, validated=validated)
        if output is not None:
            write_validation(output, job, validated)
    except QrbatchError as error:
        _fail(error)
    except KeyboardInterrupt:
        _interrupted()
    sys.exit(_report_validation(validated, log_format))


def _report_validation(validated: Validated, log_format: LogFormat, prefix: str = "") -> int:
    problems = [r for r in validated.rows if r.state == "invalid"]
    skipped = sum(r.state == "skipped" for r in validated.rows)
    for row in problems[:200]:
        event(
            logging.WARNING if log_format == "json" else logging.INFO,
            "row_problem",
            prefix
            + words(
                "cli.row_problem",
                row=row.row.number,
                code=row.error_code,
                message=row.error_message,
            ),
            file=str(validated.sheet.path),
            row=row.row.number,
            code=row.error_code,
        )
    if len(problems) > 200:
        event(logging.INFO, "row_problem", words("cli.more_problems", count=len(problems) - 200))
    valid = len(validated.rows) - len(problems) - skipped
    line = prefix + words(
        "cli.validate_end",
        rows=len(validated.rows),
        valid=valid,
        invalid=len(problems),
        blank=skipped,
    )
    event(
        logging.INFO,
        "validate_end",
        line,
        file=str(validated.sheet.path),
        sheet=validated.sheet.sheet_name,
        rows=len(validated.rows),
        valid=valid,
        invalid=len(problems),
        blank=skipped,
    )
    if log_format != "json":
        click.echo(line)
    return int(ExitCode.ROWS_FAILED if problems else ExitCode.OK)


def _validate_drop(job: Job) -> int:
    """Every file a drop run would take now, checked; the exit code is the worst."""
    from qrbatch.run.validation import validate_drop

    fmt: LogFormat = "json" if is_json() else "text"
    codes: list[int] = []
    checked = validate_drop(job)
    if not checked:
        say(f"nothing new in {job.input}", "nothing_new", folder=str(job.input.resolve()))
    for source, outcome in checked:
        if isinstance(outcome, QrbatchError):
            event(logging.ERROR, "error", f"{source}: {outcome}", file=str(source))
            codes.append(int(getattr(outcome, "exit_code", ExitCode.USAGE)))
        else:
            codes.append(_report_validation(outcome, fmt, prefix=f"{source.name}: "))
    return int(worst(*codes))


# list / update / delete ------------------------------------------------------------------


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; never prompt elsewhere: refuse without --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError(f"{question} {words('cli.refuse_without_yes', flag='--yes')}")
    if not click.confirm(question, default=False):
        click.echo(words("cli.nothing_done"), err=True)
        sys.exit(ExitCode.USAGE)


@main.command(name="list", context_settings=CONTEXT)
@click.argument("phones", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("codes.xlsx"),
    show_default=True,
    help="Workbook of the live codes.",
)
@options([CUST_SPACE_ID], CONNECTION, COMMON)
@click.option(
    "--default-region",
    help="Region (e.g. ID, SG) for national numbers written without a country code.",
)
def list_command(
    phones: tuple[str, ...],
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """Export the live QR codes of one or more business numbers (PHONES) to a workbook.

    The workbook has the Results layout (Status "listed"), so it can be edited and handed
    to "qrbatch update", or handed to "qrbatch delete".

    \b
    Example:
      qrbatch list 6281234567890 6591234567 -o codes.xlsx
    """
    from qrbatch.run.commands import list_codes
    from qrbatch.run.settings import Job

    _start(log_format, verbose, quiet)
    try:
        flags = {k: v for k, v in flags.items() if v is not None}
        job = Job(
            input=flags["output"], images=False, progress=False, **flags, language=given_language()
        )
        result = _call(list_codes, None, phones=phones, job=job)
    except QrbatchError as error:
        _fail(error)
    except KeyboardInterrupt:
        _interrupted()
    _finish_command(result)


def _codes_command(
    action: CodeAction,
    source: Path,
    yes: bool,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    flags: dict[str, Any],
) -> None:
    from qrbatch.run.commands import delete_codes, update_codes
    from qrbatch.run.settings import Job
    from qrbatch.run.validation import read_code_sheet

    _start(log_format, verbose, quiet)
    try:
        flags = {k: v for k, v in flags.items() if v is not None}
        if flags.get("image_type"):
            flags["image_type"] = flags["image_type"].upper()
        flags.setdefault("output", source.with_name(f"{source.stem}.{action}d.xlsx"))
        job = Job(input=source, images=False, progress=False, **flags, language=given_language())
        checked = read_code_sheet(job, action)
        count = sum(c.request is not None for c in checked[1])
        numbers = len({c.request.phone for c in checked[1] if c.request is not None})
        question = words(f"cli.confirm_{action}", count=count, numbers=numbers)
        _confirm(question, yes)
        subscriber, bar = _events(no_progress, quiet)
        result = _call(
            update_codes if action == "update" else delete_codes,
            bar,
            job=job,
            events=subscriber,
            handle_signals=True,
            checked=checked,
        )
    except QrbatchError as error:
        _fail(error)
    except KeyboardInterrupt:
        _interrupted()
    _finish_command(result)


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path))
@options([code_output("update"), YES, IMAGE_TYPE], SHEET, CONNECTION, JOURNAL, COMMON)
def update(source: Path, yes: bool, no_progress: bool, **flags: Any) -> None:
    """Change the messages of the codes in SOURCE (phone, QrdlCode and message columns,
    e.g. an edited list workbook). Unchanged messages are skipped. Warning: the service
    answers each update with a new code and QR image; the results hold the new code, and
    printed copies of the old one must be replaced.

    \b
    Example:
      qrbatch update codes.xlsx --yes
    """
    log_format, verbose, quiet = flags.pop("log_format"), flags.pop("verbose"), flags.pop("quiet")
    _codes_command("update", source, yes, no_progress, log_format, verbose, quiet, flags)


@main.command(context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path))
@options([code_output("delete"), YES], SHEET, CONNECTION, JOURNAL, COMMON)
def delete(source: Path, yes: bool, no_progress: bool, **flags: Any) -> None:
    """Delete the QR codes listed in SOURCE (a results or list workbook, or any sheet with
    phone and QrdlCode columns). Paced, retried, journaled; a rerun resumes.

    \b
    Example:
      qrbatch delete campaign.results.xlsx --yes
    """
    log_format, verbose, quiet = flags.pop("log_format"), flags.pop("verbose"), flags.pop("quiet")
    _codes_command("delete", source, yes, no_progress, log_format, verbose, quiet, flags)


# numbers ---------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Also write the table to a workbook (.xlsx).",
)
@options([CUST_SPACE_ID], CONNECTION, COMMON)
def numbers(
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """List the account's WhatsApp numbers (QueryChatappPhoneNumbers): the business name
    WhatsApp shows, status, quality rating, messaging tier and how many live QR codes each
    holds (one List per number). Codes are made only for the account's usable numbers.

    \b
    Example:
      qrbatch numbers -o numbers.xlsx
    """
    from qrbatch.run.commands import list_numbers
    from qrbatch.run.settings import Job

    _start(log_format, verbose, quiet)
    try:
        flags = {k: v for k, v in flags.items() if v is not None}
        output = flags.pop("output", None)
        # The input is the account itself: a name no output can be mistaken for.
        account = Path("QueryChatappPhoneNumbers")
        job = Job(input=account, output=output, images=False, **flags, language=given_language())
        reports = _call(list_numbers, None, job=job)
    except QrbatchError as error:
        _fail(error)
    except KeyboardInterrupt:
        _interrupted()
    rows = [tuple("" if v is None else str(v) for v in r.cells()) for r in reports]
    header = (*words("cli.numbers_header").split("|"), "")
    if is_json():
        for report in reports:
            number = report.number
            event(
                logging.INFO,
                "number",
                f"+{number.phone} {number.verified_name}: {number.status}",
                phone=f"+{number.phone}",
                business_name=number.verified_name,
                status=number.status,
                quality=number.quality_rating,
                tier=number.messaging_limit_tier,
                live_codes=report.live_codes,
            )
    elif not quiet:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        for line in (header, *rows):
            click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    usable = sum(r.number.usable for r in reports)
    say(
        words("cli.numbers_end", numbers=len(reports), usable=usable)
        + (f" -> {output}" if output else ""),
        "numbers_end",
        numbers=len(reports),
        usable=usable,
    )
    sys.exit(ExitCode.OK)


# accounts --------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@options(REGISTRY[:1], [STATE_DIR])
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def accounts(registry: str | None, state_dir: Path | None, as_json: bool) -> None:
    """Show who uses each account now, as the account registry sees it: its shared rate
    and ceiling, recent sends and throttles (Redis), and each run with its host, pid,
    command, lease, rows done of total and claims held. No API call is made.

    \b
    Example:
      qrbatch accounts --registry redis://cache.internal:6379/0
    """
    import json

    from qrbatch.run.accounts import account_lines, account_records, list_accounts

    setup_logging()
    try:
        views = anyio.run(functools.partial(list_accounts, registry=registry, state_dir=state_dir))
    except RegistryUnavailableError as error:
        event(logging.ERROR, "error", f"cannot read the account registry in {error.folder}: "
              f"{error.cause}", exit_code=error.exit_code)  # fmt: skip
        sys.exit(error.exit_code)
    except QrbatchError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps({"accounts": account_records(views)}, indent=2))
    elif not views:
        click.echo("no qrbatch run is using an account now")
    else:
        for line in account_lines(views):
            click.echo(line)
    sys.exit(ExitCode.OK)


# sandbox ---------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.option(
    "--port", type=int, default=8765, show_default=True, help="Loopback port to listen on."
)
@click.option(
    "--qps",
    type=float,
    default=5.0,
    show_default=True,
    help="Calls per second allowed per account.",
)
@click.option(
    "--limiter",
    type=click.Choice(["sliding", "fixed", "bucket"]),
    default="sliding",
    show_default=True,
    help="Server rate-limit algorithm.",
)
@click.option(
    "--latency",
    type=(float, float),
    default=(0.0, 0.0),
    show_default=True,
    help="Answer latency range in seconds (MIN MAX).",
)
@click.option(
    "--number",
    "numbers",
    multiple=True,
    help="Extra business number of the account, PHONE[:STATUS[:NAME]] (e.g. "
    "6281234567001:FLAGGED:Kios Budi); repeatable. Status as QueryChatappPhoneNumbers "
    "says it (CONNECTED, FLAGGED, BANNED...).",
)
@click.option(
    "--unavailable",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of calls answered 503 ServiceUnavailable (try a night with the service down).",
)
@click.option(
    "--retry-after-ms", type=int, help="Send x-acs-retry-after (milliseconds) on throttling."
)
@click.option(
    "--error-format",
    type=click.Choice(["json", "xml"]),
    default="json",
    show_default=True,
    help="Body of error answers.",
)
@options(COMMON)
def sandbox(
    port: int,
    qps: float,
    limiter: str,
    latency: tuple[float, float],
    numbers: tuple[str, ...],
    unavailable: float,
    retry_after_ms: int | None,
    error_format: str,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
) -> None:
    """Serve the built-in CAMS simulator on 127.0.0.1 until Ctrl-C.

    It knows one demo AccessKey (printed at start) and the sample inputs' business
    numbers; it checks signatures, nonces, clock skew and the 5 calls/s limit.

    \b
    Example:
      qrbatch sandbox --port 8765
    """
    from qrbatch.sandbox import (
        DEMO_KEY_ID,
        DEMO_KEY_SECRET,
        DEMO_NUMBERS,
        Faults,
        Sandbox,
        SandboxConfig,
        World,
        serve_forever,
    )
    from qrbatch.sandbox.state import parse_number_spec

    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    try:
        specs = [parse_number_spec(text) for text in numbers]
    except ValueError as error:
        _fail(ConfigError(f"--number: {error}"))
    world = World.demo(numbers=(*DEMO_NUMBERS, *specs))
    config = SandboxConfig(
        qps=qps,
        limiter=limiter,  # type: ignore[arg-type]
        latency=latency,
        retry_after_ms=retry_after_ms,
        error_format=error_format,  # type: ignore[arg-type]
        faults=Faults(
            unavailable=unavailable,
            actions=frozenset(
                {"CreatePhoneMessageQrdl", "UpdatePhoneMessageQrdl", "DeletePhoneMessageQrdl"}
            ),
        ),
    )
    url = f"http://127.0.0.1:{port}"
    business = ", ".join(sorted(world.accounts["demo"].numbers))
    if log_format == "json":
        event(
            logging.INFO,
            "sandbox_start",
            f"sandbox: {url} (simulated CAMS; Ctrl-C stops)",
            url=url,
            access_key_id=DEMO_KEY_ID,
            numbers=business,
        )
    else:
        click.echo(f"qrbatch sandbox: {url} (simulated CAMS; Ctrl-C stops)")
        click.echo(f"  export ALIBABA_CLOUD_ACCESS_KEY_ID={DEMO_KEY_ID}")
        click.echo(f"  export ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEMO_KEY_SECRET}")
        click.echo(f"  business numbers: {business}")
    try:
        anyio.run(lambda: serve_forever(Sandbox(world, config), port=port))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        _fail(ConfigError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}"))


# pdf -------------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.argument("results", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The PDF (default: <results stem>.pdf beside the workbook).",
)
@options([PDF_AND_ZIP[1]], PRINT, COMMON)
def pdf(
    results: Path,
    output: Path | None,
    zip: bool | None,  # noqa: A002 - the option's name
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """Make the PDF of labelled codes (and with --zip the images and manifest) from
    RESULTS, any results or list workbook. No API call, no credentials needed.

    \b
    Example:
      qrbatch pdf campaign.results.xlsx --label-column Store --pdf-layout labels
    """
    from qrbatch.outputs.printing import (
        items_from_workbook,
        smallest_module_mm,
        write_pdf,
        write_zip,
    )
    from qrbatch.run.finish import REAL_DATA, results_data
    from qrbatch.run.settings import Job

    _start(log_format, verbose, quiet)
    try:
        settings = {k: v for k, v in flags.items() if v is not None}
        job = Job(input=results, output=results, **settings, language=given_language())
        target = output or results.with_suffix(".pdf")
        if target.resolve() == results.resolve():
            raise ConfigError(f"{target}: the PDF would overwrite the workbook; pass -o X.pdf")
        options = job.print_options()
        if results_data(results) not in (None, REAL_DATA):  # a sandbox run's codes
            banner = words("workbook.print.sandbox_banner", language=job.language)
            options = replace(options, banner=banner)
        refused: list[int] = []
        items = items_from_workbook(  # read once, for the PDF and the ZIP
            results, label_column=options.label_column, refused=refused
        )
        pages = write_pdf(items, target, options)
        module = smallest_module_mm(items, options)
        if module is None:
            say(words("cli.pdf", file=target, pages=pages), "printed", file=str(target),
                pages=pages)  # fmt: skip
        else:
            say(words("cli.pdf_modules", file=target, pages=pages, mm=f"{module:.2f}"),
                "printed", file=str(target), pages=pages, module_mm=module)  # fmt: skip
        if zip:
            bundle = target.with_suffix(".zip")
            images = write_zip(items, bundle, options)
            say(
                words("cli.zip", file=bundle, images=images),
                "printed",
                file=str(bundle),
                images=images,
            )
        if refused:
            _refused_links(results, refused)
            sys.exit(ExitCode.ROWS_FAILED)
    except QrbatchError as error:
        _fail(error)
    except OSError as error:
        _fail(ConfigError(f"{error.filename}: {error.strerror}"))


def _refused_links(source: Path, rows: list[int]) -> None:
    more = f" and {len(rows) - 20} more" if len(rows) > 20 else ""
    shown = ", ".join(map(str, rows[:20])) + more
    event(
        logging.WARNING,
        "not_printed",
        f"{source}: rows {shown} were left out: their link is not the WhatsApp message link "
        "of their QrdlCode (the workbook was edited?), so they would not open the chat the "
        "code was made for",
        file=str(source),
        rows=rows,
    )


# serve -----------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.option(
    "--port", type=int, default=8780, show_default=True, help="Port to listen on (0: any free)."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than 127.0.0.1 only on purpose (the token is "
    "still needed, and TLS or --insecure-http).",
)
@click.option(
    "--certfile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TLS certificate (PEM) to serve the page over HTTPS; needed with --host beyond "
    "this computer.",
)
@click.option(
    "--keyfile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The certificate's private key (PEM), when not in --certfile.",
)
@click.option(
    "--insecure-http",
    is_flag=True,
    help="Serve plain HTTP beyond this computer (the token crosses the network in clear).",
)
@click.option("--no-browser", is_flag=True, help="Print the address only; do not open a browser.")
@click.option(
    "--new-token",
    is_flag=True,
    help="Replace the page's lasting token: every address printed before stops working.",
)
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="Ask for a sign-in password on the terminal (stored as a scrypt hash): the page "
    "then offers a sign-in form, for a team server.",
)
@click.option("--no-password", is_flag=True, help="Remove the stored sign-in password.")
@options([ENDPOINT, STATE_DIR], COMMON)
@click.option(
    "--qps",
    type=float,
    default=5.0,
    show_default=True,
    help="Ceiling of API calls per second for the account, shared by the page's runs.",
)
@options([REGISTRY[0]])
def serve(
    port: int,
    host: str,
    certfile: Path | None,
    keyfile: Path | None,
    insecure_http: bool,
    no_browser: bool,
    new_token: bool,
    ask_password: bool,
    no_password: bool,
    endpoint: str | None,
    state_dir: Path | None,
    qps: float,
    registry: str | None,
    no_progress: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
) -> None:
    """Serve a page on this computer to check a sheet, create its codes and download the
    results, for people who do not use a terminal. Prints the address with its secret
    token on stdout (never in the log) and opens the browser; every request without the
    token is refused. The token is kept in the state folder, so the address stays the
    same on every start (--new-token replaces it). Beyond this computer (--host) it needs
    TLS (--certfile) or --insecure-http; --password adds a sign-in form.

    \b
    Example:
      qrbatch serve --endpoint sandbox
    """
    from qrbatch.web import Server, is_loopback, print_address, serve_forever

    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    if ask_password and no_password:
        _fail(ConfigError("--password and --no-password contradict each other: pass one"))
    password = (
        click.prompt("Sign-in password for the page", hide_input=True, confirmation_prompt=True)
        if ask_password
        else None
    )

    def announce(server: Server) -> None:
        # The log names the address without its token; only stdout gets the token.
        exposed = "" if is_loopback(host) else " (others can reach it, not use it)"
        event(
            logging.INFO,
            "serve_start",
            f"qrbatch serve: listening on {server.base}{exposed}",
            url=server.base,
            page_file=str(server.page_file),
        )
        print_address(server)  # the person's; even with -q, the page is useless without it

    try:
        serve_forever(
            host=host,
            port=port,
            endpoint=endpoint,
            state_dir=state_dir,
            qps=qps,
            # The page's runs read the registry as the environment names it.
            **({"env": {**os.environ, "QRBATCH_REGISTRY": registry}} if registry else {}),
            certfile=certfile,
            keyfile=keyfile,
            insecure_http=insecure_http,
            new_token=new_token,
            password=password,
            no_password=no_password,
            open_browser=not no_browser,
            announce=announce,
        )
    except QrbatchError as error:
        _fail(error)
    except OSError as error:  # the port is taken, or the address is not this computer's
        _fail(ConfigError(f"cannot serve on {host}:{port}: {error.strerror}"))


def _wants_json(argv: list[str]) -> bool:
    for index, arg in enumerate(argv):
        if arg == "--log-format=json" or (
            arg == "--log-format" and argv[index + 1 : index + 2] == ["json"]
        ):
            return True
    return False


def entry() -> None:
    """The ``qrbatch`` program: ``main``, with click's own usage errors (a mistyped
    option, a bad number) as JSON events too when the log is JSON, so a cron log stays
    machine-readable line by line."""
    argv = sys.argv[1:]
    try:
        main.main(args=argv, prog_name="qrbatch", standalone_mode=False)
    except click.ClickException as error:
        if _wants_json(argv):
            setup_logging(fmt="json")
            event(logging.ERROR, "error", error.format_message(), exit_code=error.exit_code)
        else:
            error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo(words("cli.nothing_done"), err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except OSError as error:  # what no command caught: the true cause, and 74 when disk
        _unexpected(error, ExitCode.OUTPUT if error.errno in NO_ROOM else 70)
    except Exception as error:  # a bug: one line (a JSON event with JSON logs), exit 70
        _unexpected(error, 70)


NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def _unexpected(error: BaseException, code: int) -> NoReturn:
    """An error no command caught: with JSON logs an ``error`` event with the exception's
    type and message (never a traceback among JSON lines); else the traceback for a bug
    report (``-v`` already shows what led there)."""
    if is_json():
        event(
            logging.ERROR,
            "error",
            f"{type(error).__name__}: {error}",
            exit_code=code,
            error=type(error).__name__,
        )
    else:
        logging.getLogger("qrbatch").error(
            "%s: %s", type(error).__name__, error, exc_info=code == 70
        )
    sys.exit(code)


__all__ = ["entry", "main"]
