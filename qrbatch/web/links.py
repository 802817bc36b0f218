"""Single-use download links: how the page hands a file to the browser without the token.

A download is a plain navigation (``<a download>``): the browser cannot add the
``X-Qrbatch-Token`` header to it, and putting the token in the address would spread it
(history, the download list, other programs that read them). So the page asks the API,
with the header, for a link to one file; the link is a random id that is good for one
request within ``LINK_SECONDS``, and names nothing but that file. A link that leaks
later (from history, a log, another user's ``ps``) opens nothing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

LINK_SECONDS = 60.0
"""How long a link stays good: long enough for the browser to follow it at once."""
MAX_LINKS = 1000
"""Outstanding links kept at most; a page that asks for more loses the oldest."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What one link opens: a run's file of one kind."""

    run: str
    kind: str


class DownloadLinks:
    """Mint links (``mint``) and take each back once (``redeem``)."""

    def __init__(
        self, *, seconds: float = LINK_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._clock = clock
        self._links: dict[str, tuple[float, Grant]] = {}

    def mint(self, grant: Grant) -> str:
        """A new random id for ``grant``, good once, for ``seconds``."""
        now = self._clock()
        self._links = {k: v for k, v in self._links.items() if v[0] > now}
        while len(self._links) >= MAX_LINKS:
            self._links.pop(next(iter(self._links)))
        link = secrets.token_urlsafe(24)
        self._links[link] = (now + self._seconds, grant)
        return link

    def redeem(self, link: str) -> Grant | None:
        """What ``link`` opens, the first time within its lifetime; None ever after."""
        entry = self._links.pop(link, None)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]
