"""The command line: a thin shell that parses flags into a Job, calls the library,
translates errors into words and exit codes. The event loop starts here and nowhere else.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import click

from qrbatch import __version__
from qrbatch.batch import (
    EXIT_ACCOUNT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_ROWS_FAILED,
    EXIT_USAGE,
    Progress,
    RunResult,
    run_batch,
    validate_input,
    write_validation,
)
from qrbatch.errors import ConfigError, QrbatchError
from qrbatch.inputs import Ledger, expand_drop, is_drop_input, ledger_path
from qrbatch.job import Job, build_job, load_job_file
from qrbatch.lifecycle import Action
from qrbatch.logs import LogFormat, setup_logging
from qrbatch.manage import list_to_workbook, read_ops, run_ops
from qrbatch.progress import ProgressBar


def _fail(error: QrbatchError) -> None:
    click.echo(f"qrbatch: error: {error}", err=True)
    sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="qrbatch")
def main() -> None:
    """Turn a spreadsheet of WhatsApp business numbers and prefilled messages into
    WhatsApp message QR codes with Alibaba Cloud CAMS (CreatePhoneMessageQrdl).

    \b
    Example:
      qrbatch run sample_inputs/campaign.xlsx --endpoint sandbox
    """


_common_input = [
    click.option(
        "--sheet", help="Excel sheet to read (default: the first with the needed columns)."
    ),
    click.option(
        "--header-row", type=int, help="Row number of the header (default: found by name)."
    ),
    click.option(
        "--phone-column", help="Name of the phone column (default: PhoneNumber, Phone, ...)."
    ),
    click.option(
        "--message-column",
        help="Name of the message column (default: PrefilledMessage, Message, ...).",
    ),
    click.option(
        "--default-region", help="Region for national numbers without country code, e.g. ID."
    ),
    click.option("--encoding", help="Text encoding of a CSV file (default: detected)."),
    click.option(
        "--image-type",
        type=click.Choice(["PNG", "SVG"], case_sensitive=False),
        help="QR image type for rows that do not say (default PNG).",
    ),
    click.option(
        "--cust-space-id", help="CustSpaceId for rows that do not say (ISV sub-customers)."
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def _apply(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Results workbook (.xlsx, or .csv for the Results table only). "
    "Default: <input stem>.results.xlsx beside the input.",
)
@click.option(
    "--endpoint",
    help="CAMS endpoint URL, or 'sandbox' for the built-in simulator. "
    "Default: $QRBATCH_ENDPOINT or https://cams.ap-southeast-1.aliyuncs.com.",
)
@click.option(
    "--qps", type=float, help="Ceiling of API calls per second for the account (default 5)."
)
@_apply(_common_input)
@click.option("--timeout", type=float, help="Seconds to wait for each API answer (default 10).")
@click.option(
    "--max-attempts", type=int, help="Attempts per call for retryable errors (default 8)."
)
@click.option(
    "--always-create",
    is_flag=True,
    default=None,
    help="Create new codes even when the number already has one with the same message.",
)
@click.option(
    "--fresh", is_flag=True, default=None, help="Forget the journal of earlier runs and start over."
)
@click.option(
    "--wait",
    is_flag=True,
    default=None,
    help="If another run holds the journal, wait for it instead of refusing.",
)
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    help="Folder for the journal (default: beside the output).",
)
@click.option("--profile", help="Credentials profile (aliyun CLI config or credentials.ini).")
@click.option(
    "--no-images",
    is_flag=True,
    help="Do not download QR images nor embed thumbnails in the workbook.",
)
@click.option(
    "--no-progress", is_flag=True, help="No progress bar (it only shows on a terminal anyway)."
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines on stderr: text for people, one JSON object per line for machines.",
)
@click.option("-v", "--verbose", count=True, help="More log lines (retries, throttling).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings, errors and the closing line.")
def run(
    source: Path,
    no_progress: bool,
    no_images: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    **flags: Any,
) -> None:
    """Create a QR code for every row of SOURCE (a .xlsx/.csv sheet or a .toml job file)
    and write the results workbook.

    \b
    Exit codes: 0 all rows created or reused; 1 some rows failed or invalid;
    2 usage, configuration or input-file error (no API call made);
    3 stopped by an account-level error; 130 interrupted (rerun resumes).

    \b
    Example:
      qrbatch run campaign.xlsx -o campaign.results.xlsx --endpoint sandbox
    """
    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    try:
        if no_images:
            flags["images"] = False
        job = _job(source, flags, progress=not no_progress)
        show_bar = job.progress and sys.stderr.isatty() and not quiet
        if is_drop_input(job.input):
            sys.exit(_run_drop(job, show_bar))
        result = _run_one(job.with_output_filled(), show_bar)
    except QrbatchError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("qrbatch: interrupted; the journal is kept and a rerun resumes", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if job.is_sandbox:
        click.echo(
            "qrbatch: sandbox run: the codes are simulated and do not exist on WhatsApp", err=True
        )
    _finish_command(result)


def _run_one(job: Job, show_bar: bool) -> RunResult:
    progress: Progress | None = ProgressBar() if show_bar else None
    return anyio.run(
        functools.partial(
            run_batch, job, progress=progress, version=__version__, handle_signals=True
        )
    )


SEVERITY = (EXIT_OK, EXIT_ROWS_FAILED, EXIT_USAGE, EXIT_ACCOUNT, EXIT_INTERRUPTED)


def _run_drop(job: Job, show_bar: bool) -> int:
    """Each new file of a drop folder, once; the exit code is the most severe one."""
    worst = EXIT_OK
    with Ledger(ledger_path(job)) as ledger:
        jobs = expand_drop(job, ledger)
        if not jobs:
            click.echo(f"nothing new in {job.input}")
        for single, digest in jobs:
            ledger.mark(single.input, digest, single.output_path, "started")
            try:
                result = _run_one(single, show_bar)
            except QrbatchError as error:  # this file is unusable: report it, go on
                click.echo(f"qrbatch: error: {error}", err=True)
                worst = max(worst, error.exit_code, key=SEVERITY.index)
                continue
            if result.exit_code in (EXIT_OK, EXIT_ROWS_FAILED):
                ledger.mark(single.input, digest, single.output_path, "finished")
            if result.stopped_by:
                click.echo(
                    f"qrbatch: stopped by an account-level error: {result.stopped_by}", err=True
                )
            click.echo(result.summary.line())
            worst = max(worst, result.exit_code, key=SEVERITY.index)
            if result.exit_code in (EXIT_ACCOUNT, EXIT_INTERRUPTED):
                break
    return int(worst)


def _job(source: Path, flags: dict[str, Any], *, progress: bool) -> Job:
    is_job = source.suffix.lower() == ".toml"
    settings = load_job_file(source) if is_job else {"input": source}
    if flags.get("image_type"):
        flags["image_type"] = flags["image_type"].upper()
    if not progress:
        flags["progress"] = False
    return build_job(settings, flags)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@_apply(_common_input)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Also write a workbook of the checked rows (nothing is written otherwise).",
)
def validate(source: Path, output: Path | None, **flags: Any) -> None:
    """Check every row of SOURCE without calling the API; print the problems by row.

    Exits 0 when every row is valid, 1 otherwise, 2 when the file cannot be used.

    \b
    Example:
      qrbatch validate campaign.xlsx
    """
    try:
        job = _job(source, flags, progress=False)
        validated = validate_input(job)
    except QrbatchError as error:
        _fail(error)
    problems = [r for r in validated.rows if r.state == "invalid"]
    skipped = sum(r.state == "skipped" for r in validated.rows)
    for row in problems[:200]:
        click.echo(f"row {row.row.number}: {row.error_code}: {row.error_message}")
    if len(problems) > 200:
        click.echo(f"... and {len(problems) - 200} more")
    if output is not None:
        write_validation(output, job, validated, version=__version__)
    valid = len(validated.rows) - len(problems) - skipped
    click.echo(
        f"{len(validated.rows)} rows: {valid} valid, {len(problems)} invalid, {skipped} blank"
    )
    sys.exit(1 if problems else 0)


_connection = [
    click.option(
        "--endpoint",
        help="CAMS endpoint URL, or 'sandbox' (default: $QRBATCH_ENDPOINT or the real one).",
    ),
    click.option("--qps", type=float, help="Ceiling of API calls per second (default 5)."),
    click.option("--timeout", type=float, help="Seconds to wait for each API answer (default 10)."),
    click.option(
        "--max-attempts", type=int, help="Attempts per call for transient errors (default 8)."
    ),
    click.option("--profile", help="Credentials profile (aliyun CLI config or credentials.ini)."),
    click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Log lines on stderr: text, or one JSON object per line.",
    ),
    click.option("-v", "--verbose", count=True, help="More log lines."),
    click.option("-q", "--quiet", is_flag=True, help="Only warnings, errors and the closing line."),
]


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; never prompt elsewhere: refuse without --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError(f"{question} Refusing without --yes when not on a terminal.")
    if not click.confirm(question, default=False):
        click.echo("qrbatch: nothing done", err=True)
        sys.exit(EXIT_USAGE)


def _finish_command(result: RunResult) -> None:
    if result.exit_code == EXIT_INTERRUPTED:
        click.echo("qrbatch: interrupted; the journal is kept and a rerun resumes", err=True)
    if result.stopped_by:
        click.echo(f"qrbatch: stopped by an account-level error: {result.stopped_by}", err=True)
    click.echo(result.summary.line())
    sys.exit(result.exit_code)


@main.command(name="list")
@click.argument("phones", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("codes.xlsx"),
    show_default=True,
    help="Workbook of the live codes.",
)
@click.option("--cust-space-id", help="CustSpaceId of the numbers (ISV sub-customers).")
@click.option("--default-region", help="Region for national numbers, e.g. ID.")
@_apply(_connection)
def list_command(
    phones: tuple[str, ...], log_format: LogFormat, verbose: int, quiet: bool, **flags: Any
) -> None:
    """Export the live QR codes of one or more business numbers (PHONES) to a workbook.

    The workbook has the Results layout (Status "listed"), so it can be edited and handed
    to "qrbatch update", or handed to "qrbatch delete".

    \b
    Example:
      qrbatch list 6281234567890 6591234567 -o codes.xlsx
    """
    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    try:
        flags = {k: v for k, v in flags.items() if v is not None}
        job = Job(input=flags["output"], images=False, progress=False, **flags)
        result = anyio.run(functools.partial(list_to_workbook, phones, job, version=__version__))
    except QrbatchError as error:
        _fail(error)
    _finish_command(result)


def _ops_command(
    action: Action,
    source: Path,
    yes: bool,
    log_format: LogFormat,
    verbose: int,
    quiet: bool,
    flags: dict[str, Any],
) -> None:
    setup_logging(verbose=verbose, quiet=quiet, fmt=log_format)
    try:
        flags = {k: v for k, v in flags.items() if v is not None}
        flags.setdefault("output", source.with_name(f"{source.stem}.{action}d.xlsx"))
        job = Job(input=source, images=False, progress=False, **flags)
        checked = read_ops(job, action)
        count = sum(o.op is not None for o in checked[1])
        numbers = len({o.op.phone for o in checked[1] if o.op is not None})
        if action == "delete":
            question = (
                f"Delete {count} QR codes of {numbers} business numbers? "
                "Printed codes stop working."
            )
        else:
            question = (
                f"Update up to {count} QR codes of {numbers} business numbers? "
                "Each updated code gets a new QR image: printed ones must be replaced."
            )
        _confirm(question, yes)
        result = anyio.run(
            functools.partial(
                run_ops, action, job, version=__version__, handle_signals=True, checked=checked
            )
        )
    except QrbatchError as error:
        _fail(error)
    _finish_command(result)


_ops_options = [
    click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help="Results workbook (default: <input stem>.<action>d.xlsx beside the input).",
    ),
    click.option(
        "--sheet", help="Excel sheet to read (default: the first with the needed columns)."
    ),
    click.option(
        "--header-row", type=int, help="Row number of the header (default: found by name)."
    ),
    click.option("--encoding", help="Text encoding of a CSV file (default: detected)."),
    click.option("--default-region", help="Region for national numbers, e.g. ID."),
    click.option("--state-dir", type=click.Path(path_type=Path), help="Folder for the journal."),
    click.option("--fresh", is_flag=True, default=None, help="Forget the journal and start over."),
    click.option("--wait", is_flag=True, default=None, help="Wait for a run holding the journal."),
    click.option(
        "-y", "--yes", is_flag=True, help="Do not ask for confirmation (needed off a terminal)."
    ),
]


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@_apply(_ops_options)
@_apply(_connection)
def delete(
    source: Path, yes: bool, log_format: LogFormat, verbose: int, quiet: bool, **flags: Any
) -> None:
    """Delete the QR codes listed in SOURCE (a results or list workbook, or any sheet with
    phone and QrdlCode columns). Paced, retried, journaled; a rerun resumes.

    \b
    Example:
      qrbatch delete campaign.results.xlsx --yes
    """
    _ops_command("delete", source, yes, log_format, verbose, quiet, flags)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@_apply(_ops_options)
@click.option(
    "--image-type",
    type=click.Choice(["PNG", "SVG"], case_sensitive=False),
    help="Image type for rows that do not say (default PNG).",
)
@_apply(_connection)
def update(
    source: Path, yes: bool, log_format: LogFormat, verbose: int, quiet: bool, **flags: Any
) -> None:
    """Change the messages of the codes in SOURCE (phone, QrdlCode and message columns,
    e.g. an edited list workbook). Unchanged messages are skipped. Warning: an updated
    code gets a new QR image; printed copies of the old one must be replaced.

    \b
    Example:
      qrbatch update codes.xlsx --yes
    """
    if flags.get("image_type"):
        flags["image_type"] = flags["image_type"].upper()
    _ops_command("update", source, yes, log_format, verbose, quiet, flags)


@main.command()
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
    "--number", "numbers", multiple=True, help="Extra business number to register (repeatable)."
)
def sandbox(
    port: int, qps: float, limiter: str, latency: tuple[float, float], numbers: tuple[str, ...]
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
        Sandbox,
        SandboxConfig,
        World,
        serve_forever,
    )

    setup_logging()
    world = World.demo(numbers=(*DEMO_NUMBERS, *numbers))
    config = SandboxConfig(qps=qps, limiter=limiter, latency=latency)  # type: ignore[arg-type]
    click.echo(f"qrbatch sandbox: http://127.0.0.1:{port} (simulated CAMS; Ctrl-C stops)")
    click.echo(f"  export ALIBABA_CLOUD_ACCESS_KEY_ID={DEMO_KEY_ID}")
    click.echo(f"  export ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEMO_KEY_SECRET}")
    click.echo(f"  business numbers: {', '.join(sorted(world.accounts['demo'].numbers))}")
    try:
        anyio.run(lambda: serve_forever(Sandbox(world, config), port=port))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        click.echo(f"qrbatch: error: cannot listen on 127.0.0.1:{port}: {error.strerror}", err=True)
        sys.exit(EXIT_USAGE)


__all__ = ["main"]
