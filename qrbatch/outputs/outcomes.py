"""What became of one request: the record the journal keeps and the results render.

The engine writes these (``qrbatch.engine.journal``); the outputs read them to join
each input row with its outcome. They live here, below both, so the outputs never
reach up into the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol


class Journaled(Protocol):
    """What the journal keeps of a request: its content key and what it sends."""

    @property
    def key(self) -> str: ...

    @property
    def phone(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def image_type(self) -> str: ...

    @property
    def cust_space_id(self) -> str: ...


State = Literal["pending", "inflight", "done", "failed", "unknown"]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the journal knows of one request."""

    key: str
    state: State
    status: str = ""
    qrdl_code: str = ""
    deep_link_url: str = ""
    qr_image_url: str = ""
    error_code: str = ""
    error_message: str = ""
    request_id: str = ""
    attempts: int = 0
