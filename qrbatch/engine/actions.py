"""What Create, Update and Delete each do, as small strategies the one executor runs.

The executor owns the sequence (dedupe, journal, skip done, one List per number, the
paced worker pool, retries, unknown outcomes, stops). An action only answers the
questions that differ between them:

- ``lists``: does this request need its number's live codes before it is sent?
- ``before_send``: given those codes, is the request already settled (a live code to
  reuse, an unchanged message, a code that is not there, the 2,000 cap)?
- ``send`` / ``answered``: the call, and the journal entry its answer makes;
- ``settle``: after an answer was lost, did our call land? (decided from a fresh List;
  Create and Update are not idempotent, so they are never resent blindly);
- ``refused``: the journal entry of a row-level error answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from qrbatch.cams.errors import is_not_found
from qrbatch.cams.models import Answer, Qrdl
from qrbatch.errors import CamsError
from qrbatch.outputs.outcomes import Entry
from qrbatch.outputs.outcomes import Journaled as Request
from qrbatch.rows.codes import CodeRequest

MAX_CODES_PER_NUMBER = 2000


class QrApi(Protocol):
    """The part of CamsClient the actions and the executor use."""

    async def create(
        self, *, phone: str, message: str, image_type: str, cust_space_id: str | None = None
    ) -> Answer: ...

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


@dataclass(slots=True)
class Live:
    """The live codes of one business number (and space), as one List answered."""

    codes: tuple[Qrdl, ...]
    by_code: dict[str, Qrdl] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for q in self.codes}


@dataclass(slots=True)
class TakenCodes:
    """Codes this journal already gives to some request: never handed to a second one."""

    codes: set[str] = field(default_factory=set)

    def free(self, qrdl: Qrdl) -> bool:
        return qrdl.code not in self.codes


def done(
    key: str, status: str, qrdl: Qrdl, request_id: str, attempts: int, note: str = ""
) -> Entry:
    """A settled request with the code the service answered (or listed)."""
    return Entry(
        key=key,
        state="done",
        status=status,
        qrdl_code=qrdl.code,
        deep_link_url=qrdl.deep_link_url,
        qr_image_url=qrdl.qr_image_url,
        request_id=request_id,
        attempts=attempts,
        error_message=note,
    )


def failed(
    key: str,
    error: CamsError,
    attempts: int,
    *,
    unknown: bool = False,
    status: str = "failed",
    code: str = "",
) -> Entry:
    """A request that ended in an error; ``unknown``: it may have landed (List first)."""
    return Entry(
        key=key,
        state="unknown" if unknown else "failed",
        status=status,
        qrdl_code=code,
        error_code=error.code,
        error_message=error.message,
        request_id=error.request_id,
        attempts=attempts,
    )


def not_found(key: str, code: str, message: str, request_id: str = "", attempts: int = 0) -> Entry:
    """A code the service does not know: its own status, never counted as success."""
    return Entry(
        key=key,
        state="failed",
        status="notfound",
        qrdl_code=code,
        error_code="NotFound",
        error_message=message,
        request_id=request_id,
        attempts=attempts,
    )


def _matches(qrdl: Qrdl, message: str, image_type: str) -> bool:
    return qrdl.prefilled_message == message and (
        not qrdl.image_type or not image_type or qrdl.image_type == image_type
    )


class Action(Protocol):
    """One kind of call the executor can run over a plan of unique requests."""

    name: str  # the API verb, for messages: "create", "update", "delete"
    claims: bool  # sent under a host-wide claim (two runs never create the same code)

    def lists(self, request: Request, uncertain: bool) -> bool: ...

    def before_send(
        self, request: Request, live: Live | None, uncertain: bool, claims: TakenCodes
    ) -> Entry | None: ...

    def recheck(self, entry: Entry) -> bool: ...

    def still_done(self, entry: Entry, live: Live) -> bool: ...

    async def send(self, client: QrApi, request: Request) -> Answer: ...

    def answered(self, request: Request, answer: Answer, attempts: int) -> Entry: ...

    def settle(
        self, request: Request, live: Live, claims: TakenCodes, attempts: int
    ) -> Entry | None: ...

    def refused(self, request: Request, error: CamsError, attempts: int) -> Entry: ...


class Create:
    """CreatePhoneMessageQrdl: reuse a live code with the same message, respect the cap."""

    name = "create"
    claims = True

    def __init__(self, *, reuse_existing: bool = True) -> None:
        self.reuse_existing = reuse_existing
        self._planned: dict[tuple[str, str], int] = defaultdict(int)
        self.recreated: dict[str, str] = {}  # key -> the dead code it replaces

    def lists(self, request: Request, uncertain: bool) -> bool:
        return True  # even with always-create: the 2,000 cap needs the live count

    def recheck(self, entry: Entry) -> bool:
        return bool(entry.qrdl_code)

    def still_done(self, entry: Entry, live: Live) -> bool:
        """Whether a done row's code is still live; a dead one is remembered, so the new
        code's row says which code it replaces."""
        if entry.qrdl_code in live.by_code:
            return True
        self.recreated[entry.key] = entry.qrdl_code
        return False

    def before_send(
        self, request: Request, live: Live | None, uncertain: bool, claims: TakenCodes
    ) -> Entry | None:
        if live is None:
            return None
        if uncertain or self.reuse_existing:
            for qrdl in live.codes:
                if _matches(qrdl, request.message, request.image_type) and (
                    uncertain or claims.free(qrdl)
                ):
                    status = "created" if uncertain else "reused"
                    return done(request.key, status, qrdl, "", 0)
        group = (request.phone, request.cust_space_id)
        self._planned[group] += 1
        if len(live.codes) + self._planned[group] > MAX_CODES_PER_NUMBER:
            return Entry(
                key=request.key,
                state="failed",
                status="failed",
                error_code="QrdlLimitExceeded",
                error_message=(
                    f"{request.phone} already has {len(live.codes)} QR codes and this run plans "
                    f"more; WhatsApp allows {MAX_CODES_PER_NUMBER} per number. Delete unused "
                    "codes (qrbatch delete), then rerun."
                ),
            )
        return None

    async def send(self, client: QrApi, request: Request) -> Answer:
        return await client.create(
            phone=request.phone,
            message=request.message,
            image_type=request.image_type,
            cust_space_id=request.cust_space_id or None,
        )

    def answered(self, request: Request, answer: Answer, attempts: int) -> Entry:
        assert answer.qrdl is not None
        dead = self.recreated.get(request.key)
        note = f"recreated: the earlier code {dead} is no longer live" if dead else ""
        return done(request.key, "created", answer.qrdl, answer.request_id, attempts, note)

    def settle(
        self, request: Request, live: Live, claims: TakenCodes, attempts: int
    ) -> Entry | None:
        for qrdl in live.codes:
            if _matches(qrdl, request.message, request.image_type) and claims.free(qrdl):
                return done(request.key, "created", qrdl, "", attempts)
        return None

    def refused(self, request: Request, error: CamsError, attempts: int) -> Entry:
        return failed(request.key, error, attempts)


