"""A built-in CAMS simulator for trying qrbatch and for its tests (loopback only)."""

from qrbatch.sandbox.app import Faults, Sandbox, SandboxConfig
from qrbatch.sandbox.server import SandboxThread, running_sandbox, serve_forever
from qrbatch.sandbox.state import DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_NUMBERS, World

__all__ = [
    "DEMO_KEY_ID",
    "DEMO_KEY_SECRET",
    "DEMO_NUMBERS",
    "Faults",
    "Sandbox",
    "SandboxConfig",
    "SandboxThread",
    "World",
    "running_sandbox",
    "serve_forever",
]
