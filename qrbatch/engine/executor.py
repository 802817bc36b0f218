"""The one executor: runs any action (Create, Update, Delete) over unique requests.

    requests -> dedupe -> journal (pending) -> skip done -> one List per number
             -> action.before_send (reuse, unchanged, not found, cap) -> worker pool
             -> [wait_turn: another run's claim] -> pacer slot -> [take claim] -> call
             -> journal, event

Creates and Updates go out under the host-wide claim of their content, taken after the
pacer slot, just before the send; if the registry cannot be used none is sent: the run
stops with its unsent rows pending (exit 69, ``engine.registry``).

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
from qrbatch.engine.claims import Claim, NoClaims
from qrbatch.engine.claims import Claims as HostClaims
from qrbatch.engine.events import (
    AccountStopped,
    Event,
    NumbersListed,
    PhaseChanged,
    RowFinished,
    no_events,
)
from qrbatch.engine.journal import Journal
from qrbatch.engine.pacing import PacerClosedError, before_send
from qrbatch.engine.retry import RetryPolicy, Sleep, call_with_retries
from qrbatch.errors import (
    AccountError,
    CamsError,
    OutcomeUnknownError,
    RegistryUnavailableError,
    RetryableError,
    RowError,
)
from qrbatch.outputs.outcomes import Entry, State
from qrbatch.outputs.outcomes import Journaled as Request

DEFAULT_CONCURRENCY = 64  # workers are cheap; the pacer's in-flight cap bounds the calls

Group = tuple[str, str]  # (phone, cust_space_id): what one List answers for


class Closable(Protocol):
    def close(self) -> None: ...


class _NotSent(Exception):
    """Internal: the claim taken just before the send said not to send it now."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(claim.outcome)
        self.claim = claim


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
    unavailable: RegistryUnavailableError | None = None  # no claims: Creates stopped

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
        # Update is no more idempotent than Create: both go out under a claim.
        self._claimed = action.claims or action.name == "update"
        # Orphaned claims are settled by one List per number: (claims' time, listing).
        self._orphan_lists: dict[Group, tuple[float, Live]] = {}
        self._list_locks: dict[Group, anyio.Lock] = {}
        # Waits that a stop cuts short: for another run's Create, and a retry's backoff.
        self._waits: set[anyio.CancelScope] = set()
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
        report = self.report
        return report.stopped_by is not None or report.interrupted or report.unavailable is not None

    @property
    def stopping_requested(self) -> bool:
        return self.report.interrupted

    def request_stop(self) -> None:
        """Stop taking rows (Ctrl-C, SIGTERM): calls in flight finish, nothing new is sent."""
        self.report.interrupted = True
        self._close()

    def _close(self) -> None:
        self._pacer.close()
        for scope in list(self._waits):  # another run's Create, a retry's backoff: stop too
            scope.cancel()

    def _unavailable(self, error: RegistryUnavailableError) -> None:
        """No claim can be had: nothing that needs one is sent (fail closed); the run
        stops after the calls in flight, every unsent row pending (exit 69)."""
        if self.report.unavailable is None:
            self.report.unavailable = error
        self._close()

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
            self._client, group, self._settings.retry, self._backoff, self._emit, self._count_list
        )

    async def _backoff(self, seconds: float) -> None:
        """A retry's wait, cut short when the run stops (Stop pressed while the service
        is down): the next try then meets the closed pacer, and nothing is sent."""
        if self.stopping:
            return
        with anyio.CancelScope() as waiting:
            self._waits.add(waiting)
            try:
                await self._sleep(seconds)
            finally:
                self._waits.discard(waiting)

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
        # Stopped for want of claims (report.unavailable): the rows not sent stay pending;
        # leaving the registry (AccountPacing.close) raises it, after the outputs: exit 69.
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
                stamp = self._host_claims.stamp()
                found[group] = listing = await self._list(group)
                # It also settles claims of the number orphaned before it was made.
                self._orphan_lists[group] = (stamp, listing)
            except AccountError as error:
                self._stop(error)
            except PacerClosedError:
                pass
            except CamsError as error:
                found[group] = error
            listed.append(group)
            self._emit(NumbersListed(len(listed), len(groups)))

        listed: list[Group] = []
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
        """Send one request; a Create or Update under the host-wide claim of its content,
        so that two runs on one account never send the same one (``engine.registry``).

        The claim is taken once the pacer slot is, just before the send (``before_send``):
        a run holds claims only for requests in flight. Before taking a slot it waits,
        slot-less, while another live run holds the request."""
        if not self._claimed:
            await self._send_claimed(request, uncertain)
            return
        orphaned_since: float | None = None
        while True:
            with anyio.CancelScope() as waiting:
                self._waits.add(waiting)
                try:
                    settled = await self._host_claims.wait_turn(request.key)
                except RegistryUnavailableError as error:
                    self._unavailable(error)
                    settled = None
                finally:
                    self._waits.discard(waiting)
            if waiting.cancelled_caught or self.stopping:  # this row stays for the rerun
                self.report.not_sent += 1
                return
            if settled is not None:
                self._reuse(request, settled)
                return
            entry: Entry | None = None
            try:
                entry = await self._send_claimed(request, uncertain, orphaned_since)
            except _NotSent as refused:
                claim = refused.claim
                if claim.outcome == "settled":  # another run created it meanwhile
                    self._reuse(request, claim)
                    return
                if claim.outcome == "orphaned":  # ours now; its last holder's may exist
                    uncertain, orphaned_since = True, claim.since
                continue  # busy: another run took it first; wait for its outcome
            finally:
                with anyio.CancelScope(shield=True):  # told even when the run is cancelled
                    if entry is not None and entry.state == "done" and entry.qrdl_code:
                        await self._host_claims.settle(
                            request.key,
                            code=entry.qrdl_code,
                            deep_link=entry.deep_link_url,
                            image_url=entry.qr_image_url,
                        )
                    elif entry is not None:  # failed, not sent, or cut off mid-call
                        await self._host_claims.release(
                            request.key, outcome_unknown=entry.state in ("unknown", "inflight")
                        )
            return

    def _reuse(self, request: Request, claim: Claim) -> None:
        qrdl = Qrdl(
            claim.code,
            request.phone,
            request.message,
            request.image_type,
            claim.deep_link,
            claim.image_url,
        )
        self._finish(done(request.key, "reused", qrdl, "", 0))

    async def _orphan_listing(self, group: Group, since: float) -> Live:
        """The live codes of ``group`` as listed after ``since`` (when a claim was given
        up): one List serves every orphaned claim of the number given up before it."""
        lock = self._list_locks.setdefault(group, anyio.Lock())
        async with lock:
            cached = self._orphan_lists.get(group)
            if cached is not None and cached[0] >= since:
                return cached[1]
            stamp = self._host_claims.stamp()
            live = await self._list(group)
            self._orphan_lists[group] = (stamp, live)
            return live

    async def _send_claimed(
        self, request: Request, uncertain: bool, orphaned_since: float | None = None
    ) -> Entry:
        """The request's journal entry after sending: done or failed; ``pending`` when the
        run stopped first, ``unknown`` when an attempt may have landed. With a claim, its
        refusal just before the send raises ``_NotSent`` (nothing sent, journal as before).
        ``orphaned_since``: the uncertainty is an orphaned claim's, settled by a List
        made after that time (shared by the number's orphans)."""
        attempts = 0
        key = request.key
        action = self.action
        outcome: Entry
        listed_at: float | None = None
        claims = self._host_claims

        async def claim_it() -> None:
            claim = await claims.take(key)
            if claim.outcome == "granted":
                return
            if claim.outcome == "orphaned":
                if listed_at is not None and listed_at >= claim.since:
                    return  # this attempt's List came after it was given up: settled already
                cached = self._orphan_lists.get((request.phone, request.cust_space_id))
                if (
                    cached is not None
                    and cached[0] >= claim.since
                    and action.settle(request, cached[1], self._claims, attempts) is None
                ):
                    return  # the number's List made since shows no such code: no slot lost
            raise _NotSent(claim)

        async def attempt() -> Entry:
            nonlocal attempts, uncertain, listed_at, orphaned_since
            group = (request.phone, request.cust_space_id)
            if uncertain:
                if orphaned_since is not None:
                    live = await self._orphan_listing(group, orphaned_since)
                    listed_at = self._orphan_lists[group][0]
                else:
                    listed_at = claims.stamp()
                    live = await self._list(group)
                settled = action.settle(request, live, self._claims, attempts)
                if settled is not None:
                    self.report.reconciled += settled.state == "done"
                    return self._finish(settled)
                uncertain = False
            state: State = "unknown" if uncertain else "pending"  # if not sent after all
            self._journal.mark(key, "inflight", attempts=attempts + 1)
            check = before_send.set(claim_it if self._claimed else None)
            try:
                attempts += 1
                answer = await action.send(self._client, request)
            except (PacerClosedError, _NotSent, RegistryUnavailableError):
                attempts -= 1
                self._journal.mark(key, state, attempts=attempts)
                raise
            except OutcomeUnknownError:
                uncertain, orphaned_since = True, None
                raise
            finally:
                before_send.reset(check)
            return self._finish(action.answered(request, answer, attempts))

        try:
            outcome = await call_with_retries(
                self._settings.retry, attempt, self._backoff, on_retry=self._emit
            )
        except PacerClosedError:
            self._journal.mark(key, "unknown" if uncertain else "pending", attempts=attempts)
            self.report.not_sent += 1
            outcome = Entry(key=key, state="unknown" if uncertain else "pending")
        except RegistryUnavailableError as error:
            self._unavailable(error)
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
