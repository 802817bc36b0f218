"""The async pipeline: plan the unique requests, execute them through the pacer, record
every outcome in the journal as it happens.

Collaborators come in as arguments (client, pacer, journal, sleep) so tests drive it
with the real sandbox or small fakes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import anyio

from qrbatch.cams.models import Answer, Qrdl
from qrbatch.errors import (
    AccountError,
    CamsError,
    OutcomeUnknownError,
    RetryableError,
    RowError,
)
from qrbatch.journal import Entry, Journal
from qrbatch.logs import event
from qrbatch.pacing import PacerClosedError
from qrbatch.registry import Claims, NoClaims
from qrbatch.retry import RetryPolicy, Sleep, call_with_retries
from qrbatch.rows import QrRequest

log = logging.getLogger("qrbatch")

MAX_CODES_PER_NUMBER = 2000
DEFAULT_CONCURRENCY = 64  # workers are cheap; the pacer's in-flight cap bounds the calls


class QrApi(Protocol):
    """The part of CamsClient the runner uses."""

    async def create(
        self, *, phone: str, message: str, image_type: str, cust_space_id: str | None = None
    ) -> Answer: ...

    async def list(self, *, phone: str, cust_space_id: str | None = None) -> Answer: ...


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionSettings:
    """How the runner works through the requests."""

    concurrency: int = DEFAULT_CONCURRENCY
    reuse_existing: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(slots=True)
class ExecutionReport:
    """What happened to the unique requests of one run."""

    requests: int = 0
    already_done: int = 0
    created: int = 0
    reused: int = 0
    reconciled: int = 0
    failed: int = 0
    not_sent: int = 0
    list_calls: int = 0
    stopped_by: AccountError | None = None
    interrupted: bool = False


OnDone = Callable[[Entry], None]


def _entry(key: str, status: str, qrdl: Qrdl, request_id: str, attempts: int) -> Entry:
    return Entry(
        key=key,
        state="done",
        status=status,
        qrdl_code=qrdl.code,
        deep_link_url=qrdl.deep_link_url,
        qr_image_url=qrdl.qr_image_url,
        request_id=request_id,
        attempts=attempts,
    )


def _failed(key: str, error: CamsError, attempts: int, *, unknown: bool = False) -> Entry:
    return Entry(
        key=key,
        state="unknown" if unknown else "failed",
        status="failed",
        error_code=error.code,
        error_message=error.message,
        request_id=error.request_id,
        attempts=attempts,
    )


def _matches(qrdl: Qrdl, request: QrRequest) -> bool:
    return qrdl.prefilled_message == request.message and (
        not qrdl.image_type or qrdl.image_type == request.image_type
    )


class StopReport(Protocol):
    stopped_by: AccountError | None
    interrupted: bool


class StoppableRunner:
    """How a runner stops: an account-level error at once, a signal after the calls in
    flight. Either way the pacer closes, so nothing new is sent."""

    report: StopReport
    _pacer: Closable

    @property
    def stopping_requested(self) -> bool:
        return self.report.interrupted

    def request_stop(self) -> None:
        """Stop taking rows (Ctrl-C, SIGTERM): calls in flight finish, nothing new is sent."""
        self.report.interrupted = True
        self._pacer.close()

    def _stop(self, error: AccountError) -> None:
        if self.report.stopped_by is None:
            self.report.stopped_by = error
            event(
                logging.ERROR,
                "account_stop",
                f"stopping the run: {error}. To fix: {error.fix}",
                code=error.code,
                action=error.action,
                request_id=error.request_id,
                fix=error.fix,
            )
        self._pacer.close()


class Runner(StoppableRunner):
    """Executes one batch of unique requests; see ``execute``."""

    report: ExecutionReport

    def __init__(
        self,
        *,
        client: QrApi,
        pacer: Closable,
        journal: Journal,
        settings: ExecutionSettings | None = None,
        sleep: Sleep = anyio.sleep,
        on_done: OnDone | None = None,
        claims: Claims | None = None,
    ) -> None:
        self._claims = claims or NoClaims()
        self._client = client
        self._pacer = pacer
        self._journal = journal
        self._settings = settings or ExecutionSettings()
        self._sleep = sleep
        self._on_done = on_done
        self.report = ExecutionReport()
        self._claimed_codes: set[str] = set()

    # Retry ------------------------------------------------------------------------

    async def _list(self, phone: str, space: str) -> tuple[Qrdl, ...]:
        async def attempt() -> tuple[Qrdl, ...]:
            self.report.list_calls += 1
            answer = await self._client.list(phone=phone, cust_space_id=space or None)
            return answer.qrdls

        return await call_with_retries(self._settings.retry, attempt, self._sleep)

    # Outcomes ---------------------------------------------------------------------

    def _finish(self, entry: Entry) -> None:
        self._journal.record(entry)
        if entry.qrdl_code:
            self._claimed_codes.add(entry.qrdl_code)
        if entry.status == "created":
            self.report.created += 1
        elif entry.status == "reused":
            self.report.reused += 1
        elif entry.status == "failed":
            self.report.failed += 1
        if self._on_done is not None:
            self._on_done(entry)

    @property
    def stopping(self) -> bool:
        return self.report.stopped_by is not None or self.report.interrupted

    # Plan -------------------------------------------------------------------------

    async def execute(self, requests: Iterable[QrRequest]) -> ExecutionReport:
        """Send every request not yet done; return what happened. Never raises CamsError."""
        unique: dict[str, QrRequest] = {}
        for request in requests:
            unique.setdefault(request.key, request)
        self.report.requests = len(unique)
        self._journal.add_pending(unique.values())
        entries = self._journal.entries()  # read once: this batch's rows and every claimed code
        self._claimed_codes = {e.qrdl_code for e in entries.values() if e.qrdl_code}
        todo: list[QrRequest] = []
        uncertain: set[str] = set()
        for key, request in unique.items():
            entry = entries.get(key)
            if entry is not None and entry.state == "done":
                self.report.already_done += 1
                if self._on_done is not None:
                    self._on_done(entry)
                continue
            if entry is not None and entry.state in ("inflight", "unknown"):
                uncertain.add(key)
            todo.append(request)
        if not todo:
            return self.report
        to_create = await self._plan(todo, uncertain)
        if not self.stopping and to_create:
            await self._create_all(to_create, uncertain)
        return self.report

    async def _plan(self, todo: list[QrRequest], uncertain: set[str]) -> list[QrRequest]:
        """List each number once: reuse live codes (unless always-create), settle
        uncertain rows, and fail rows past the 2,000-code cap before any Create."""
        groups: dict[tuple[str, str], list[QrRequest]] = defaultdict(list)
        for request in todo:
            # Listed even with always-create: the 2,000-code cap needs the live count.
            groups[(request.phone, request.cust_space_id)].append(request)
        existing: dict[tuple[str, str], tuple[Qrdl, ...]] = {}
        failed_groups: dict[tuple[str, str], CamsError] = {}

        async def list_group(group: tuple[str, str]) -> None:
            try:
                existing[group] = await self._list(*group)
            except AccountError as error:
                self._stop(error)
            except PacerClosedError:
                pass
            except CamsError as error:
                failed_groups[group] = error

        async with anyio.create_task_group() as tg:
            for group in groups:
                tg.start_soon(list_group, group)

        if self.stopping:
            return []
        planned: dict[str, int] = defaultdict(int)
        to_create: list[QrRequest] = []
        for request in todo:
            group = (request.phone, request.cust_space_id)
            if group in failed_groups:
                self._finish(
                    _failed(request.key, failed_groups[group], 0, unknown=request.key in uncertain)
                )
                continue
            codes = existing.get(group)
            if codes is not None:
                match = next(
                    (
                        q
                        for q in codes
                        if _matches(q, request)
                        and (request.key in uncertain or self._settings.reuse_existing)
                        and (q.code not in self._claimed_codes or request.key in uncertain)
                    ),
                    None,
                )
                if match is not None:
                    settled = request.key in uncertain
                    self.report.reconciled += settled
                    self._finish(
                        _entry(request.key, "created" if settled else "reused", match, "", 0)
                    )
                    continue
                planned[request.phone] += 1
                if len(codes) + planned[request.phone] > MAX_CODES_PER_NUMBER:
                    self._finish(
                        Entry(
                            key=request.key,
                            state="failed",
                            status="failed",
                            error_code="QrdlLimitExceeded",
                            error_message=(
                                f"{request.phone} already has {len(codes)} QR codes and this run "
                                f"plans more; WhatsApp allows {MAX_CODES_PER_NUMBER} per number. "
                                "Delete unused codes (qrbatch delete), then rerun."
                            ),
                        )
                    )
                    continue
            uncertain.discard(request.key)
            to_create.append(request)
        return to_create

    # Execute ----------------------------------------------------------------------

    async def _create_all(self, requests: Sequence[QrRequest], uncertain: set[str]) -> None:
        send, receive = anyio.create_memory_object_stream[QrRequest](len(requests))
        with send:
            for request in requests:
                send.send_nowait(request)

        async def worker() -> None:
            async for request in receive:
                if self.stopping:
                    self.report.not_sent += 1
                    continue
                await self._create_one(request, request.key in uncertain)

        async with anyio.create_task_group() as tg:
            for _ in range(max(1, min(self._settings.concurrency, len(requests)))):
                tg.start_soon(worker)
        receive.close()

    async def _create_one(self, request: QrRequest, uncertain: bool) -> None:
        """Create under the host-wide claim of the request (qrbatch.registry)."""
        claim = await self._claims.claim(request.key)
        if claim.outcome == "settled":  # another run on the account just created it
            qrdl = Qrdl(
                claim.code,
                request.phone,
                request.message,
                request.image_type,
                claim.deep_link,
                claim.image_url,
            )
            self._finish(_entry(request.key, "reused", qrdl, "", 0))
            return
        try:
            await self._create_claimed(request, uncertain or claim.outcome == "orphaned")
        finally:
            entry = self._journal.get(request.key)
            if entry is not None and entry.state == "done" and entry.qrdl_code:
                self._claims.settle(
                    request.key,
                    code=entry.qrdl_code,
                    deep_link=entry.deep_link_url,
                    image_url=entry.qr_image_url,
                )
            else:
                unknown = entry is None or entry.state in ("inflight", "unknown")
                self._claims.release(request.key, outcome_unknown=unknown)

    async def _create_claimed(self, request: QrRequest, uncertain: bool) -> None:
        attempts = 0
        key = request.key

        async def attempt() -> None:
            nonlocal attempts, uncertain
            if uncertain:
                found = await self._find_own(request)
                if found is not None:
                    self.report.reconciled += 1
                    self._finish(_entry(key, "created", found, "", attempts))
                    return
                uncertain = False
            self._journal.mark(key, "inflight", attempts=attempts + 1)
            try:
                attempts += 1
                answer = await self._client.create(
                    phone=request.phone,
                    message=request.message,
                    image_type=request.image_type,
                    cust_space_id=request.cust_space_id or None,
                )
            except PacerClosedError:
                attempts -= 1
                raise
            except OutcomeUnknownError:
                uncertain = True
                raise
            assert answer.qrdl is not None
            self._finish(_entry(key, "created", answer.qrdl, answer.request_id, attempts))

        try:
            await call_with_retries(self._settings.retry, attempt, self._sleep)
        except PacerClosedError:
            self._journal.mark(key, "unknown" if uncertain else "pending", attempts=attempts)
            self.report.not_sent += 1
        except AccountError as error:
            self._finish(_failed(key, error, attempts))
            self._stop(error)
        except (RowError, RetryableError) as error:
            self._finish(_failed(key, error, attempts, unknown=uncertain))
        except CamsError as error:  # pragma: no cover - every CamsError is one of the above
            self._finish(_failed(key, error, attempts, unknown=uncertain))

    async def _find_own(self, request: QrRequest) -> Qrdl | None:
        """After an unknown outcome: did our Create land? List and match."""
        codes = await self._list(request.phone, request.cust_space_id)
        for qrdl in codes:
            if _matches(qrdl, request) and qrdl.code not in self._claimed_codes:
                return qrdl
        return None
