"""Typed results of the CAMS actions qrbatch calls (the four QR-code actions and
QueryChatappPhoneNumbers), and the service's defaults (no HTTP here: settings and checks
read these without loading the client)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# The only documented endpoint (region ap-southeast-1), and how long one call may take.
DEFAULT_ENDPOINT = "https://cams.ap-southeast-1.aliyuncs.com"
DEFAULT_TIMEOUT = 10.0

ImageType = Literal["PNG", "SVG"]
IMAGE_TYPES: tuple[ImageType, ...] = ("PNG", "SVG")


@dataclass(frozen=True, slots=True)
class Qrdl:
    """One message QR code ("qrdl") as CAMS returns it."""

    code: str
    phone_number: str
    prefilled_message: str
    image_type: str
    deep_link_url: str
    qr_image_url: str

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Qrdl:
        """Build from a response ``Data`` object (missing fields become empty strings)."""

        def text(name: str) -> str:
            value = data.get(name)
            return "" if value is None else str(value)

        return cls(
            code=text("QrdlCode"),
            phone_number=text("PhoneNumber"),
            prefilled_message=text("PrefilledMessage"),
            image_type=text("GenerateQrImage").upper(),
            deep_link_url=text("DeepLinkUrl"),
            qr_image_url=text("QrImageUrl"),
        )


# WhatsApp number statuses (QueryChatappPhoneNumbers' ``Status``) under which no QR code
# of the number can be expected to work: the number is gone, not yet or no longer
# verified, or moved elsewhere. UNKNOWN is here because nothing vouches for it.
UNUSABLE_STATUSES = frozenset(
    {"BANNED", "DELETED", "DISCONNECTED", "UNVERIFIED", "PENDING", "MIGRATED", "UNKNOWN"}
)
# Statuses under which the number still works but WhatsApp has put it under watch: worth
# telling the person, not worth stopping for.
WARNING_STATUSES = frozenset({"FLAGGED", "RESTRICTED", "RATE_LIMITED"})


@dataclass(frozen=True, slots=True)
class AccountNumber:
    """One WhatsApp business number of the account, as QueryChatappPhoneNumbers lists it."""

    phone: str  # country code + digits, no "+"
    verified_name: str  # the business name WhatsApp shows
    status: str  # CONNECTED, FLAGGED, BANNED, ... (upper case; "" if not given)
    quality_rating: str  # GREEN, YELLOW, RED, UNKNOWN (upper case; "" if not given)
    messaging_limit_tier: str
    code_verification_status: str

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> AccountNumber:
        """Build from one ``PhoneNumbers`` item (missing fields become empty strings)."""

        def text(name: str) -> str:
            value = item.get(name)
            return "" if value is None else str(value).strip()

        return cls(
            phone=text("PhoneNumber").removeprefix("+"),
            verified_name=text("VerifiedName"),
            status=text("Status").upper(),
            quality_rating=text("QualityRating").upper(),
            messaging_limit_tier=text("MessagingLimitTier"),
            code_verification_status=text("CodeVerificationStatus"),
        )

    @property
    def usable(self) -> bool:
        """False if the status says the number's QR codes cannot work; an empty status
        (a gateway that leaves it out) gives the benefit of the doubt."""
        return self.status not in UNUSABLE_STATUSES

    @property
    def warning(self) -> str:
        """A short reason to warn about a usable number, or "" if there is none."""
        if self.status in WARNING_STATUSES:
            return f"number {self.status} by WhatsApp"
        if self.quality_rating == "RED":
            return "quality rating RED"
        return ""


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: the request id plus what it carried."""

    request_id: str
    qrdl: Qrdl | None = None
    qrdls: tuple[Qrdl, ...] = ()
    numbers: tuple[AccountNumber, ...] = ()