def _code_of(request: Request) -> str:
    assert isinstance(request, CodeRequest)
    return request.code


def _refused(request: Request, error: CamsError, attempts: int, hint: str) -> Entry:
    """An Update or Delete refused for this row: a code it does not know is ``notfound``."""
    code = _code_of(request)
    if is_not_found(error):
        return not_found(
            request.key,
            code,
            f"the service does not know code {code} on {request.phone}{hint}",
            error.request_id,
            attempts,
        )
    return failed(request.key, error, attempts, code=code)


class _ExistingCode:
    """What Update and Delete share: they act on a code that exists, so a done row is done
    (nothing to recheck), no host-wide claim is needed, and a code the service does not
    know is ``notfound``."""

    claims = False
    not_found_hint = ""

    def recheck(self, entry: Entry) -> bool:
        return False

    def still_done(self, entry: Entry, live: Live) -> bool:
        return True

    def refused(self, request: Request, error: CamsError, attempts: int) -> Entry:
        return _refused(request, error, attempts, self.not_found_hint)


class Update(_ExistingCode):
    """UpdatePhoneMessageQrdl: the service answers with a NEW code and retires the old one.

    The results hold the new code (a later Delete needs it). A lost answer is settled by
    List: the old code still live means not applied; a free code with the new message
    means ours landed. Never resent blindly with the old code.
    """

    name = "update"

    def lists(self, request: Request, uncertain: bool) -> bool:
        return True  # unchanged messages are skipped: every update replaces the printed QR

    def before_send(
        self, request: Request, live: Live | None, uncertain: bool, claims: TakenCodes
    ) -> Entry | None:
        if live is None:
            return None
        if uncertain:
            return self.settle(request, live, claims, 0)
        code = _code_of(request)
        existing = live.by_code.get(code)
        if existing is None:
            return not_found(
                request.key,
                code,
                f"{request.phone} has no live code {code} (deleted or replaced by an earlier "
                "update?); list the number to see its codes",
            )
        if _matches(existing, request.message, request.image_type):
            return Entry(
                key=request.key,
                state="done",
                status="skipped",
                qrdl_code=code,
                deep_link_url=existing.deep_link_url,
                qr_image_url=existing.qr_image_url,
                error_code="Unchanged",
                error_message="the message is already this; not updated",
            )
        return None

    async def send(self, client: QrApi, request: Request) -> Answer:
        return await client.update(
            phone=request.phone,
            code=_code_of(request),
            message=request.message,
            image_type=request.image_type,
            cust_space_id=request.cust_space_id or None,
        )

    def answered(self, request: Request, answer: Answer, attempts: int) -> Entry:
        old = _code_of(request)
        qrdl = answer.qrdl
        if qrdl is None or not qrdl.code:  # an answer without Data: the old code is all we know
            qrdl = Qrdl(
                old,
                request.phone,
                request.message,
                request.image_type,
                qrdl.deep_link_url if qrdl else "",
                qrdl.qr_image_url if qrdl else "",
            )
        note = (
            f"new code; it replaces {old} (printed copies of {old} no longer work)"
            if qrdl.code != old
            else ""
        )
        return done(request.key, "updated", qrdl, answer.request_id, attempts, note)

    def settle(
        self, request: Request, live: Live, claims: TakenCodes, attempts: int
    ) -> Entry | None:
        old = _code_of(request)
        existing = live.by_code.get(old)
        if existing is not None:
            if _matches(existing, request.message, request.image_type):
                return done(request.key, "updated", existing, "", attempts)  # updated in place
            return None  # not applied: send again
        for qrdl in live.codes:
            if _matches(qrdl, request.message, request.image_type) and claims.free(qrdl):
                note = f"new code; it replaces {old} (the answer was lost; found by List)"
                return done(request.key, "updated", qrdl, "", attempts, note)
        return not_found(
            request.key,
            old,
            f"{old} is gone and no live code of {request.phone} carries the new message: "
            "it was changed elsewhere; list the number to see its codes",
            attempts=attempts,
        )


