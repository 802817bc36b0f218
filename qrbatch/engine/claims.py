"""Claims: what the engine asks an account registry around each Create or Update, so
that two runs of one account (on one host or many) never send the same request.

The protocol (``Claims``) is met by each registry backend (``registry`` on one host,
``registry_redis`` across hosts) and by ``NoClaims`` (a run alone). See the registry
modules for what the answers mean and why they are safe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal, Protocol

from qrbatch.engine.pacing import AdaptivePacer

ClaimOutcome = Literal["granted", "settled", "orphaned", "busy"]


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to ``take``: create it, reuse another run's code, List first, or wait
    (``busy``: another live run holds it; ``holder`` says which)."""

    outcome: ClaimOutcome
    code: str = ""
    deep_link: str = ""
    image_url: str = ""
    since: float = 0.0  # orphaned: when (``Claims.stamp`` time) its holder was given up
    holder: str = ""  # busy: the run holding it, for the log


GRANTED = Claim("granted")


class Claims(Protocol):
    """What the engine calls around each Create or Update.

    ``wait_turn`` before taking a pacer slot (waits, without a slot, while another live
    run holds the request; a settled answer means reuse); ``take`` once the slot is
    taken, just before the send (raises ``RegistryUnavailableError`` when the registry
    cannot be used: fail closed); then ``settle`` or ``release``."""

    async def wait_turn(self, key: str) -> Claim | None: ...

    async def take(self, key: str) -> Claim: ...

    async def settle(
        self, key: str, *, code: str, deep_link: str = "", image_url: str = ""
    ) -> None: ...

    async def release(self, key: str, *, outcome_unknown: bool = False) -> None: ...

    def stamp(self) -> float: ...


class NoClaims:
    """Claims when there is no registry: every claim is granted (one run alone)."""

    async def wait_turn(self, key: str) -> Claim | None:
        return None

    async def take(self, key: str) -> Claim:
        return GRANTED

    async def settle(
        self, key: str, *, code: str, deep_link: str = "", image_url: str = ""
    ) -> None:
        return None

    async def release(self, key: str, *, outcome_unknown: bool = False) -> None:
        return None

    def stamp(self) -> float:
        return time.time()


class Membership(Protocol):
    """A run's membership of an account registry, whichever backend: left at the end."""

    def observe(self, event: object) -> None:
        """The run's events (rows finished, the batch's size), for ``qrbatch accounts``."""
        ...

    async def leave(self) -> None:
        """Leave: claims still held become "List first" for the next claimer. Raises
        RegistryUnavailableError if the registry refused this run a claim (it stopped
        sending Creates and Updates, their rows pending): the run ends with it, after
        its outputs are written (exit 69)."""
        ...


@dataclass(slots=True)
class AccountPacing:
    """A run's pacer and claims: shared through an account registry (``registry``), or
    this process's own."""

    pacer: AdaptivePacer
    claims: Claims
    registry: Membership | None = None

    @property
    def shared(self) -> bool:
        return self.registry is not None

    async def close(self) -> None:
        """Leave the registry (if any); the pacer's own ``close`` only stops sending.
        Raises RegistryUnavailableError as ``Membership.leave`` says."""
        if self.registry is not None:
            await self.registry.leave()


@dataclass(frozen=True, slots=True, kw_only=True)
class RunView:
    """One run of an account, as ``qrbatch accounts`` shows it."""

    host: str
    pid: int
    command: str = ""
    lease_left: float | None = None  # seconds; negative: lapsed (frozen or dead)
    rows_done: int | None = None
    rows_total: int | None = None
    claims_held: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountView:
    """One account in a registry: its shared rate and the runs on it now."""

    registry: str  # local (its folder) or the Redis URL without its password
    account: str  # the registry's name for it (a hash: never a key or a secret)
    rate: float | None
    ceiling: float | None
    sends: int | None = None  # sends recorded since the registry knew the account
    throttles: int | None = None
    runs: tuple[RunView, ...] = ()
