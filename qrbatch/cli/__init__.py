"""The command line: a thin shell over ``qrbatch.run`` (parse, call, translate errors,
set the exit code). ``qrbatch.cli:entry`` is the console script."""

from qrbatch.cli.commands import entry, main

__all__ = ["entry", "main"]
