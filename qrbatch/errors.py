"""One exception tree for qrbatch, split by what the caller should do.

    QrbatchError                      root: anything qrbatch raises on purpose
    ├── UsageError                    exit 2, before any API call
    │   ├── ConfigError               bad flag, job file or setting
    │   ├── CredentialsError          no usable AccessKey found
    │   └── InputFileError            the sheet cannot be read (names file, what was found)
    ├── JournalLockedError            another run holds the journal (exit 75: try later)
    ├── RegistryUnavailableError      the host's account registry cannot be used (exit 69):
    │                                 no Create or Update is sent without its claim
    ├── ServiceUnavailableError       the service stayed down: the run stopped sending
    │                                 early, unsent rows pending (exit 69)
    ├── Interrupted                   stopped by the person (exit 130); ``result`` kept
    ├── OutputWriteError              the outputs could not be written (exit 74): the
    │                                 journal kept every outcome, a rerun writes them
    └── CamsError                     the CAMS API answered with an error (code, request_id)
        ├── RetryableError            try again through the pacer, after a backoff
        │   ├── ThrottledError        System.LimitControl / Throttling*: also slow down
        │   └── TransientError        5xx, nonce replay: the server did not act
        │       └── OutcomeUnknownError  timeout, dropped connection, 5xx: the server may
        │                             have acted; a Create must be reconciled before retrying
        ├── RowError                  bad value in this row: record it, go on with the others
        └── AccountError              bad key, signature, clock, permission, expired STS
                                      token, any HTTP 401/403: stop the run (exit 3);
                                      ``fix`` says what the account owner must change

Errors carry context (``code``, ``request_id``, ``http_status``, ``action``; an
AccountError also ``recommend``, ``access_denied_detail`` and ``host_id`` from the
gateway) and never an AccessKey secret or STS token.

What a person reads comes from the catalogue (``qrbatch.words``): an error raised as
``InputFileError.of("sheet.no_such_file", file=path)`` keeps its key and parameters and
is worded when it is shown, in the context's language and audience (the CLI names
flags, Python names parameters, the page asks ``describe(error, language="id",
audience="page")``). An error raised with a plain message still shows that message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, cast

from qrbatch.words import say


class QrbatchError(Exception):
    """Root of every error qrbatch raises on purpose.

    ``key`` and ``params``, when set, are the catalogue message it shows (``str(error)``
    renders it in the current language and audience); ``QrbatchError("words")`` still
    works and shows its words as written."""

    exit_code: int = 1
    # What the run had done when this stopped it (``create_codes``: the result frame,
    # every row, each code made before the stop in its row), so nothing done is lost.
    result: object = None

    def __init__(
        self, *args: object, key: str | None = None, params: Mapping[str, object] | None = None
    ) -> None:
        # args[0] is the key when there is no message, so a pickled error comes back
        # (BaseException's reduce passes args to the class, then restores __dict__)
        super().__init__(*(args if args or key is None else (key,)))
        self.key = key
        self.params: dict[str, object] = dict(params or {})

    @classmethod
    def of(cls, key: str, /, **params: object) -> Self:
        """The error whose words are the catalogue's ``key`` filled with ``params``."""
        return cls(key=key, params=params)

    def __str__(self) -> str:
        if self.key is not None:
            return say(self.key, **cast(dict[str, Any], self.params))
        return super().__str__()


class UsageError(QrbatchError):
    """The command cannot start: usage, configuration or input-file problem (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A flag, job file or setting is wrong."""


class CredentialsError(UsageError):
    """No usable Alibaba Cloud AccessKey was found."""


class InputFileError(UsageError):
    """The input file cannot be used as a whole (missing, unreadable, no needed column)."""


class JournalLockedError(QrbatchError):
    """Another qrbatch run is using the same journal: not a usage error, try later."""

    exit_code = 75


class RegistryUnavailableError(QrbatchError):
    """The account registry (its folder, its database) cannot be used: a Create or Update
    sent without its claim could duplicate another run's, so the run stops (exit 69) with
    every unsent row pending; a rerun resumes. ``QRBATCH_REGISTRY=off`` runs alone."""

    exit_code = 69

    def __init__(self, folder: str, cause: str) -> None:
        super().__init__(key="errors.registry", params={"folder": folder, "cause": cause})
        self.folder = folder
        self.cause = cause

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.folder, self.cause), self.__dict__)


class ServiceUnavailableError(QrbatchError):
    """The service kept failing for a passing cause: the run stopped sending early with
    every unsent row pending (exit 69); a later run resumes."""

    exit_code = 69


class Interrupted(QrbatchError):
    """Stopped by the person (Ctrl-C, a notebook's Stop): the calls in flight settled and
    were recorded, nothing new was sent; ``result`` holds what was done, and running the
    same call again sends the rest (exit 130)."""

    exit_code = 130


class OutputWriteError(QrbatchError):
    """The results could not be written (disk full, folder gone); nothing is lost."""

    exit_code = 74


class CamsError(QrbatchError):
    """An error answer (or no answer) from the CAMS API."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        action: str = "",
        request_id: str = "",
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.action = action
        self.request_id = request_id
        self.http_status = http_status

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}"]
        if self.action:
            parts.append(f"action={self.action}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"request_id={self.request_id!r})"
        )


class RetryableError(CamsError):
    """Worth another attempt after a backoff, through the pacer."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        action: str = "",
        request_id: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, code=code, action=action, request_id=request_id, http_status=http_status
        )
        self.retry_after = retry_after


class ThrottledError(RetryableError):
    """The account went over its rate (System.LimitControl, Throttling*)."""


class TransientError(RetryableError):
    """A temporary failure in which the server certainly did not act."""


class OutcomeUnknownError(TransientError):
    """No clear answer: the server may have acted (timeout, dropped connection, 5xx)."""


class RowError(CamsError):
    """The request is wrong for this row only; record it and carry on."""


class AccountError(CamsError):
    """Nothing can succeed until the account owner fixes something; stop the run."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        code: str,
        action: str = "",
        request_id: str = "",
        http_status: int | None = None,
        fix: str = "",
        recommend: str = "",
        access_denied_detail: str = "",
        host_id: str = "",
    ) -> None:
        super().__init__(
            message, code=code, action=action, request_id=request_id, http_status=http_status
        )
        self.fix = fix
        # What the gateway said to help the account owner: a diagnosis link, the RAM
        # decision (which action, which principal, which policy type) and the host that
        # answered. None of them is secret; all are shown with the error.
        self.recommend = recommend
        self.access_denied_detail = access_denied_detail
        self.host_id = host_id

    def __str__(self) -> str:
        parts = [super().__str__()]
        if self.access_denied_detail:
            parts.append(f"denied: {self.access_denied_detail}")
        if self.host_id:
            parts.append(f"host_id={self.host_id}")
        if self.recommend:
            parts.append(f"diagnosis: {self.recommend}")
        return " ".join(parts)
