"""A built-in CAMS simulator for trying qrbatch and for its tests (loopback only)."""

from qrbatch.sandbox.app import Faults, NumbersQuery, Sandbox, SandboxConfig
from qrbatch.sandbox.server import SandboxThread, running_sandbox, serve_forever
from qrbatch.sandbox.state import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    DEMO_NUMBERS,
    NUMBER_STATUSES,
    BusinessNumber,
    NumberSpec,
    World,
    parse_number_spec,
)

__all__ = [
    "DEMO_KEY_ID",
    "DEMO_KEY_SECRET",
    "DEMO_NUMBERS",
    "NUMBER_STATUSES",
    "BusinessNumber",
    "Faults",
    "NumberSpec",
    "NumbersQuery",
    "Sandbox",
    "SandboxConfig",
    "SandboxThread",
    "World",
    "parse_number_spec",
    "running_sandbox",
    "serve_forever",
]
