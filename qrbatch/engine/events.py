"""The event stream out of the engine: what happened, as typed values.

The engine (executor, pacer, retries) and the run's stages (connect, plan, finish) emit
events; front ends subscribe to them: the JSON and text logs (``logs.log_events``), the
progress bar, the web page and notebook progress. No front end reaches into the engine:
what a front end can show is what is here.

    RunStarted      a command began: rows, unique requests, endpoint, ceiling
    PhaseChanged    what the run is doing now ("listing 12 numbers", "creating")
    NumbersListed   one more number's live codes listed (of the numbers to list)
    RowFinished     one unique request settled (its journal entry, how many rows share it)
    Throttled       the server said slow down (the pacer's old and new rate)
    Retrying        a retryable failure; the next attempt after ``wait_seconds``
    NumbersQueried  the account's WhatsApp numbers (of one space), counted by status
    SendingEnded    the calls are done: how long sending took
    ImagesPlaced    the QR image files written, and where
    OutputsPrinted  the PDF and ZIP written beside the workbook
    AccountStopped  an account-level refusal stopped the run (with the fix)
    Interrupted     Ctrl-C / SIGTERM: finishing the calls in flight
    RunEnded        the command finished: its summary and exit code

The run's Summary is made from these events (``run.finish.SummaryRecorder``), once, at
the end: no stage patches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qrbatch.outputs.images import ImageCounts
    from qrbatch.outputs.outcomes import Entry
    from qrbatch.outputs.results import Summary


@dataclass(frozen=True, slots=True)
class RunStarted:
    action: str
    rows: int  # input rows, valid or not
    unique_requests: int
    input: str
    output: str
    endpoint: str
    qps: float
    valid_rows: int = 0  # input rows with a request: what RowFinished events add up to
    credentials: str = ""  # where the AccessKey came from, and its ID (never the secret)
    notes: tuple[str, ...] = ()  # how the sheet was read (sheet, header row, columns)


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    phase: str  # "listing", "sending", "images", "writing"
    description: str
    total: int = 0


@dataclass(frozen=True, slots=True)
class NumbersListed:
    done: int  # numbers whose live codes were listed (or could not be) so far
    total: int


@dataclass(frozen=True, slots=True)
class RowFinished:
    entry: Entry
    rows: int  # input rows that share this request


@dataclass(frozen=True, slots=True)
class Throttled:
    rate: float
    new_rate: float
    margin: float
    retry_after: float | None
    throttled_total: int


@dataclass(frozen=True, slots=True)
class Retrying:
    code: str
    action: str
    attempt: int
    wait_seconds: float
    error: str


@dataclass(frozen=True, slots=True)
class NumbersQueried:
    space: str  # the CustSpaceId asked about ("" for the account's own)
    count: int
    by_status: dict[str, int]  # CONNECTED, FLAGGED, BANNED...


@dataclass(frozen=True, slots=True)
class SendingEnded:
    seconds: float  # time spent sending: the pace of calls is measured over it


@dataclass(frozen=True, slots=True)
class ImagesPlaced:
    counts: ImageCounts
    folder: str


@dataclass(frozen=True, slots=True)
class OutputsPrinted:
    paths: tuple[str, ...]  # the PDF and the ZIP written beside the workbook
    module_mm: float | None = None  # the smallest module the PDF prints


@dataclass(frozen=True, slots=True)
class AccountStopped:
    code: str
    action: str
    request_id: str
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class Interrupted:
    signal: str
    immediate: bool = False


@dataclass(frozen=True, slots=True)
class RunEnded:
    action: str
    summary: Summary
    exit_code: int
    fields: dict[str, Any] = field(default_factory=dict)


Event = (
    RunStarted
    | PhaseChanged
    | NumbersListed
    | RowFinished
    | Throttled
    | Retrying
    | NumbersQueried
    | SendingEnded
    | ImagesPlaced
    | OutputsPrinted
    | AccountStopped
    | Interrupted
    | RunEnded
)
Subscriber = Callable[[Event], None]


class EventBus:
    """Hands every event to every subscriber, in order, on the emitting task.

    Subscribers must be quick and must not raise: a broken progress bar must never stop
    a run, so a subscriber's exception is dropped after the first report.
    """

    def __init__(self, *subscribers: Subscriber) -> None:
        self._subscribers: list[Subscriber] = list(subscribers)
        self._broken: set[int] = set()

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def emit(self, event: Event) -> None:
        for index, subscriber in enumerate(self._subscribers):
            if index in self._broken:
                continue
            try:
                subscriber(event)
            except Exception:  # noqa: BLE001 - a front end must never stop the run
                self._broken.add(index)
                import logging

                logging.getLogger("qrbatch").exception(
                    "an event subscriber failed; it gets no more events"
                )


def no_events(event: Event) -> None:
    """The subscriber of nobody: for callers that want no events."""
    return None