class Delete(_ExistingCode):
    """DeletePhoneMessageQrdl. A lost answer is settled by List: gone means ours landed."""

    name = "delete"
    not_found_hint = ": deleted earlier, or on another account or endpoint"

    def lists(self, request: Request, uncertain: bool) -> bool:
        return uncertain

    def before_send(
        self, request: Request, live: Live | None, uncertain: bool, claims: TakenCodes
    ) -> Entry | None:
        if live is None or not uncertain:
            return None
        return self.settle(request, live, claims, 0)

    async def send(self, client: QrApi, request: Request) -> Answer:
        return await client.delete(
            phone=request.phone,
            code=_code_of(request),
            cust_space_id=request.cust_space_id or None,
        )

    def answered(self, request: Request, answer: Answer, attempts: int) -> Entry:
        return Entry(
            key=request.key,
            state="done",
            status="deleted",
            qrdl_code=_code_of(request),
            request_id=answer.request_id,
            attempts=attempts,
        )

    def settle(
        self, request: Request, live: Live, claims: TakenCodes, attempts: int
    ) -> Entry | None:
        code = _code_of(request)
        if code in live.by_code:
            return None  # still there: send again
        return Entry(
            key=request.key,
            state="done",
            status="deleted",
            qrdl_code=code,
            error_message="the answer was lost; List shows the code gone",
            attempts=attempts,
        )


ACTIONS: Mapping[str, type[Create] | type[Update] | type[Delete]] = {
    "create": Create,
    "update": Update,
    "delete": Delete,
}
