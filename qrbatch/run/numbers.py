"""The account's own WhatsApp numbers, asked once per run and space before any Create:
``QueryChatappPhoneNumbers``, paced and retried like every call, and the rows decided by
them (``rows.account``). When the account may not ask (its RAM policy lacks the action,
or the gateway does not know it), one warning names the permission to grant and the run
goes on by the rules of the written number: never a stop.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from qrbatch.cams.errors import advice_for
from qrbatch.engine.events import AccountStopped, NumbersQueried
from qrbatch.engine.retry import RetryPolicy, call_with_retries
from qrbatch.errors import AccountError, CamsError
from qrbatch.rows.account import resolve_rows
from qrbatch.rows.checks import CheckedRow
from qrbatch.run.finish import OUTPUTS_PENDING
from qrbatch.run.logs import event

if TYPE_CHECKING:
    from qrbatch.cams.models import AccountNumber
    from qrbatch.outputs.results import Checked
    from qrbatch.run.connect import RunContext

QUERY_ACTION = "QueryChatappPhoneNumbers"
# The journal keeps the numbers a run was decided by: a rerun that only writes the results
# an earlier run could not (a full disk) decides the rows the same way, with no call.
CACHED = "account_numbers"
RAM_ACTION = "cams:QueryChatappPhoneNumbers"
# Refusals of this one action that leave the run to the written rules: no permission for
# it (RAM), or a gateway that does not know it.
NOT_ALLOWED = frozenset(
    {
        "Forbidden.RAM",
        "Ram.PermissionDeny",
        "NoPermission",
        "Forbidden.NoPermission",
        "InvalidAction.NotFound",
        "InvalidApi.NotFound",
    }
)


Later = list[Callable[[], None]]  # what to say once the run has started (run_start first)


async def account_numbers(
    ctx: RunContext,
    spaces: Iterable[str],
    *,
    allow_refusal: bool = True,
    later: Later | None = None,
    refused: dict[str, CamsError] | None = None,
) -> dict[str, dict[str, AccountNumber]] | None:
    """Each space's numbers (``""``: the account's own), or None when the account may
    not ask (said once, as a warning; with ``allow_refusal=False`` that raises too).
    A space the service refuses for itself (not the account's) goes into ``refused``
    when given; other errors raise (AccountError: the account stops the run; CamsError:
    the service stayed down through the retries). What there is to say (the ``numbers``
    event, the warning) is said at once, or appended to ``later``."""
    say: Later = [] if later is None else later
    retry = RetryPolicy(max_attempts=ctx.job.max_attempts)
    found: dict[str, dict[str, AccountNumber]] = {}
    allowed = True
    for space in sorted(set(spaces)):

        async def attempt(space: str = space) -> list[AccountNumber]:
            answer = await ctx.client.query_numbers(cust_space_id=space or None)
            return list(answer.numbers)

        try:
            numbers = await call_with_retries(retry, attempt, on_retry=ctx.emit)
        except AccountError as error:
            if error.code not in NOT_ALLOWED or not allow_refusal:
                raise
            say.append(functools.partial(_not_allowed, error.code))
            allowed = False
            break
        except CamsError as error:
            advice = advice_for(error.code)
            if advice is None or advice.kind != "row" or refused is None:
                raise  # the service is down (retries spent), or a bug: not this space's
            refused[space] = error  # e.g. a CustSpaceId that is not the account's
            continue
        found[space] = {n.phone: n for n in numbers}
        ctx.business_names.update((n.phone, n.verified_name) for n in numbers)
        by_status = Counter(n.status or "UNKNOWN" for n in numbers)
        queried = NumbersQueried(space, len(numbers), dict(sorted(by_status.items())))
        say.append(functools.partial(ctx.emit, queried))
    if later is None:
        for step in say:
            step()
    return found if allowed else None


def _dumped(numbers: Mapping[str, Mapping[str, AccountNumber]]) -> str:
    return json.dumps(
        {
            space: [
                {
                    "PhoneNumber": n.phone,
                    "VerifiedName": n.verified_name,
                    "Status": n.status,
                    "QualityRating": n.quality_rating,
                    "MessagingLimitTier": n.messaging_limit_tier,
                    "CodeVerificationStatus": n.code_verification_status,
                }
                for n in found.values()
            ]
            for space, found in numbers.items()
        }
    )


def _loaded(text: str) -> dict[str, dict[str, AccountNumber]]:
    from qrbatch.cams.models import AccountNumber

    spaces: dict[str, list[dict[str, str]]] = json.loads(text)
    return {
        space: {(n := AccountNumber.from_api(item)).phone: n for item in items}
        for space, items in spaces.items()
    }


def _not_allowed(code: str) -> None:
    event(
        logging.WARNING,
        "numbers_not_allowed",
        f"the account may not ask for its WhatsApp numbers ({code}), so each number is read "
        "as written (with the default region or the row's country); to let qrbatch check "
        f"them, grant {RAM_ACTION} to this AccessKey",
        code=code,
        permission=RAM_ACTION,
    )


def _refused(row: CheckedRow, refused: Mapping[str, CamsError]) -> CheckedRow:
    """A row of a space the service refused: invalid, with the service's words."""
    draft = row.request or row.pending
    if draft is None or draft.cust_space_id not in refused:
        return row
    error = refused[draft.cust_space_id]
    return dataclasses.replace(
        row,
        request=None,
        pending=None,
        state="invalid",
        error_code=error.code,
        error_message=f"CustSpaceId {draft.cust_space_id!r}: {error.message}",
    )


def _down(error: CamsError) -> None:
    event(
        logging.ERROR,
        "outage",
        f"the service did not answer the query of the account's numbers ({error.code}): "
        "nothing was sent; every row stays pending and the next run resumes",
        code=error.code,
    )


def _number_warning(note: str, count: int) -> None:
    event(
        logging.WARNING,
        "number_warning",
        f"{note}: its {count} row(s) get codes all the same; check the number in the CAMS "
        "console before printing them",
        note=note,
        rows=count,
    )


async def decide_numbers(
    ctx: RunContext, checked: Sequence[Checked], *, phone_column: str, later: Later
) -> Sequence[Checked]:
    """The rows of a Create run decided by the account's numbers; as they were when the
    account may not ask, or when it stops the run (``ctx.report.stopped_by``). What
    there is to say is appended to ``later``, for after ``run_start``."""
    rows = [row for row in checked if isinstance(row, CheckedRow)]
    if len(rows) != len(checked):
        return checked  # update / delete rows name codes, not numbers to resolve
    spaces = {
        draft.cust_space_id
        for row in rows
        if row.phone_cell and (draft := row.request or row.pending) is not None
    }
    if not spaces:
        return checked
    journal = ctx.journal
    owed = journal is not None and journal.get_meta(OUTPUTS_PENDING)
    cached = journal.get_meta(CACHED) if journal is not None and owed else None
    numbers: dict[str, dict[str, AccountNumber]] | None
    refused: dict[str, CamsError] = {}
    try:
        if cached:  # the calls are done and only the workbook is owed: no call at all
            numbers = _loaded(cached)
            ctx.business_names.update(
                (n.phone, n.verified_name) for space in numbers.values() for n in space.values()
            )
        else:
            numbers = await account_numbers(ctx, spaces, later=later, refused=refused)
            if journal is not None:  # what this run is decided by, or nothing (never stale)
                journal.set_meta(CACHED, None if numbers is None else _dumped(numbers))
    except AccountError as error:
        ctx.report.stopped_by = error
        stop = AccountStopped(error.code, error.action, error.request_id, str(error), error.fix)
        later.append(functools.partial(ctx.emit, stop))
        return checked
    except CamsError as error:  # the service stayed down through the query's retries
        ctx.outage = True
        later.append(functools.partial(_down, error))
        return checked
    if numbers is None:
        return checked
    rows = [_refused(row, refused) for row in rows] if refused else rows
    entries = journal.entries() if journal is not None else {}
    resolved = resolve_rows(
        rows,
        numbers,
        default_region=ctx.job.default_region,
        phone_column=phone_column,
        made=lambda request: (e := entries.get(request.key)) is not None and e.state == "done",
    )
    for note, count in Counter(row.note for row in resolved if row.note).items():
        later.append(functools.partial(_number_warning, note, count))
    return resolved
