"""qrbatch: spreadsheets in, WhatsApp message QR codes (Alibaba Cloud CAMS) out.

The Python API: every command's entry point, the job settings, the result types, the
exit codes and the error tree. See the README's "From Python" section.
"""

from qrbatch.dataframes.codes import acreate_codes, create_codes, validate_frame
from qrbatch.engine.events import Event, EventBus
from qrbatch.errors import (
    AccountError,
    CamsError,
    ConfigError,
    CredentialsError,
    InputFileError,
    JournalLockedError,
    OutcomeUnknownError,
    QrbatchError,
    RetryableError,
    RowError,
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
from qrbatch.run.harness import RunResult
from qrbatch.run.settings import Job, load_job_file
from qrbatch.version import VERSION as __version__

__all__ = [
    "AccountError",
    "CamsError",
    "ConfigError",
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
    "RowError",
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
    "update_codes",
    "validate_frame",
    "validate_input",
    "write_validation",
]
