"""Stage 1 of a run, connect: the endpoint (or the in-process sandbox), the credentials,
the journal (locked, bound to the account and the input), the account's shared pacing,
the client and the summary's recorder, opened together by ``open_run`` and closed again on the way
out. ``Caller`` holds what the caller brings (environment, credentials, events) once.

    connect (this module) -> plan (``plan.py``: check, send) -> finish (``finish.py``: write)
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from qrbatch.cams.client import CamsClient
from qrbatch.cams.credentials import Credentials, credentials_reader, find_credentials
from qrbatch.engine.claims import Claims, NoClaims
from qrbatch.engine.events import (
    Event,
    EventBus,
    Subscriber,
)
from qrbatch.engine.executor import (
    DEFAULT_CONCURRENCY,
    ExecutionReport,
)
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import AdaptivePacer
from qrbatch.engine.registries import open_account_pacing
from qrbatch.errors import ConfigError
from qrbatch.run.kept_sandbox import KeptSandbox
from qrbatch.run.logs import log_events
from qrbatch.run.recorder import SummaryRecorder
from qrbatch.run.settings import SANDBOX, ConnectionSettings, Job, resolve_endpoint
from qrbatch.words import say

log = logging.getLogger("qrbatch")


@dataclass(slots=True)
class RunContext:
    """Everything the command's work needs, opened by ``open_run``."""

    job: Job
    action: str
    endpoint: str
    credentials: Credentials
    client: CamsClient
    pacer: AdaptivePacer
    record: SummaryRecorder  # the Summary's facts, gathered from the run's events
    emit: Callable[[Event], None]
    journal: Journal | None
    claims: Claims = field(default_factory=NoClaims)
    report: ExecutionReport = field(default_factory=ExecutionReport)
    business_names: dict[str, str] = field(default_factory=dict)  # phone -> VerifiedName
    outage: bool = False  # the run stopped sending: the service kept failing


@dataclass(frozen=True, slots=True)
class Caller:
    """What the caller of a command brings, held once for the whole run instead of
    passed through every stage: the environment (None: the process's), credentials
    given in code (None: the job's, else found as Alibaba Cloud tools find them), the
    event bus (the log always listens) and whether the run handles SIGINT and SIGTERM
    itself (the command line does; a notebook or the page does not)."""

    env: Mapping[str, str] | None = None
    credentials: Credentials | None = field(default=None, repr=False)
    bus: EventBus = field(default_factory=lambda: EventBus(log_events))
    handle_signals: bool = False
    # Set from another thread (a notebook's Ctrl-C) to stop as the first Ctrl-C does:
    # calls in flight settle, nothing new is sent.
    stop: threading.Event | None = None
    # For the endpoint "sandbox": the process's kept sandbox instead of one of the run's
    # own (the DataFrame API's, so a notebook cell run again shows resume).
    sandbox: KeptSandbox | None = None

    @classmethod
    def of(
        cls,
        *,
        env: Mapping[str, str] | None = None,
        credentials: Credentials | None = None,
        events: Subscriber | EventBus | None = None,
        handle_signals: bool = False,
        stop: threading.Event | None = None,
        sandbox: KeptSandbox | None = None,
    ) -> Caller:
        """The caller of a Python API function, from its keyword arguments."""
        return cls(env, credentials, event_bus(events), handle_signals, stop, sandbox)


def event_bus(events: Subscriber | EventBus | None) -> EventBus:
    """The run's event stream: the log always listens; ``events`` too when given."""
    if isinstance(events, EventBus):
        return events
    bus = EventBus(log_events)
    if events is not None:
        bus.subscribe(events)
    return bus


def journal_path(job: Job, kept: KeptSandbox | None = None) -> Path:
    """A real run's journal beside its output (or in ``--state-dir``); a sandbox run's in
    a folder of its own, so it never touches a real run's journal (the kept sandbox's
    runs: in its folder, for as long as it keeps their codes)."""
    if job.is_sandbox and kept is not None:
        return kept.journals / job.journal_path.name
    if job.is_sandbox:
        return Path(tempfile.mkdtemp(prefix="qrbatch-sandbox-")) / "sandbox.qrbatch.db"
    return job.journal_path


