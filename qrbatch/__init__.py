"""qrbatch: spreadsheets in, WhatsApp message QR codes (Alibaba Cloud CAMS) out.

The Python API: every command's entry point, the job settings, the result types, the
exit codes and the error tree. See docs/python.md.

Names load on first use (PEP 562): ``import qrbatch`` and ``qrbatch --help`` import
neither pandas nor aiohttp nor openpyxl; the first call that needs them does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and readers
    from qrbatch import dataframes as frames  # noqa: F401 - the module qrbatch.frames
    from qrbatch.cams.credentials import Credentials
    from qrbatch.dataframes.codes import acreate_codes, create_codes, validate_frame
    from qrbatch.dataframes.show import show
    from qrbatch.engine.events import Event, EventBus
    from qrbatch.errors import (
        AccountError,
        CamsError,
        ConfigError,
        CredentialsError,
        InputFileError,
        Interrupted,
        JournalLockedError,
        OutcomeUnknownError,
        QrbatchError,
        RegistryUnavailableError,
        RetryableError,
        RowError,
        ServiceUnavailableError,
        ThrottledError,
        TransientError,
        UsageError,
    )
    from qrbatch.outputs.results import RowResult, Summary
    from qrbatch.run.commands import (
        Validated,
        delete_codes,
        list_codes,
        read_code_sheet,
        run_batch,
        update_codes,
        validate_input,
        write_validation,
    )
    from qrbatch.run.exit_codes import ExitCode
    from qrbatch.run.finish import RunResult
    from qrbatch.run.settings import Job, load_job_file
    from qrbatch.version import VERSION as __version__

# Each public name: (module, attribute).
_HOMES: dict[str, tuple[str, str]] = {
    "AccountError": ("qrbatch.errors", "AccountError"),
    "CamsError": ("qrbatch.errors", "CamsError"),
    "ConfigError": ("qrbatch.errors", "ConfigError"),
    "Credentials": ("qrbatch.cams.credentials", "Credentials"),
    "CredentialsError": ("qrbatch.errors", "CredentialsError"),
    "Event": ("qrbatch.engine.events", "Event"),
    "EventBus": ("qrbatch.engine.events", "EventBus"),
    "ExitCode": ("qrbatch.run.exit_codes", "ExitCode"),
    "InputFileError": ("qrbatch.errors", "InputFileError"),
    "Job": ("qrbatch.run.settings", "Job"),
    "JournalLockedError": ("qrbatch.errors", "JournalLockedError"),
    "OutcomeUnknownError": ("qrbatch.errors", "OutcomeUnknownError"),
    "QrbatchError": ("qrbatch.errors", "QrbatchError"),
    "RetryableError": ("qrbatch.errors", "RetryableError"),
    "Interrupted": ("qrbatch.errors", "Interrupted"),
    "RegistryUnavailableError": ("qrbatch.errors", "RegistryUnavailableError"),
    "RowError": ("qrbatch.errors", "RowError"),
    "ServiceUnavailableError": ("qrbatch.errors", "ServiceUnavailableError"),
    "RowResult": ("qrbatch.outputs.results", "RowResult"),
    "RunResult": ("qrbatch.run.finish", "RunResult"),
    "Summary": ("qrbatch.outputs.results", "Summary"),
    "ThrottledError": ("qrbatch.errors", "ThrottledError"),
    "TransientError": ("qrbatch.errors", "TransientError"),
    "UsageError": ("qrbatch.errors", "UsageError"),
    "Validated": ("qrbatch.run.validation", "Validated"),
    "__version__": ("qrbatch.version", "VERSION"),
    "acreate_codes": ("qrbatch.dataframes.codes", "acreate_codes"),
    "create_codes": ("qrbatch.dataframes.codes", "create_codes"),
    "delete_codes": ("qrbatch.run.commands", "delete_codes"),
    "list_codes": ("qrbatch.run.commands", "list_codes"),
    "load_job_file": ("qrbatch.run.settings", "load_job_file"),
    "read_code_sheet": ("qrbatch.run.validation", "read_code_sheet"),
    "run_batch": ("qrbatch.run.commands", "run_batch"),
    "show": ("qrbatch.dataframes.show", "show"),
    "update_codes": ("qrbatch.run.commands", "update_codes"),
    "validate_frame": ("qrbatch.dataframes.codes", "validate_frame"),
    "validate_input": ("qrbatch.run.validation", "validate_input"),
    "write_validation": ("qrbatch.run.validation", "write_validation"),
}

__all__ = [
    "AccountError",
    "CamsError",
    "ConfigError",
    "Credentials",
    "CredentialsError",
    "Event",
    "EventBus",
    "ExitCode",
    "InputFileError",
    "Job",
    "JournalLockedError",
    "OutcomeUnknownError",
    "QrbatchError",
    "RetryableError",
    "Interrupted",
    "RegistryUnavailableError",
    "RowError",
    "ServiceUnavailableError",
    "RowResult",
    "RunResult",
    "Summary",
    "ThrottledError",
    "TransientError",
    "UsageError",
    "Validated",
    "__version__",
    "acreate_codes",
    "create_codes",
    "delete_codes",
    "list_codes",
    "load_job_file",
    "read_code_sheet",
    "run_batch",
    "show",
    "update_codes",
    "validate_frame",
    "validate_input",
    "write_validation",
]


# Modules by another name: qrbatch.frames.prune() is the DataFrame API's journals' upkeep.
_MODULES = {"frames": "qrbatch.dataframes"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        alias = importlib.import_module(_MODULES[name])
        globals()[name] = alias
        return alias
    if name not in _HOMES:
        raise AttributeError(f"module 'qrbatch' has no attribute {name!r}")
    module, attribute = _HOMES[name]
    if name in _STOPPABLE:
        return _load_stoppable(name, module, attribute)
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # once: later lookups do not come here
    return value


# The first call of these loads pandas and the engine (a second or two): Stop pressed
# meanwhile makes that call raise Interrupted with its frame, as Stop does once it runs.
_STOPPABLE = frozenset({"create_codes", "acreate_codes"})


def _load_stoppable(name: str, module: str, attribute: str) -> Any:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):  # a handler of the caller's own: left alone
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        value = getattr(importlib.import_module(module), attribute)
    finally:
        signal.signal(signal.SIGINT, previous)
    if not pressed:
        globals()[name] = value
        return value
    from qrbatch.dataframes.codes import stopped_call

    return stopped_call(value)  # this call only: the next lookup gets the function


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_MODULES))
