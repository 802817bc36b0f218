"""What the simulated CAMS knows: accounts, their keys and numbers, and live QR codes.

Business rules live here, as CAMS applies them after the gateway has let a call through:
a malformed value is ``InvalidParameter``, a well-formed number that is not the
account's is ``Unknown.ResourceOwnerId``, and Update issues a new code and retires the
old one (the API reference sends D9II3... and gets D9AA3... back).

Each business number carries what QueryChatappPhoneNumbers reports of it (verified
name, status, quality rating, ...): ``Account.numbers`` stays the plain set of phones
that decides ownership, and ``Account.profile`` gives a number's details, CONNECTED and
GREEN with a generated name ("Demo Store 7001") unless registered otherwise. The QR
actions do not look at a number's status: what CAMS does with a BANNED number's Create
is unconfirmed, so only ownership is checked, as before.
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

MAX_MESSAGE_CHARS = 140
MAX_CODES_PER_NUMBER = 2000
IMAGE_TYPES = ("PNG", "SVG")
QUERY_NUMBERS = "QueryChatappPhoneNumbers"
QR_ACTIONS = frozenset(
    {
        "CreatePhoneMessageQrdl",
        "ListPhoneMessageQrdl",
        "UpdatePhoneMessageQrdl",
        "DeletePhoneMessageQrdl",
    }
)
ALL_ACTIONS = QR_ACTIONS | {QUERY_NUMBERS}
# QueryChatappPhoneNumbers' Status values (CAMS-API.md), and its QualityRating values.
NUMBER_STATUSES = frozenset(
    {
        "CONNECTED",
        "PENDING",
        "FLAGGED",
        "RESTRICTED",
        "RATE_LIMITED",
        "UNVERIFIED",
        "MIGRATED",
        "DISCONNECTED",
        "BANNED",
        "DELETED",
        "UNKNOWN",
    }
)
QUALITY_RATINGS = frozenset({"GREEN", "YELLOW", "RED", "UNKNOWN"})
_CODE_ALPHABET = string.ascii_uppercase + string.digits
# A business number as CAMS takes it: country code and digits, no "+", E.164 length.
_PHONE = re.compile(r"\A[1-9][0-9]{6,14}\Z")

DEMO_KEY_ID = "LTAI5sandboxDemoKey"
DEMO_KEY_SECRET = "sandbox-demo-secret-not-a-real-key"
DEMO_NUMBERS = (
    "6281234567890",
    "6281298765432",
    "6591234567",
    "14155550123",
    "447911123456",
    "8613800138000",
    "5511987654321",
    "34612345678",
)


def demo_name(phone: str) -> str:
    """The verified name a number gets when none is given: "Demo Store 7001"."""
    return f"Demo Store {phone[-4:]}"


@dataclass(frozen=True, slots=True)
class BusinessNumber:
    """A business number as WhatsApp (and QueryChatappPhoneNumbers) describes it."""

    phone: str
    verified_name: str = ""  # "" -> demo_name(phone)
    status: str = "CONNECTED"
    quality_rating: str = "GREEN"
    messaging_limit_tier: str = "TIER_1K"
    code_verification_status: str = "VERIFIED"
    name_status: str = "APPROVED"

    def __post_init__(self) -> None:
        if self.status not in NUMBER_STATUSES:
            raise ValueError(f"unknown number status {self.status!r}")
        if self.quality_rating not in QUALITY_RATINGS:
            raise ValueError(f"unknown quality rating {self.quality_rating!r}")
        if not self.verified_name:
            object.__setattr__(self, "verified_name", demo_name(self.phone))


# How a number may be registered: a bare phone (CONNECTED, GREEN, generated name), the
# (phone, status, name) that parse_number_spec returns, or a full BusinessNumber.
NumberSpec: TypeAlias = str | tuple[str, str, str] | BusinessNumber


def business_number(spec: NumberSpec) -> BusinessNumber:
    """Read one NumberSpec."""
    if isinstance(spec, BusinessNumber):
        return spec
    if isinstance(spec, str):
        return BusinessNumber(spec)
    phone, status, name = spec
    return BusinessNumber(phone, name, (status or "CONNECTED").upper())


def parse_number_spec(text: str) -> tuple[str, str, str]:
    """Read ``PHONE[:STATUS[:NAME]]`` (``qrbatch sandbox --number``) as (phone, status, name).

    The phone loses a leading ``+`` and must be country code and digits; STATUS is one
    of QueryChatappPhoneNumbers' statuses in any case (default CONNECTED); NAME, which
    may itself hold colons, defaults to a generated "Demo Store 7001". A bad phone or
    status raises ValueError saying what is accepted.
    """
    phone, _, rest = text.strip().partition(":")
    status, _, name = rest.partition(":")
    phone = phone.strip().removeprefix("+")
    if not _PHONE.match(phone):
        raise ValueError(
            f"{text!r}: the phone must be the country code and number, digits only "
            "(7 to 15), as PHONE[:STATUS[:NAME]]"
        )
    status = status.strip().upper() or "CONNECTED"
    if status not in NUMBER_STATUSES:
        allowed = ", ".join(sorted(NUMBER_STATUSES))
        raise ValueError(f"{text!r}: unknown status {status!r}; use one of {allowed}")
    return phone, status, name.strip() or demo_name(phone)


class ActionRefused(Exception):
    """A business rule refused the action (becomes a CAMS error answer)."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        detail: dict[str, str] | None = None,
        business: bool = True,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.detail = detail  # AccessDeniedDetail of a RAM refusal
        self.business = business  # CAMS's own rule, not the gateway's