@asynccontextmanager
async def connect(
    job: ConnectionSettings,
    caller: Caller,
    numbers: Iterable[str] = (),
) -> AsyncIterator[tuple[str, Credentials, Callable[[], Credentials] | None]]:
    """The endpoint URL, the credentials and how to read them again (an STS token that
    expires mid-run); for ``sandbox``, a simulator in this process whose demo account owns
    the demo numbers plus ``numbers`` (the sheet's own), so a dry try of any sheet works."""
    env = caller.env
    credentials = caller.credentials
    endpoint = resolve_endpoint(job.endpoint, env)
    if endpoint != SANDBOX:
        refresh: Callable[[], Credentials] | None = None
        if credentials is None and job.access_key_id and job.access_key_secret:
            credentials = Credentials(job.access_key_id, job.access_key_secret, source="job file")
        if credentials is None:
            refresh = credentials_reader(env=env, profile=job.profile)
        creds = credentials or find_credentials(env=env, profile=job.profile)
        yield endpoint, creds, refresh
        return
    from qrbatch.sandbox import (
        DEMO_KEY_ID,
        DEMO_KEY_SECRET,
        DEMO_NUMBERS,
        Sandbox,
        SandboxConfig,
        World,
    )
    from qrbatch.sandbox.server import running_sandbox

    if caller.sandbox is not None:
        caller.sandbox.own(numbers)
        world = caller.sandbox.world
    else:
        world = World.demo(numbers=(*DEMO_NUMBERS, *numbers))
    sandbox = Sandbox(world, SandboxConfig(qps=max(job.qps, 5.0)))
    async with running_sandbox(sandbox) as (_, url):
        log.info(say("log.sandbox", url=url))
        yield url, Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET, source="sandbox demo key"), None


@asynccontextmanager
async def open_run(
    job: Job,
    action: str,
    caller: Caller,
    *,
    sheet_name: str | None,
    numbers: Iterable[str] = (),
    use_journal: bool = True,
) -> AsyncIterator[RunContext]:
    """Connect, open the journal (locked, bound to the account), start recording the
    summary, the pacer and the client. Everything is closed again on the way out."""
    bus = caller.bus
    async with connect(job, caller, numbers) as (endpoint, creds, refresh):
        journal: Journal | None = None
        if use_journal:
            journal = Journal(journal_path(job, caller.sandbox), fresh=job.fresh, wait=job.wait)
        try:
            if journal is not None:
                if journal.dropped:
                    log.warning("--fresh: starting over; dropped %s", journal.dropped)
                journal.bind(
                    "sandbox" if job.is_sandbox else f"{endpoint} key {creds.access_key_id}"
                )
                bind_input(journal, job)
            record = SummaryRecorder(
                action=action,
                input_file=job.input_name or str(job.input),
                output_file=shown_output(job),
                sheet=sheet_name,
                endpoint=f"sandbox ({endpoint})" if job.is_sandbox else endpoint,
                sandbox=job.is_sandbox,
                language=job.language or "en",
                input_name=job.input_name or "",
                output_name=job.output_name or "",
            )
            bus.subscribe(record)
            # Shared: the account's rate and Create claims, with every qrbatch run on this
            # machine (local) or on every host naming one Redis (the in-process sandbox is
            # this run's alone).
            async with open_account_pacing(
                access_key_id=creds.access_key_id,
                endpoint=endpoint,
                ceiling=job.qps,
                registry=job.registry,
                env=caller.env,
                shared=not job.is_sandbox,
                fail_closed=action in ("create", "update"),  # exit 69 rather than duplicates
                call_timeout=job.timeout,
                wait=job.registry_wait,
            ) as account:
                pacer = account.pacer
                pacer.on_event = bus.emit
                if account.registry is not None:  # rows done, for qrbatch accounts
                    bus.subscribe(account.registry.observe)
                concurrency = job.concurrency or DEFAULT_CONCURRENCY
                async with CamsClient(
                    credentials=creds,
                    pacer=pacer,
                    endpoint=endpoint,
                    timeout=job.timeout,
                    max_connections=concurrency + 8,
                    refresh_credentials=refresh,
                ) as client:
                    try:
                        yield RunContext(
                            job,
                            action,
                            endpoint,
                            creds,
                            client,
                            pacer,
                            record,
                            bus.emit,
                            journal,
                            claims=account.claims,
                        )
                    finally:
                        await account.close()
        finally:
            if journal is not None:
                journal.close()
                if job.is_sandbox and journal.path is not None and caller.sandbox is None:
                    _remove_sandbox_journal(journal.path)


def shown_output(job: Job) -> str:
    """The results workbook as the Summary names it: its path; for an input known by
    another name (the page's upload), the name it is downloaded under."""
    if job.input_name is None:
        return str(job.output_path)
    stem = job.input_name.rsplit(".", 1)[0] or "spreadsheet"
    return f"{stem}.results{job.output_path.suffix}"


def shown_input(job: Job, text: str) -> str:
    """``text`` with the input's path said as its owner knows it (``input_name``)."""
    return text.replace(str(job.input), job.input_name) if job.input_name else text


def describe_credentials(creds: Credentials) -> str:
    """Where the AccessKey came from and its ID, for the log (never the secret)."""
    return f"{creds.source}, AccessKey ID {creds.access_key_id}"


def bind_input(journal: Journal, job: Job) -> None:
    """A journal (and its output) belongs to one input file: ``campaign.csv`` and
    ``campaign.xlsx`` side by side would otherwise share ``campaign.results.xlsx`` and
    one would silently replace the other's results."""
    recorded = journal.get_meta("input")
    if recorded is None:
        journal.set_meta("input", job.input.name)
    elif recorded != job.input.name:
        raise ConfigError.of(
            "run.journal_of_other_input",
            output=job.output_path,
            recorded=recorded,
            input=job.input.name,
        )


def _remove_sandbox_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()
