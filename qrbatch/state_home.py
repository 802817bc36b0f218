"""Where qrbatch keeps what is not the user's output: journals of notebook runs, the
account registry, the web page's uploads and runs.

``$QRBATCH_STATE_DIR``, else ``$XDG_STATE_HOME/qrbatch``, else ``~/.local/state/qrbatch``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_STATE_DIR = "QRBATCH_STATE_DIR"


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's qrbatch state folder (not created here)."""
    env = os.environ if env is None else env
    if env.get(ENV_STATE_DIR):
        return Path(env[ENV_STATE_DIR]).expanduser()
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/state")
    return Path(base).expanduser() / "qrbatch"


def frames_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the DataFrame API keeps its journals (one per endpoint and settings)."""
    return default_state_dir(env) / "frames"
