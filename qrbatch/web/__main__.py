"""``python -m qrbatch.web``: the page without the CLI (``qrbatch serve`` does the same)."""

from __future__ import annotations

from pathlib import Path

import click

from qrbatch.errors import QrbatchError
from qrbatch.logs import setup_logging
from qrbatch.web import DEFAULT_HOST, DEFAULT_PORT, serve_forever


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port to serve.")
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to bind; another one than 127.0.0.1 must be asked for (the token still applies).",
)
@click.option("--endpoint", help="CAMS endpoint URL, or 'sandbox' for the built-in simulator.")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    help="Where uploads, runs and results are kept "
    "(default: $QRBATCH_STATE_DIR or ~/.local/state/qrbatch/web).",
)
@click.option("--qps", type=float, default=5.0, show_default=True, help="Calls per second.")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def main(
    port: int, host: str, endpoint: str | None, state_dir: Path | None, qps: float, no_browser: bool
) -> None:
    """Serve the qrbatch web page on this computer.

    \b
    Example:
      python -m qrbatch.web --endpoint sandbox
    """
    setup_logging()
    try:
        serve_forever(
            host=host,
            port=port,
            endpoint=endpoint,
            state_dir=state_dir,
            qps=qps,
            open_browser=not no_browser,
        )
    except QrbatchError as error:
        _fail(str(error))
    except OSError as error:  # the port is taken, or the address is not this computer's
        _fail(f"cannot serve on {host}:{port}: {error.strerror}")


class CannotServe(click.ClickException):
    """Exit 2, as every qrbatch command does when it cannot start."""

    exit_code = 2


def _fail(message: str) -> None:
    raise CannotServe(message)


if __name__ == "__main__":
    main(prog_name="python -m qrbatch.web")
