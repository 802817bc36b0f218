"""The installed qrbatch version (never blank: a source tree says so)."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("qrbatch")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "0.0.0+source"
