"""Typed results of the CAMS QR-code actions, and the service's defaults (no HTTP here:
settings and checks read these without loading the client)."""

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


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: the request id plus what it carried."""

    request_id: str
    qrdl: Qrdl | None = None
    qrdls: tuple[Qrdl, ...] = ()
