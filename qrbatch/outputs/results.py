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
from qrbatch.sheets.cells import Sheet
from qrbatch.words import Words, said, say

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

# The ErrorCodes whose meaning and fix are in the catalogue (``advice.<Code>`` and
# ``advice.<Code>.fix``, qrbatch/words/catalogue/advice.py): the problems the sheet
# reader finds in a row, then a row's own outcomes.
READ_ADVICE = frozenset(
    {
        "AmbiguousPhone",
        "RowDoesNotFitHeader",
        "BadEncoding",
        "FormulaNotCalculated",
        "FormulaError",
        "CellTooLong",
        "UnclosedQuote",
    }
)
ROW_ADVICE = frozenset(
    {
        "BlankRow",
        "MissingPhone",
        "InvalidPhone",
        "MissingMessage",
        "MessageTooLong",
        "InvalidImageType",
        "InvalidCountry",
        "NotAccountNumber",
        "NumberNotUsable",
        "NumberWarning",
        "NotSent",
        "NotFound",
        "ConflictingRows",
        "Unchanged",
        "OutcomeUnknown",
    }
)


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
                    error_message=said("advice.not_sent"),
                    attempts=entry.attempts if entry else 0,
                )
            )
        elif entry.state == "inflight" or (entry.state == "unknown" and not entry.status):
            # sent, and the service may have acted (a timeout, a 5xx) when the run stopped:
            # the next run lists the number and settles it before sending anything again
            results.append(
                RowResult(
                    "skipped",
                    error_code="OutcomeUnknown",
                    error_message=said(
                        f"advice.{'in_flight' if entry.state == 'inflight' else 'unknown'}"
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


DELIMITER_KEYS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_note(sheet: Sheet) -> str:
    """How the sheet was read, for the Summary (a ``said`` text: the workbook words it in
    its language): header row, rows, format, encoding, separator, reading problems. The
    file and the sheet have their own lines there, so neither is named."""
    technical = [part for part in (sheet.source_format, sheet.encoding) if part]
    key = DELIMITER_KEYS.get(sheet.delimiter or "")
    problems = len(sheet.problem_rows)
    return said(
        "workbook.note.read",
        header_row=sheet.header_row,
        rows=len(sheet.rows),
        how="".join(f", {part}" for part in technical),
        separator=""
        if not sheet.delimiter
        else Words(f"workbook.delimiter.{key}")
        if key
        else Words("workbook.delimiter.other", mark=repr(sheet.delimiter)),
        problems=Words("workbook.note.problems", count=problems) if problems else "",
    )


def explain(code: str, *, language: str | None = None) -> tuple[str, str]:
    """(meaning, what to do) of an ErrorCode in the Results sheet, in ``language`` (None:
    the context's). A CAMS code's advice is CAMS's own, in English."""
    if code in ROW_ADVICE or code in READ_ADVICE:
        return say(f"advice.{code}", language=language), say(
            f"advice.{code}.fix", language=language
        )
    advice = advice_for(code)
    if advice is not None:
        return advice.meaning, advice.fix.replace("{action}", "CreatePhoneMessageQrdl")
    return say("advice.cams", language=language), say("advice.cams.fix", language=language)


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
    language: str = "en"  # the words of the Summary and Errors sheets (en or id)
    input_name: str = ""  # the input as a person knows it, when not input_file (the page)
    output_name: str = ""  # the results as a person gets them, when not output_file

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
            return f"{text}{self._written()}"
        counts = ", ".join(
            f"{self.statuses.get(s, 0)} {'not found' if s == 'notfound' else s}"
            for s in self.shown_statuses
        )
        return f"{self.rows_read} rows: {counts}{self._written()}"

    def _written(self) -> str:
        """`` -> FILE`` when the run wrote one (a DataFrame run without ``output=`` does not)."""
        return f" -> {self.output_file}" if self.output_file else ""
