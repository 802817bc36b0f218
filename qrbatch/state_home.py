"""Where qrbatch keeps what is not the user's output: journals of notebook runs, the
account registry, the web page's uploads and runs.

``$QRBATCH_STATE_DIR``, else ``$XDG_STATE_HOME/qrbatch``, else ``~/.local/state/qrbatch``.
"""

from __future__ import annotations

import os
import secrets
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


def write_private(path: Path, text: str) -> None:
    """``text`` into ``path``, readable by its owner only (0600), whole or not at all
    (a temporary file renamed over it), never through a symlink: credentials, the page's
    token and password hash."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