@dataclass(slots=True)
class AccessKey:
    """An AccessKey of an account; with ``security_token`` it is a temporary STS key."""

    key_id: str
    secret: str = field(repr=False)
    account: str
    enabled: bool = True
    actions: frozenset[str] = ALL_ACTIONS
    inactive: bool = False  # InvalidAccessKeyId.Inactive (deactivated in the RAM console)
    security_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None  # wall-clock seconds; STS tokens live 15-60 minutes


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(14))


@dataclass(slots=True)
class Code:
    code: str
    phone: str
    message: str
    image_type: str
    space: str


@dataclass(slots=True)
class Account:
    """One Alibaba Cloud account: its business numbers, spaces and codes."""

    name: str
    numbers: set[str]  # the phones the account owns
    spaces: set[str] = field(default_factory=set)
    subscribed: bool = True
    codes: dict[str, dict[str, Code]] = field(default_factory=dict)  # phone -> code -> Code
    created: int = 0
    profiles: dict[str, BusinessNumber] = field(default_factory=dict)  # phone -> details
    # QueryChatappPhoneNumbers calls signed by this account's keys (a replayed nonce
    # aside), answered or refused (STS token, RAM denial, unknown action, throttling
    # included), so tests can assert how many a run made.
    number_queries: int = 0

    def register(self, spec: NumberSpec) -> BusinessNumber:
        """Own a number (again), with the details ``spec`` gives."""
        number = business_number(spec)
        self.numbers.add(number.phone)
        self.profiles[number.phone] = number
        return number

    def profile(self, phone: str) -> BusinessNumber:
        """The details of an owned number; one added to ``numbers`` directly gets defaults."""
        return self.profiles.get(phone) or BusinessNumber(phone)

    def query_numbers(self, space: str, status: str) -> list[BusinessNumber]:
        """The account's numbers (sorted by phone), only those in ``status`` if given.

        A CustSpaceId is checked as the QR actions check it (not the account's:
        Unknown.ResourceOwnerId); numbers are not kept per space.
        """
        if space and space not in self.spaces:
            raise ActionRefused(
                "Unknown.ResourceOwnerId", f"CustSpaceId {space} does not belong to this account"
            )
        wanted = status.strip().upper()
        numbers = (self.profile(phone) for phone in sorted(self.numbers))
        return [n for n in numbers if not wanted or n.status == wanted]

    def _check_owner(self, phone: str, space: str) -> None:
        if not phone:
            raise ActionRefused("MissingParameter", "PhoneNumber is required")
        if not _PHONE.match(phone):
            raise ActionRefused(
                "InvalidParameter",
                "PhoneNumber must be the country code and number, digits only (7 to 15)",
            )
        if phone not in self.numbers:
            raise ActionRefused(
                "Unknown.ResourceOwnerId", f"phone number {phone} is not registered to this account"
            )
        if space and space not in self.spaces:
            raise ActionRefused(
                "Unknown.ResourceOwnerId", f"CustSpaceId {space} does not belong to this account"
            )

    @staticmethod
    def _check_content(message: str, image_type: str) -> None:
        if not message:
            raise ActionRefused("MissingParameter", "PrefilledMessage is required")
        if not message.strip():
            raise ActionRefused("InvalidParameter", "PrefilledMessage is only whitespace")
        if len(message) > MAX_MESSAGE_CHARS:
            raise ActionRefused(
                "InvalidParameter",
                f"PrefilledMessage is {len(message)} characters; at most {MAX_MESSAGE_CHARS}",
            )
        if image_type not in IMAGE_TYPES:
            raise ActionRefused("InvalidParameter", "GenerateQrImage must be PNG or SVG")

    def create(self, phone: str, message: str, image_type: str, space: str) -> Code:
        self._check_owner(phone, space)
        self._check_content(message, image_type)
        codes = self.codes.setdefault(phone, {})
        if len(codes) >= MAX_CODES_PER_NUMBER:
            raise ActionRefused(
                "QrdlLimitExceeded",
                f"phone number {phone} already has {MAX_CODES_PER_NUMBER} QR codes",
            )
        code = _new_code()
        codes[code] = Code(code, phone, message, image_type, space)
        self.created += 1
        return codes[code]

    def list(self, phone: str, space: str) -> list[Code]:
        self._check_owner(phone, space)
        return list(self.codes.get(phone, {}).values())

    def _existing(self, phone: str, code: str) -> Code:
        found = self.codes.get(phone, {}).get(code)
        if found is None:
            raise ActionRefused("NotFound", f"QR code {code} does not exist on {phone}", 404)
        return found

    def update(self, phone: str, code: str, message: str, image_type: str, space: str) -> Code:
        """Issue a new code with the new message; the old code (and its print) stops working."""
        self._check_owner(phone, space)
        self._check_content(message, image_type)
        old = self._existing(phone, code)
        codes = self.codes[phone]
        new = _new_code()
        while new in codes:
            new = _new_code()
        del codes[code]
        codes[new] = Code(new, phone, message, image_type, old.space or space)
        return codes[new]

    def delete(self, phone: str, code: str, space: str) -> None:
        self._check_owner(phone, space)
        self._existing(phone, code)
        del self.codes[phone][code]

    def all_codes(self) -> Iterable[Code]:
        for codes in self.codes.values():
            yield from codes.values()

    def duplicates(self) -> int:
        """How many codes repeat an earlier code's (phone, message, image, space)."""
        seen: set[tuple[str, str, str, str]] = set()
        extra = 0
        for c in self.all_codes():
            key = (c.phone, c.message, c.image_type, c.space)
            extra += key in seen
            seen.add(key)
        return extra


