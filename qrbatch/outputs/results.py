"""Per-row results (input rows joined with the journal) and the run summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol, get_args

from qrbatch.cams.errors import advice_for
from qrbatch.outputs.images import ImageCounts
from qrbatch.outputs.outcomes import Entry, Journaled

Status = Literal[
    "created",
    "reused",
    "failed",
    "invalid",
    "skipped",
    "listed",
    "updated",
    "deleted",
    "notfound",
]
STATUSES: tuple[Status, ...] = get_args(Status)
RUN_STATUSES: tuple[Status, ...] = STATUSES[:5]
# Statuses whose row has a live code: thumbnails, images, printing.
LIVE_STATUSES: frozenset[str] = frozenset({"created", "reused", "listed", "updated"})
# The statuses each command speaks of, in the order its closing line names them.
ACTION_STATUSES: dict[str, tuple[Status, ...]] = {
    "create": RUN_STATUSES,
    "update": ("updated", "skipped", "notfound", "failed", "invalid"),
    "delete": ("deleted", "notfound", "failed", "invalid", "skipped"),
    "list": ("listed", "failed", "skipped"),
    "validate": ("invalid", "skipped"),
}
RESULT_COLUMNS = (
    "Status",
    "QrdlCode",
    "DeepLinkUrl",
    "QrImageUrl",
    "ErrorCode",
    "ErrorMessage",
    "RequestId",
    "Attempts",
    "SentPhoneNumber",  # the number the code opens: E.164 with +, always text
    "BusinessName",  # the name WhatsApp shows for it (the account's VerifiedName)
)

# ErrorCode -> (meaning, what to do) for the problems the sheet reader finds in a row.
READ_ADVICE: dict[str, tuple[str, str]] = {
    "AmbiguousPhone": (
        "the number is valid as written and as a national number of --default-region",
        "write it with + and the country code",
    ),
    "RowDoesNotFitHeader": (
        "the row has more cells than the header (often an unquoted comma in a CSV message)",
        "put the message in double quotes or use another delimiter; name extra columns",
    ),
    "BadEncoding": (
        "the row has bytes that are not UTF-8 in a UTF-8 file",
        "fix the letters and save as CSV UTF-8, or pass --encoding",
    ),
    "FormulaNotCalculated": (
        "a formula cell has no saved value (file written by a program)",
        "open the file in Excel or LibreOffice and save it, or type the value",
    ),
    "FormulaError": (
        "a formula cell shows an error such as #N/A",
        "fix the formula or type the value",
    ),
    "CellTooLong": (
        "a cell holds more than Excel's 32,767 characters",
        "shorten it, or close the double quote that swallowed the rows after it",
    ),
    "UnclosedQuote": (
        "a double quote is not closed, so the cell swallowed the rows after it",
        "close or remove the quote",
    ),
}

ROW_ADVICE: dict[str, tuple[str, str]] = {
    "BlankRow": ("the row is empty", "nothing"),
    "MissingPhone": ("the phone cell is empty", "fill in the business number"),
    "InvalidPhone": ("the phone number is not valid", "correct it (country code + number)"),
    "MissingMessage": ("the message cell is empty", "write the prefilled message"),
    "MessageTooLong": ("over WhatsApp's 140-character limit", "shorten the message"),
    "InvalidImageType": ("image type is not PNG or SVG", "use PNG or SVG, or leave it blank"),
    "InvalidCountry": ("the country is not a two-letter code", "write ID, SG, MX..."),
    "NotAccountNumber": (
        "the number is not one of the account's WhatsApp numbers",
        "correct it to one of the account's numbers (qrbatch numbers lists them)",
    ),
    "NumberNotUsable": (
        "WhatsApp does not let this number send (banned, disconnected, pending...)",
        "connect the number again in the CAMS console, then rerun",
    ),
    "NumberWarning": (
        "the code was made, but WhatsApp flagged or limits this number",
        "check the number's status and quality in the CAMS console",
    ),
    "NotSent": ("not sent: the run stopped first", "fix the cause, then rerun: done rows are kept"),
    "NotFound": (
        "the service does not know this code on this number",
        "list the number (qrbatch list) to see its live codes",
    ),
    "ConflictingRows": (
        "two rows ask different things of one code",
        "keep one row per code",
    ),
    "Unchanged": ("the message is already this one", "nothing"),
    "OutcomeUnknown": (
        "the run stopped while this call was in flight",
        "rerun: qrbatch checks before sending again",
    ),
}


@dataclass(frozen=True, slots=True)
class RowResult:
    """The contract columns of one Results row."""

    status: Status
    qrdl_code: str = ""
    deep_link_url: str = ""
    qr_image_url: str = ""
    error_code: str = ""
    error_message: str = ""
    request_id: str = ""
    attempts: int | None = None
    sent_phone: str = ""
    business_name: str = ""

    def cells(self) -> tuple[str | int | None, ...]:
        return (
            self.status,
            self.qrdl_code,
            self.deep_link_url,
            self.qr_image_url,
            self.error_code,
            self.error_message,
            self.request_id,
            self.attempts,
            self.sent_phone,
            self.business_name,
        )


class NumberedRow(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def cells(self) -> tuple[str, ...]: ...


class Checked(Protocol):
    """An input row after validation (``rows.CheckedRow``, ``code_rows.CheckedCode``)."""

    @property
    def row(self) -> NumberedRow: ...

    @property
    def request(self) -> Journaled | None: ...

    @property
    def state(self) -> str: ...

    @property
    def error_code(self) -> str: ...

    @property
    def error_message(self) -> str: ...

    @property
    def note(self) -> str: ...


def join_results(
    checked: Sequence[Checked],
    entries: Mapping[str, Entry],
    names: Mapping[str, str] | None = None,
) -> list[RowResult]:
    """One result per input row, in input order; duplicates share their request's result.

    A row with a live code says the number it opens (``SentPhoneNumber``) and, when the
    account's numbers are known (``names``: phone -> VerifiedName), the business name;
    a note on the row (a flagged number) is its ``NumberWarning``."""
    names = names or {}
    results: list[RowResult] = []
    for row in checked:
        if row.request is None:
            state: Status = "invalid" if row.state == "invalid" else "skipped"
            results.append(
                RowResult(state, error_code=row.error_code, error_message=row.error_message)
            )
            continue
        entry = entries.get(row.request.key)
        if entry is None or entry.state == "pending":
            results.append(
                RowResult(
                    "skipped",
                    error_code="NotSent",
                    error_message="not sent: the run stopped before this row; rerun to send it",
                    attempts=entry.attempts if entry else 0,
                )
            )
        elif entry.state == "inflight":
            results.append(
                RowResult(
                    "skipped",
                    error_code="OutcomeUnknown",
                    error_message=(
                        "the run stopped while this call was in flight; rerun to settle it"
                    ),
                    attempts=entry.attempts,
                )
            )
        else:
            result = from_entry(entry)
            if result.status in LIVE_STATUSES:
                phone = row.request.phone
                result = replace(result, sent_phone=f"+{phone}", business_name=names.get(phone, ""))
                if row.note and not result.error_code:
                    result = replace(result, error_code="NumberWarning", error_message=row.note)
            results.append(result)
    return results


def from_entry(entry: Entry) -> RowResult:
    """The Results columns of a journaled outcome (unknown statuses read as failed)."""
    status = entry.status if entry.status in STATUSES else "failed"
    return RowResult(
        status,
        entry.qrdl_code,
        entry.deep_link_url,
        entry.qr_image_url,
        entry.error_code,
        entry.error_message,
        entry.request_id,
        entry.attempts,
    )


def explain(code: str) -> tuple[str, str]:
    """(meaning, what to do) of an ErrorCode in the Results sheet."""
    if code in ROW_ADVICE:
        return ROW_ADVICE[code]
    if code in READ_ADVICE:
        return READ_ADVICE[code]
    advice = advice_for(code)
    if advice is not None:
        return advice.meaning, advice.fix.replace("{action}", "CreatePhoneMessageQrdl")
    return "an error answer from CAMS", "see ErrorMessage; rerun retries failed rows"


@dataclass(slots=True)
class Summary:
    """The facts of one run, for the Summary sheet and the closing line."""

    input_file: str
    sheet: str | None
    output_file: str
    endpoint: str
    sandbox: bool
    version: str
    started: datetime
    finished: datetime | None = None
    rows_read: int = 0
    unique_requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    throttled: int = 0
    send_seconds: float = 0.0
    stopped_by: str = ""
    stop_fix: str = ""
    images: ImageCounts | None = None
    images_folder: str = ""
    action: str = "create"
    notes: list[str] = field(default_factory=list)  # how the sheet was read (for the Summary)
    printed: list[str] = field(default_factory=list)  # the PDF and ZIP written beside
    print_module_mm: float | None = None  # the smallest module of the PDF's codes
    calls_timeline: list[tuple[int, int]] = field(default_factory=list)
    """(whole second since the first call, calls the server accepted in that second),
    for the Summary sheet's chart of the pace; seconds without calls may be left out."""

    @property
    def duration(self) -> float:
        return ((self.finished or self.started) - self.started).total_seconds()

    @property
    def calls_per_second(self) -> float:
        """The pace between the first and the last call (``calls - 1`` gaps in the time
        spent sending: 18 calls 0.2 s apart are 5/s, not 18 / 3.4 s); a run under a
        second counts as one second (one call in 7 ms is not "140 calls/s")."""
        if self.calls <= 1:
            return float(self.calls)
        return (self.calls - 1) / max(1.0, self.send_seconds)

    def count(self, results: Sequence[RowResult]) -> None:
        self.rows_read = len(results)
        self.statuses = Counter(r.status for r in results)
        self.error_codes = Counter(
            r.error_code for r in results if r.error_code and r.error_code != "BlankRow"
        )

    @property
    def shown_statuses(self) -> list[Status]:
        """The statuses of this command, plus any other that occurred."""
        own = ACTION_STATUSES.get(self.action, RUN_STATUSES)
        return [*own, *(s for s in STATUSES if s not in own and self.statuses.get(s))]

    def line(self) -> str:
        """The closing line: what this command did, in its own words."""
        if self.action == "list":
            listed = self.statuses.get("listed", 0)
            text = f"{self.unique_requests} numbers: {listed} live codes listed"
            if self.statuses.get("skipped"):
                text += f", {self.statuses['skipped']} numbers without codes"
            if self.statuses.get("failed"):
                text += f", {self.statuses['failed']} numbers failed"
            return f"{text} -> {self.output_file}"
        counts = ", ".join(
            f"{self.statuses.get(s, 0)} {'not found' if s == 'notfound' else s}"
            for s in self.shown_statuses
        )
        return f"{self.rows_read} rows: {counts} -> {self.output_file}"
