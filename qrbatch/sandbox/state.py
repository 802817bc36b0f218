"""What the simulated CAMS knows: accounts, their keys and numbers, and live QR codes.

Business rules live here, as CAMS applies them after the gateway has let a call through:
a malformed value is ``InvalidParameter``, a well-formed number that is not the
account's is ``Unknown.ResourceOwnerId``, and Update issues a new code and retires the
old one (the API reference sends D9II3... and gets D9AA3... back).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_MESSAGE_CHARS = 140
MAX_CODES_PER_NUMBER = 2000
IMAGE_TYPES = ("PNG", "SVG")
ALL_ACTIONS = frozenset(
    {
        "CreatePhoneMessageQrdl",
        "ListPhoneMessageQrdl",
        "UpdatePhoneMessageQrdl",
        "DeletePhoneMessageQrdl",
    }
)
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
    numbers: set[str]
    spaces: set[str] = field(default_factory=set)
    subscribed: bool = True
    codes: dict[str, dict[str, Code]] = field(default_factory=dict)  # phone -> code -> Code
    created: int = 0

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

    @classmethod
    def demo(cls, numbers: Iterable[str] = DEMO_NUMBERS) -> World:
        """One account with the demo key and the sample inputs' business numbers."""
        world = cls()
        world.add_account("demo", numbers=numbers, spaces=("cams-demo-space",))
        world.add_key(DEMO_KEY_ID, DEMO_KEY_SECRET, "demo")
        return world

    def add_account(
        self,
        name: str,
        *,
        numbers: Iterable[str],
        spaces: Iterable[str] = (),
        subscribed: bool = True,
    ) -> Account:
        account = Account(name, set(numbers), set(spaces), subscribed)
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
