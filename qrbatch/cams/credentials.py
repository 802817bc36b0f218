"""Alibaba Cloud AccessKey credentials, found where Alibaba Cloud tools look for them.

Order: environment variables, then the aliyun CLI profile file ``~/.aliyun/config.json``,
then ``~/.alibabacloud/credentials.ini``. The secret never appears in ``repr`` or errors.
"""

from __future__ import annotations

import configparser
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qrbatch.errors import CredentialsError

ENV_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"


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
    return None


def _from_aliyun_cli(path: Path, profile: str | None) -> Credentials | None:
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CredentialsError(f"{path}: not a readable aliyun CLI config ({exc})") from None
    name = profile or config.get("current") or "default"
    for entry in config.get("profiles", []):
        if entry.get("name") != name:
            continue
        mode = entry.get("mode", "AK")
        if mode not in ("AK", "StsToken"):
            raise CredentialsError(
                f"{path}: profile {name!r} uses mode {mode!r}; qrbatch supports AK and StsToken"
            )
        key_id, secret = entry.get("access_key_id", ""), entry.get("access_key_secret", "")
        if not key_id or not secret:
            return None
        token = entry.get("sts_token") if mode == "StsToken" else None
        return Credentials(key_id, secret, token or None, source=f"{path} (profile {name})")
    return None


def _from_credentials_ini(path: Path, profile: str | None) -> Credentials | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error) as exc:
        raise CredentialsError(f"{path}: not a readable credentials file ({exc})") from None
    name = profile or "default"
    if not parser.has_section(name):
        return None
    section = parser[name]
    if section.get("type", "access_key") != "access_key":
        raise CredentialsError(
            f"{path}: profile {name!r} has type {section.get('type')!r}; "
            "qrbatch supports type = access_key"
        )
    key_id, secret = section.get("access_key_id", ""), section.get("access_key_secret", "")
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
        wanted = f" for profile {profile!r}" if profile else ""
        raise CredentialsError(
            f"no Alibaba Cloud AccessKey found{wanted}. Looked in: environment variables "
            f"{ENV_KEY_ID} and {ENV_KEY_SECRET}; {cli_path}; {ini_path}.\n"
            f"Set them, e.g. export {ENV_KEY_ID}=... {ENV_KEY_SECRET}=..., "
            "or try the tool without an account: --endpoint sandbox"
        )
    return found
