"""Who may use the page: a token that lasts, and an optional team password.

**The token lasts.** It is kept in the state folder (``token``, 0600) and read again on
every start, so the address printed once, or bookmarked, keeps opening the page after
``qrbatch serve`` or the browser restarts. ``new_token=True`` (``--new-token``) replaces
it: every address printed before stops working.

**A password, for a team server.** ``set_password`` stores a scrypt hash of it
(``password``, 0600; salt and cost beside the hash, as Jupyter keeps its own), never the
password. While one is stored the page shows a sign-in form; the right password gives
the browser the token, which then travels exactly as the printed one does (a header,
never a cookie). Failed attempts are slowed down, one at a time.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from qrbatch.errors import ConfigError
from qrbatch.state_home import write_private

TOKEN_FILE = "token"
PASSWORD_FILE = "password"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
FAILED_SIGNIN_DELAY = 1.0
"""Seconds a wrong password waits before its answer (attempts queue, one at a time)."""
MIN_TOKEN_LENGTH = 32


def new_token() -> str:
    """A secret for the printed address: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def _read_private(path: Path) -> str | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"cannot read {path} ({error.strerror})") from None
    with os.fdopen(descriptor, encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # tighten a copy restored with looser rights
        return handle.read().strip()


def lasting_token(folder: Path, *, renew: bool = False) -> str:
    """The page's token, kept in ``folder/token``: the same on every start, a new one
    (and every earlier address dead) with ``renew``."""
    path = folder / TOKEN_FILE
    kept = None if renew else _read_private(path)
    if kept is not None and len(kept) >= MIN_TOKEN_LENGTH:
        return kept
    token = new_token()
    write_private(path, token + "\n")
    return token


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): what is stored instead of the password."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a ``hash_password`` string) was made of."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        given = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def set_password(folder: Path, password: str) -> None:
    """Store ``password``'s hash: the page asks for it from now on."""
    if not password:
        raise ConfigError("the password is empty: type one, or press Ctrl-C")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(folder / PASSWORD_FILE, hash_password(password) + "\n")


def remove_password(folder: Path) -> None:
    """Forget the password: the page is opened by its address alone again."""
    (folder / PASSWORD_FILE).unlink(missing_ok=True)


def stored_password(folder: Path) -> str | None:
    """The stored hash, or None when the page has no password."""
    return _read_private(folder / PASSWORD_FILE) or None


class SignIn:
    """Checks passwords for the sign-in form, one attempt at a time, each wrong one
    answered only after ``delay`` seconds (guessing stays slow)."""

    def __init__(self, stored: str | None, *, delay: float = FAILED_SIGNIN_DELAY) -> None:
        self.stored = stored
        self._delay = delay
        self._one_at_a_time = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        return self.stored is not None

    async def check(self, password: str) -> bool:
        if self.stored is None:
            return False
        async with self._one_at_a_time:
            ok = await asyncio.to_thread(password_matches, password, self.stored)
            if not ok:
                await asyncio.sleep(self._delay)
            return ok
