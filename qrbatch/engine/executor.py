"""The one executor: runs any action (Create, Update, Delete) over unique requests.

    requests -> dedupe -> journal (pending) -> skip done -> one List per number
             -> action.before_send (reuse, unchanged, not found, cap) -> worker pool
             -> pacer slot -> call -> journal, event

Every outcome is committed to the journal as it happens. A call whose answer was lost
(timeout, dropped connection, 5xx) is settled by a fresh List before anything is sent
again: neither Create nor Update is idempotent. An account-level refusal stops the run
at once; a signal stops it after the calls in flight. Either way the pacer closes, so
nothing new is sent, and the rows not sent stay pending for the rerun.

Collaborators come in as arguments (client, pacer, journal, sleep, events) so tests
drive the executor with the real sandbox or small fakes. List, a read, goes through the
same client, pacer and retries (``list_live``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import anyio

from qrbatch.cams.models import Qrdl
from qrbatch.engine.actions import Action, Live, QrApi, TakenCodes, done, failed
from qrbatch.engine.events import AccountStopped, Event, PhaseChanged, RowFinished, no_events
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import PacerClosedError
from qrbatch.engine.registry import Claims as HostClaims
from qrbatch.engine.registry import NoClaims
from qrbatch.engine.retry import RetryPolicy, Sleep, call_with_retries
from qrbatch.errors import AccountError, CamsError, OutcomeUnknownError, RetryableError, RowError
from qrbatch.outputs.outcomes import Entry
from qrbatch.outputs.outcomes import Journaled as Request

DEFAULT_CONCURRENCY = 64  # workers are cheap; the pacer's in-flight cap bounds the calls

Group = tuple[str, str]  # (phone, cust_space_id): what one List answers for


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionSettings:
    """How the executor works through the requests."""

    concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(slots=True)
class ExecutionReport:
    """What happened to the unique requests of one run."""

    requests: int = 0
    already_done: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reconciled: int = 0
    not_sent: int = 0
    list_calls: int = 0
    stopped_by: AccountError | None = None
    interrupted: bool = False

    @property
    def created(self) -> int:
        return self.statuses["created"]

    @property
    def reused(self) -> int:
        return self.statuses["reused"]

    @property
    def failed(self) -> int:
        return self.statuses["failed"] + self.statuses["notfound"]


async def list_live(
    client: QrApi,
    group: Group,
    retry: RetryPolicy,
    sleep: Sleep = anyio.sleep,
    events: Callable[[Event], None] = no_events,
    on_attempt: Callable[[], None] | None = None,
) -> Live:
    """The live codes of one business number: one List, paced and retried."""

    async def attempt() -> Live:
        if on_attempt is not None:
            on_attempt()
        answer = await client.list(phone=group[0], cust_space_id=group[1] or None)
        return Live(answer.qrdls)

    return await call_with_retries(retry, attempt, sleep, on_retry=events)


class Executor:
    """Executes one action over a batch of requests; see ``execute``."""

    def __init__(
        self,
        *,
        action: Action,
        client: QrApi,
        pacer: Closable,
        journal: Journal,
        settings: ExecutionSettings | None = None,
        sleep: Sleep = anyio.sleep,
        events: Callable[[Event], None] = no_events,
        claims: HostClaims | None = None,
    ) -> None:
        self.action = action
        self._host_claims = claims or NoClaims()
        self._claim_waits: set[anyio.CancelScope] = set()
        self._client = client
        self._pacer = pacer
        self._journal = journal
        self._settings = settings or ExecutionSettings()
        self._sleep = sleep
        self._emit = events
        self._claims = TakenCodes()
        self._rows: Counter[str] = Counter()
        self.report = ExecutionReport()

    # Stopping ------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self.report.stopped_by is not None or self.report.interrupted

    @property
    def stopping_requested(self) -> bool:
        return self.report.interrupted

    def request_stop(self) -> None:
        """Stop taking rows (Ctrl-C, SIGTERM): calls in flight finish, nothing new is sent."""
        self.report.interrupted = True
        self._close()

    def _close(self) -> None:
        self._pacer.close()
        for scope in list(self._claim_waits):  # waiting on another run's Create: stop too
            scope.cancel()

    def _stop(self, error: AccountError) -> None:
        if self.report.stopped_by is None:
            self.report.stopped_by = error
            self._emit(
                AccountStopped(error.code, error.action, error.request_id, str(error), error.fix)
            )
        self._close()

    # Outcomes ------------------------------------------------------------------------

    def _finish(self, entry: Entry) -> Entry:
        self._journal.record(entry)
        if entry.qrdl_code:
            self._claims.codes.add(entry.qrdl_code)
        self.report.statuses[entry.status] += 1
        self._emit(RowFinished(entry, self._rows.get(entry.key, 1)))
        return entry

    def _count_list(self) -> None:
        self.report.list_calls += 1

    async def _list(self, group: Group) -> Live:
        return await list_live(
            self._client, group, self._settings.retry, self._sleep, self._emit, self._count_list
        )

    # Plan ----------------------------------------------------------------------------

    async def execute(self, requests: Iterable[Request]) -> ExecutionReport:
        """Send every request not yet done; return what happened. Never raises CamsError."""
        unique: dict[str, Request] = {}
        for request in requests:
            unique.setdefault(request.key, request)
            self._rows[request.key] += 1
        self.report.requests = len(unique)
        self._journal.add_pending(unique.values())
        entries = self._journal.entries()  # read once: this batch's rows and every claimed code
        self._claims.codes = {e.qrdl_code for e in entries.values() if e.qrdl_code}
        todo: list[Request] = []
        uncertain: set[str] = set()
        recheck: dict[str, Entry] = {}
        for key, request in unique.items():
            entry = entries.get(key)
            if entry is not None and entry.state == "done":
                if self.action.recheck(entry):
                    recheck[key] = entry
                else:
                    self._already_done(entry)
                continue
            if entry is not None and entry.state in ("inflight", "unknown"):
                uncertain.add(key)
            todo.append(request)
        groups = self._groups(todo, uncertain, [unique[k] for k in recheck])
        live = await self._list_groups(groups)
        if self.stopping:
            return self.report
        todo = self._recheck_done(recheck, unique, live) + todo
        to_send = self._plan(todo, uncertain, live)
        if not self.stopping and to_send:
            self._emit(
                PhaseChanged("sending", f"{self.action.name}: {len(to_send)} calls", len(to_send))
            )
            await self._send_all(to_send, uncertain)
        return self.report

    def _already_done(self, entry: Entry) -> None:
        self.report.already_done += 1
        self._emit(RowFinished(entry, self._rows.get(entry.key, 1)))

    def _groups(
        self, todo: Sequence[Request], uncertain: set[str], done: Sequence[Request]
    ) -> list[Group]:
        wanted = {
            (r.phone, r.cust_space_id) for r in todo if self.action.lists(r, r.key in uncertain)
        }
        wanted |= {(r.phone, r.cust_space_id) for r in done}
        return sorted(wanted)

    async def _list_groups(self, groups: Sequence[Group]) -> dict[Group, Live | CamsError]:
        """One List per number, concurrently through the pacer."""
        found: dict[Group, Live | CamsError] = {}
        if not groups:
            return found
        self._emit(
            PhaseChanged(
                "listing", f"checking the live codes of {len(groups)} numbers", len(groups)
            )
        )

        async def list_group(group: Group) -> None:
            try:
                found[group] = await self._list(group)
            except AccountError as error:
                self._stop(error)
            except PacerClosedError:
                pass
            except CamsError as error:
                found[group] = error

        async with anyio.create_task_group() as tg:
            for group in groups:
                tg.start_soon(list_group, group)
        return found

    def _recheck_done(
        self,
        recheck: dict[str, Entry],
        unique: dict[str, Request],
        live: dict[Group, Live | CamsError],
    ) -> list[Request]:
        """Done rows whose code is no longer live are sent again (never reported live)."""
        again: list[Request] = []
        for key, entry in recheck.items():
            request = unique[key]
            listing = live.get((request.phone, request.cust_space_id))
            if not isinstance(listing, Live) or self.action.still_done(entry, listing):
                self._already_done(entry)
                continue
            self._claims.codes.discard(entry.qrdl_code)
            self._journal.mark(key, "pending")
            again.append(request)
        return again

    def _plan(
        self,
        todo: Sequence[Request],
        uncertain: set[str],
        live: dict[Group, Live | CamsError],
    ) -> list[Request]:
        to_send: list[Request] = []
        for request in todo:
            is_uncertain = request.key in uncertain
            listing = live.get((request.phone, request.cust_space_id))
            if isinstance(listing, CamsError):
                self._finish(failed(request.key, listing, 0, unknown=is_uncertain))
                continue
            entry = self.action.before_send(request, listing, is_uncertain, self._claims)
            if entry is not None:
                if is_uncertain and entry.state == "done":
                    self.report.reconciled += 1
                self._finish(entry)
                continue
            if listing is not None:
                uncertain.discard(request.key)  # settled by this listing: not landed
            to_send.append(request)
        return to_send

    # Execute -------------------------------------------------------------------------

    async def _send_all(self, requests: Sequence[Request], uncertain: set[str]) -> None:
        send, receive = anyio.create_memory_object_stream[Request](len(requests))
        with send:
            for request in requests:
                send.send_nowait(request)

        async def worker() -> None:
            async for request in receive:
                if self.stopping:
                    self.report.not_sent += 1
                    continue
                await self._send_one(request, request.key in uncertain)

        async with anyio.create_task_group() as tg:
            for _ in range(max(1, min(self._settings.concurrency, len(requests)))):
                tg.start_soon(worker)
        receive.close()

    async def _send_one(self, request: Request, uncertain: bool) -> None:
        """Send one request; a Create under the host-wide claim of its content, so that
        two runs on one account never create the same code (``qrbatch.engine.registry``)."""
        if not self.action.claims:
            await self._send_claimed(request, uncertain)
            return
        with anyio.CancelScope() as waiting:
            self._claim_waits.add(waiting)
            try:
                claim = await self._host_claims.claim(request.key)
            finally:
                self._claim_waits.discard(waiting)
        if waiting.cancelled_caught:  # the run is stopping: this row stays for the rerun
            self.report.not_sent += 1
            return
        if claim.outcome == "settled":  # another run on the account just created it
            qrdl = Qrdl(
                claim.code,
                request.phone,
                request.message,
                request.image_type,
                claim.deep_link,
                claim.image_url,
            )
            self._finish(done(request.key, "reused", qrdl, "", 0))
            return
        entry: Entry | None = None
        try:
            entry = await self._send_claimed(request, uncertain or claim.outcome == "orphaned")
        finally:
            if entry is not None and entry.state == "done" and entry.qrdl_code:
                self._host_claims.settle(
                    request.key,
                    code=entry.qrdl_code,
                    deep_link=entry.deep_link_url,
                    image_url=entry.qr_image_url,
                )
            else:  # failed, not sent, or cut off mid-call (then the next run lists first)
                unknown = entry is None or entry.state == "unknown"
                self._host_claims.release(request.key, outcome_unknown=unknown)

    async def _send_claimed(self, request: Request, uncertain: bool) -> Entry:
        """The request's journal entry after sending: done or failed; ``pending`` when the
        run stopped first, ``unknown`` when an attempt may have landed."""
        attempts = 0
        key = request.key
        action = self.action
        outcome: Entry

        async def attempt() -> Entry:
            nonlocal attempts, uncertain
            if uncertain:
                settled = action.settle(
                    request,
                    await self._list((request.phone, request.cust_space_id)),
                    self._claims,
                    attempts,
                )
                if settled is not None:
                    self.report.reconciled += settled.state == "done"
                    return self._finish(settled)
                uncertain = False
            self._journal.mark(key, "inflight", attempts=attempts + 1)
            try:
                attempts += 1
                answer = await action.send(self._client, request)
            except PacerClosedError:
                attempts -= 1
                raise
            except OutcomeUnknownError:
                uncertain = True
                raise
            return self._finish(action.answered(request, answer, attempts))

        try:
            outcome = await call_with_retries(
                self._settings.retry, attempt, self._sleep, on_retry=self._emit
            )
        except PacerClosedError:
            self._journal.mark(key, "unknown" if uncertain else "pending", attempts=attempts)
            self.report.not_sent += 1
            outcome = Entry(key=key, state="unknown" if uncertain else "pending")
        except AccountError as error:
            outcome = self._finish(failed(key, error, attempts, unknown=uncertain))
            self._stop(error)
        except RowError as error:
            outcome = self._finish(action.refused(request, error, attempts))
        except RetryableError as error:
            outcome = self._finish(failed(key, error, attempts, unknown=uncertain))
        return outcome
