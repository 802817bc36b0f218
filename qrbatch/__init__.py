"""qrbatch: spreadsheets in, WhatsApp message QR codes (Alibaba Cloud CAMS) out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qrbatch")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

from qrbatch.batch import RunResult, run_batch, validate_input  # noqa: E402
from qrbatch.job import Job  # noqa: E402

__all__ = ["Job", "RunResult", "__version__", "run_batch", "validate_input"]