@dataclass(slots=True)
class World:
    """Every account and key the sandbox knows."""

    accounts: dict[str, Account] = field(default_factory=dict)
    keys: dict[str, AccessKey] = field(default_factory=dict)
    # One world may be served by several sandboxes at once, each on a loop of its own (the
    # DataFrame API keeps one world for the process): each action holds it while it acts.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def demo(cls, numbers: Iterable[NumberSpec] = DEMO_NUMBERS) -> World:
        """One account with the demo key and the sample inputs' business numbers.

        A number may be a bare phone (CONNECTED, GREEN, named "Demo Store 7001"), the
        (phone, status, name) of ``parse_number_spec``, or a BusinessNumber."""
        world = cls()
        world.add_account("demo", numbers=numbers, spaces=("cams-demo-space",))
        world.add_key(DEMO_KEY_ID, DEMO_KEY_SECRET, "demo")
        return world

    def add_account(
        self,
        name: str,
        *,
        numbers: Iterable[NumberSpec],
        spaces: Iterable[str] = (),
        subscribed: bool = True,
    ) -> Account:
        """Add an account owning ``numbers`` (NumberSpecs, as in ``demo``)."""
        account = Account(name, set(), set(spaces), subscribed)
        for spec in numbers:
            account.register(spec)
        self.accounts[name] = account
        return account

    def add_key(
        self,
        key_id: str,
        secret: str,
        account: str,
        *,
        enabled: bool = True,
        actions: Iterable[str] = ALL_ACTIONS,
        inactive: bool = False,
        security_token: str | None = None,
        expires_at: float | None = None,
    ) -> AccessKey:
        """Add a key; with ``security_token`` (and ``expires_at``) a temporary STS key."""
        key = AccessKey(
            key_id,
            secret,
            account,
            enabled,
            frozenset(actions),
            inactive,
            security_token,
            expires_at,
        )
        self.keys[key_id] = key
        return key
