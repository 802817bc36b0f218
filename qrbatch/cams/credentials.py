"""Alibaba Cloud AccessKey credentials, found where Alibaba Cloud tools look for them.

Order: environment variables, then the aliyun CLI profile file ``~/.aliyun/config.json``,
then ``~/.alibabacloud/credentials.ini``. ``Credentials.source`` says which one was used.

The secret never appears in ``repr``, errors or logs: the files are parsed raw (no ``%``
interpolation, whose errors quote the value) and a malformed line is reported by its
number only, since a line of a credentials file may be a secret. Half a key pair in the
environment is ignored with a warning rather than silently, so a typo in an export does
not quietly pick up another profile's key.
"""

from __future__ import annotations

import configparser
import io
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qrbatch.errors import CredentialsError
from qrbatch.state_home import write_private
from qrbatch.words import Words

ENV_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"

log = logging.getLogger("qrbatch")


@dataclass(frozen=True, slots=True)
class Credentials:
    """An AccessKey pair (and STS token); ``source`` says where it was found."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    source: str = "explicit"


def _from_env(env: Mapping[str, str]) -> Credentials | None:
    key_id = env.get(ENV_KEY_ID, "").strip()
    secret = env.get(ENV_KEY_SECRET, "").strip()
    if key_id and secret:
        token = env.get(ENV_TOKEN, "").strip() or None
        return Credentials(key_id, secret, token, source="environment")
    if key_id or secret:
        present, missing = (ENV_KEY_ID, ENV_KEY_SECRET) if key_id else (ENV_KEY_SECRET, ENV_KEY_ID)
        log.warning(
            "%s is set but %s is not: ignoring both and looking in the profile files",
            present,
            missing,
        )
    return None


def _from_aliyun_cli(path: Path, profile: str | None) -> Credentials | None:
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CredentialsError.of(
            "credentials.unreadable", file=path, reason=exc.strerror
        ) from None
    except json.JSONDecodeError as exc:
        # exc.msg and the position never quote the file's content.
        raise CredentialsError.of(
            "credentials.not_json", file=path, line=exc.lineno, column=exc.colno, reason=exc.msg
        ) from None
    except UnicodeDecodeError as exc:
        raise CredentialsError.of("credentials.not_utf8", file=path, byte=exc.start) from None
    if not isinstance(config, dict):
        raise CredentialsError.of("credentials.not_cli_config", file=path)
    name = profile or config.get("current") or "default"
    profiles = config.get("profiles", [])
    for entry in profiles if isinstance(profiles, list) else []:
        if not isinstance(entry, dict) or entry.get("name") != name:
            continue
        mode = entry.get("mode", "AK")
        if mode not in ("AK", "StsToken"):
            raise CredentialsError.of("credentials.cli_mode", file=path, profile=name, mode=mode)
        key_id, secret = entry.get("access_key_id", ""), entry.get("access_key_secret", "")
        if not key_id or not secret:
            return None
        token = entry.get("sts_token") if mode == "StsToken" else None
        return Credentials(key_id, secret, token or None, source=f"{path} (profile {name})")
    return None


def _ini_problem(path: Path, exc: configparser.Error) -> CredentialsError:
    """Say where a credentials file is malformed without quoting any of it."""
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return CredentialsError.of("credentials.ini_before_header", file=path, line=exc.lineno)
    if isinstance(exc, configparser.ParsingError):
        lines = ", ".join(str(lineno) for lineno, _ in exc.errors)
        return CredentialsError.of("credentials.ini_not_setting", file=path, line=lines)
    if isinstance(exc, configparser.DuplicateSectionError):
        return CredentialsError.of(
            "credentials.ini_profile_twice", file=path, profile=exc.section, line=exc.lineno
        )
    if isinstance(exc, configparser.DuplicateOptionError):
        return CredentialsError.of(
            "credentials.ini_setting_twice", file=path, profile=exc.section, line=exc.lineno
        )
    return CredentialsError.of("credentials.ini_unreadable", file=path, reason=type(exc).__name__)


def _from_credentials_ini(path: Path, profile: str | None) -> Credentials | None:
    if not path.is_file():
        return None
    # Raw: a secret may contain "%", which interpolation would reject quoting the value.
    parser = configparser.RawConfigParser(interpolation=None)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CredentialsError.of(
            "credentials.unreadable", file=path, reason=exc.strerror
        ) from None
    except UnicodeDecodeError as exc:
        raise CredentialsError.of("credentials.not_utf8", file=path, byte=exc.start) from None
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise _ini_problem(path, exc) from None
    name = profile or "default"
    if not parser.has_section(name):
        return None
    section = parser[name]
    kind = section.get("type", "access_key")
    if kind != "access_key":
        raise CredentialsError.of("credentials.ini_type", file=path, profile=name, type=kind)
    key_id = (section.get("access_key_id") or "").strip()
    secret = (section.get("access_key_secret") or "").strip()
    if key_id and secret:
        return Credentials(key_id, secret, source=f"{path} (profile {name})")
    return None


def find_credentials(
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    profile: str | None = None,
) -> Credentials:
    """Return the first credentials found, or raise CredentialsError saying where it looked.

    An explicit ``profile`` skips the environment variables; ALIBABA_CLOUD_PROFILE only
    picks the profile inside the files.
    """
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    explicit = profile is not None
    profile = profile or env.get(ENV_PROFILE) or None
    cli_path = home / ".aliyun" / "config.json"
    ini_path = Path(env.get(ENV_CREDENTIALS_FILE) or home / ".alibabacloud" / "credentials.ini")
    found = (
        (None if explicit else _from_env(env))
        or _from_aliyun_cli(cli_path, profile)
        or _from_credentials_ini(ini_path, profile)
    )
    if found is None:
        raise CredentialsError.of(
            "credentials.none",
            wanted=Words("credentials.for_profile", profile=profile) if profile else "",
            key_id=ENV_KEY_ID,
            key_secret=ENV_KEY_SECRET,
            cli_path=cli_path,
            ini_path=ini_path,
        )
    # DEBUG: the engine reports the source in its own run_start event (JSON logs start there).
    log.debug(
        "using AccessKey %s%s from %s",
        found.access_key_id,
        " with an STS token" if found.security_token else "",
        found.source,
    )
    return found


def credentials_reader(
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    profile: str | None = None,
) -> Callable[[], Credentials]:
    """A callable that looks for credentials afresh each time it is called.

    Pass it as ``CamsClient(refresh_credentials=...)``: when the gateway refuses an STS
    token, the client re-reads once (a tool may have written a new token meanwhile).
    """

    def read() -> Credentials:
        return find_credentials(env=env, home=home, profile=profile)

    return read


def read_profile(path: Path, profile: str) -> Credentials | None:
    """The key pair of ``[profile]`` in the INI credentials file ``path``, or None when the
    file or the profile is missing (CredentialsError for a malformed file, quoting none of
    it)."""
    return _from_credentials_ini(path, profile)


def save_profile(path: Path, profile: str, access_key_id: str, access_key_secret: str) -> None:
    """Write ``[profile]`` (type access_key) into the INI credentials file ``path``, keeping
    its other profiles; the file is 0600, replaced whole (never half-written)."""
    parser = configparser.RawConfigParser(interpolation=None)
    if path.is_file():
        try:
            parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
        except configparser.Error as exc:
            raise CredentialsError(_ini_problem(path, exc)) from None
    if not parser.has_section(profile):
        parser.add_section(profile)
    parser[profile]["type"] = "access_key"
    parser[profile]["access_key_id"] = access_key_id
    parser[profile]["access_key_secret"] = access_key_secret
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = io.StringIO()
    parser.write(text)
    write_private(path, text.getvalue())
