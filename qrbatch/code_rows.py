"""The rest of a code's life: list, update and delete in bulk.

Each operation is paced (the same pacer as Create), retried, journaled and resumable.
Update and Delete are safe to repeat, so an unknown outcome is simply retried: a Delete
that then finds the code gone counts as deleted. Updates are checked against one List
per number first: an unchanged message is skipped, since every update replaces the
printed QR image.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import anyio

from qrbatch.cams.models import Answer, Qrdl
from qrbatch.errors import AccountError, CamsError, InputFileError, RetryableError, RowError
from qrbatch.journal import Entry, Journal
from qrbatch.pacing import PacerClosedError
from qrbatch.retry import RetryPolicy, Sleep, call_with_retries
from qrbatch.rows import (
    IMAGE_ALIASES,
    MESSAGE_ALIASES,
    PHONE_ALIASES,
    SPACE_ALIASES,
    RowProblem,
    check_image_type,
    check_message,
    find_column,
    normalise_phone,
)
from qrbatch.runner import Closable, OnDone, StoppableRunner
from qrbatch.sheets.read import HeaderTest, InputRow, Sheet

Action = Literal["update", "delete"]
CODE_ALIASES = ("qrdlcode", "code", "qrcode", "qrdl")


class CodeApi(Protocol):
    """The part of CamsClient the lifecycle commands use."""

    async def list(self, *, phone: str, cust_space_id: str | None = None) -> Answer: ...

    async def update(
        self,
        *,
        phone: str,
        code: str,
        message: str,
        image_type: str,
        cust_space_id: str | None = None,
    ) -> Answer: ...

    async def delete(
        self, *, phone: str, code: str, cust_space_id: str | None = None
    ) -> Answer: ...


@dataclass(frozen=True, slots=True)
class CodeOp:
    """One Update or Delete of one existing code."""

    action: Action
    phone: str
    code: str
    message: str = ""
    image_type: str = ""
    cust_space_id: str = ""

    @property
    def key(self) -> str:
        payload = "\x1f".join(
            (self.action, self.phone, self.code, self.message, self.image_type, self.cust_space_id)
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CheckedOp:
    row: InputRow
    op: CodeOp | None
    state: Literal["ok", "invalid", "skipped"]
    error_code: str = ""
    error_message: str = ""


def code_sheet_header(action: Action) -> HeaderTest:
    """A header with a phone and a QrdlCode column (and a message column, to update)."""

    def is_header(cells: Sequence[str]) -> bool:
        found = find_column(cells, None, PHONE_ALIASES) is not None
        found = found and find_column(cells, None, CODE_ALIASES) is not None
        if action == "update":
            found = found and find_column(cells, None, MESSAGE_ALIASES) is not None
        return found

    return is_header


def check_ops(
    sheet: Sheet, action: Action, *, image_type: str = "PNG", default_region: str | None = None
) -> list[CheckedOp]:
    """Every row of a results, list or edited sheet becomes an operation or a problem."""
    phone_at = find_column(sheet.columns, None, PHONE_ALIASES)
    code_at = find_column(sheet.columns, None, CODE_ALIASES)
    message_at = find_column(sheet.columns, None, MESSAGE_ALIASES)
    if phone_at is None or code_at is None or (action == "update" and message_at is None):
        raise InputFileError(
            f"{sheet.path}: needs a phone, a QrdlCode"
            + (" and a message" if action == "update" else "")
            + f" column. Columns found: {', '.join(map(repr, sheet.columns))}."
        )
    image_at = find_column(sheet.columns, None, IMAGE_ALIASES)
    space_at = find_column(sheet.columns, None, SPACE_ALIASES)
    checked: list[CheckedOp] = []
    for row in sheet.rows:
        cells = row.cells
        code = cells[code_at].strip()
        if row.is_blank or not code:
            checked.append(CheckedOp(row, None, "skipped", "NoCode", "no QrdlCode in this row"))
            continue
        try:
            phone = normalise_phone(cells[phone_at], default_region)
            message = (
                check_message(cells[message_at])
                if action == "update" and message_at is not None
                else ""
            )
            image = (
                check_image_type(cells[image_at], image_type)
                if image_at is not None
                else image_type
            )
        except RowProblem as problem:
            checked.append(CheckedOp(row, None, "invalid", problem.code, problem.message))
            continue
        space = cells[space_at].strip() if space_at is not None else ""
        op = CodeOp(action, phone, code, message, image if action == "update" else "", space)
        checked.append(CheckedOp(row, op, "ok"))
    return checked


@dataclass(slots=True)
class OpsReport:
    done: int = 0
    already_done: int = 0
    unchanged: int = 0
    failed: int = 0
    stopped_by: AccountError | None = None
    interrupted: bool = False


class OpsRunner(StoppableRunner):
    """Sends Update/Delete operations once each, through the pacer, journaling outcomes."""

    report: OpsReport

    def __init__(
        self,
        *,
        client: CodeApi,
        pacer: Closable,
        journal: Journal,
        retry: RetryPolicy | None = None,
        concurrency: int = 16,
        sleep: Sleep = anyio.sleep,
        on_done: OnDone | None = None,
    ) -> None:
        self._client = client
        self._pacer = pacer
        self._journal = journal
        self._retry = retry or RetryPolicy()
        self._concurrency = concurrency
        self._sleep = sleep
        self._on_done = on_done
        self.report = OpsReport()

    def _finish(self, entry: Entry) -> None:
        self._journal.record(entry)
        if entry.status == "failed":
            self.report.failed += 1
        elif entry.error_code == "Unchanged":
            self.report.unchanged += 1
        else:
            self.report.done += 1
        if self._on_done is not None:
            self._on_done(entry)

    async def execute(self, ops: Iterable[CodeOp]) -> OpsReport:
        unique = {op.key: op for op in ops}
        self._journal.add_pending(unique.values())
        entries = self._journal.entries(unique)
        todo = []
        for key, op in unique.items():
            entry = entries.get(key)
            if entry is not None and entry.state == "done":
                self.report.already_done += 1
                if self._on_done is not None:
                    self._on_done(entry)
            else:
                todo.append(op)
        current = await self._current_codes(todo) if any(o.action == "update" for o in todo) else {}
        send, receive = anyio.create_memory_object_stream[CodeOp](max(1, len(todo)))
        with send:
            for op in todo:
                send.send_nowait(op)

        async def worker() -> None:
            async for op in receive:
                if self.report.stopped_by is None and not self.report.interrupted:
                    await self._one(op, current.get((op.phone, op.cust_space_id)))

        async with anyio.create_task_group() as tg:
            for _ in range(max(1, min(self._concurrency, len(todo)))):
                tg.start_soon(worker)
        receive.close()
        return self.report

    async def _current_codes(self, ops: Sequence[CodeOp]) -> dict[tuple[str, str], dict[str, Qrdl]]:
        groups = {(op.phone, op.cust_space_id) for op in ops if op.action == "update"}
        found: dict[tuple[str, str], dict[str, Qrdl]] = defaultdict(dict)

        async def list_group(group: tuple[str, str]) -> None:
            try:
                codes = await list_live(self._client, *group, self._retry, self._sleep)
                found[group] = {q.code: q for q in codes}
            except AccountError as error:
                self._stop(error)
            except (CamsError, PacerClosedError):
                pass  # each update then finds out for itself

        async with anyio.create_task_group() as tg:
            for group in groups:
                tg.start_soon(list_group, group)
        return found

    async def _one(self, op: CodeOp, live: dict[str, Qrdl] | None) -> None:
        key, attempts, unknown = op.key, 0, False
        if op.action == "update" and live is not None:
            existing = live.get(op.code)
            if existing is None:
                self._finish(
                    Entry(
                        key=key,
                        state="failed",
                        status="failed",
                        qrdl_code=op.code,
                        error_code="NotFound",
                        error_message=f"{op.phone} has no code {op.code}",
                    )
                )
                return
            if existing.prefilled_message == op.message and existing.image_type in (
                "",
                op.image_type,
            ):
                self._finish(
                    Entry(
                        key=key,
                        state="done",
                        status="skipped",
                        qrdl_code=op.code,
                        deep_link_url=existing.deep_link_url,
                        qr_image_url=existing.qr_image_url,
                        error_code="Unchanged",
                        error_message="the message is already this; not updated",
                    )
                )
                return

        async def attempt() -> None:
            nonlocal attempts, unknown
            self._journal.mark(key, "inflight", attempts=attempts + 1)
            attempts += 1
            try:
                answer = await self._send(op)
            except PacerClosedError:
                attempts -= 1
                raise
            except RetryableError:
                unknown = True
                raise
            qrdl = answer.qrdl
            self._finish(
                Entry(
                    key=key,
                    state="done",
                    status=f"{op.action}d",
                    qrdl_code=op.code,
                    deep_link_url=qrdl.deep_link_url if qrdl else "",
                    qr_image_url=qrdl.qr_image_url if qrdl else "",
                    request_id=answer.request_id,
                    attempts=attempts,
                )
            )

        try:
            await call_with_retries(self._retry, attempt, self._sleep)
        except PacerClosedError:
            self._journal.mark(key, "pending", attempts=attempts)
        except AccountError as error:
            self._finish(_failed(key, op, error, attempts))
            self._stop(error)
        except RowError as error:
            if op.action == "delete" and error.code == "NotFound":
                # Gone already: deleted by an earlier attempt whose answer was lost, or by hand.
                note = "already gone" + (
                    " (an earlier attempt's answer was lost)" if unknown else ""
                )
                self._finish(
                    Entry(
                        key=key,
                        state="done",
                        status="deleted",
                        qrdl_code=op.code,
                        error_message=note,
                        request_id=error.request_id,
                        attempts=attempts,
                    )
                )
            else:
                self._finish(_failed(key, op, error, attempts))
        except CamsError as error:
            self._finish(_failed(key, op, error, attempts))

    async def _send(self, op: CodeOp) -> Answer:
        space = op.cust_space_id or None
        if op.action == "delete":
            return await self._client.delete(phone=op.phone, code=op.code, cust_space_id=space)
        return await self._client.update(
            phone=op.phone,
            code=op.code,
            message=op.message,
            image_type=op.image_type,
            cust_space_id=space,
        )


def _failed(key: str, op: CodeOp, error: CamsError, attempts: int) -> Entry:
    return Entry(
        key=key,
        state="failed",
        status="failed",
        qrdl_code=op.code,
        error_code=error.code,
        error_message=error.message,
        request_id=error.request_id,
        attempts=attempts,
    )


async def list_live(
    client: CodeApi, phone: str, space: str, retry: RetryPolicy, sleep: Sleep = anyio.sleep
) -> tuple[Qrdl, ...]:
    """The live codes of one business number: one List, paced and retried."""

    async def attempt() -> tuple[Qrdl, ...]:
        answer = await client.list(phone=phone, cust_space_id=space or None)
        return answer.qrdls

    return await call_with_retries(retry, attempt, sleep)


async def list_codes(
    client: CodeApi, phones: Sequence[tuple[str, str]], *, retry: RetryPolicy | None = None
) -> list[tuple[str, str, Qrdl | None, CamsError | None]]:
    """The live codes of each (phone, space): one List each, paced and retried."""
    results: list[tuple[str, str, Qrdl | None, CamsError | None]] = []
    for phone, space in phones:
        try:
            codes = await list_live(client, phone, space, retry or RetryPolicy())
            results.extend((phone, space, qrdl, None) for qrdl in codes)
            if not codes:
                results.append((phone, space, None, None))
        except AccountError:
            raise
        except CamsError as error:
            results.append((phone, space, None, error))
    return results
