"""Everything that talks to Alibaba Cloud CAMS; aiohttp stays inside this package."""

from qrbatch.cams.client import DEFAULT_ENDPOINT, CamsClient, UnpacedPacer
from qrbatch.cams.credentials import Credentials, find_credentials
from qrbatch.cams.models import IMAGE_TYPES, Answer, Qrdl

__all__ = [
    "DEFAULT_ENDPOINT",
    "IMAGE_TYPES",
    "Answer",
    "CamsClient",
    "Credentials",
    "Qrdl",
    "UnpacedPacer",
    "find_credentials",
]
