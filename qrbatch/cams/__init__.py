"""Everything that talks to Alibaba Cloud CAMS; aiohttp stays inside this package."""

from qrbatch.cams.client import DEFAULT_ENDPOINT, CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials, credentials_reader, find_credentials
from qrbatch.cams.errors import is_cap_reached, is_not_found, is_token_refused
from qrbatch.cams.models import IMAGE_TYPES, Answer, Qrdl

__all__ = [
    "DEFAULT_ENDPOINT",
    "IMAGE_TYPES",
    "Answer",
    "CamsClient",
    "Credentials",
    "Qrdl",
    "UnpacedPacer",
    "credentials_reader",
    "find_credentials",
    "is_cap_reached",
    "is_not_found",
    "is_token_refused",
]
