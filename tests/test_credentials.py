"""Credentials as Alibaba Cloud tools find them: env, aliyun CLI profile, credentials.ini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qrbatch.cams.credentials import find_credentials
from qrbatch.errors import CredentialsError

ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}


def aliyun_config(home: Path, profiles: list[dict[str, str]], current: str = "default") -> None:
    folder = home / ".aliyun"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"current": current, "profiles": profiles}))


def credentials_ini(home: Path, text: str) -> Path:
    folder = home / ".alibabacloud"
    folder.mkdir(parents=True)
    path = folder / "credentials.ini"
    path.write_text(text)
    return path


def test_environment_variables_come_first(tmp_path: Path) -> None:
    aliyun_config(
        tmp_path,
        [{"name": "default", "mode": "AK", "access_key_id": "LTAIcli", "access_key_secret": "s"}],
    )
    found = find_credentials(env={**ENV, "ALIBABA_CLOUD_SECURITY_TOKEN": "sts"}, home=tmp_path)
    assert (found.access_key_id, found.access_key_secret, found.security_token) == (
        "LTAIenv",
        "env-secret",
        "sts",
    )
    assert found.source == "environment"


def test_the_aliyun_cli_profile_is_next_current_or_chosen(tmp_path: Path) -> None:
    aliyun_config(
        tmp_path,
        [
            {
                "name": "default",
                "mode": "AK",
                "access_key_id": "LTAIdefault",
                "access_key_secret": "s1",
            },
            {
                "name": "prod",
                "mode": "StsToken",
                "access_key_id": "STS.prod",
                "access_key_secret": "s2",
                "sts_token": "tok",
            },
        ],
        current="default",
    )
    assert find_credentials(env={}, home=tmp_path).access_key_id == "LTAIdefault"
    chosen = find_credentials(env={"ALIBABA_CLOUD_PROFILE": "prod"}, home=tmp_path)
    assert (chosen.access_key_id, chosen.security_token) == ("STS.prod", "tok")
    flagged = find_credentials(env=ENV, home=tmp_path, profile="prod")  # a flag skips env vars
    assert flagged.access_key_id == "STS.prod"


def test_credentials_ini_is_last_and_its_path_can_move(tmp_path: Path) -> None:
    credentials_ini(
        tmp_path, "[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = s\n"
    )
    assert find_credentials(env={}, home=tmp_path).access_key_id == "LTAIini"
    moved = tmp_path / "elsewhere.ini"
    moved.write_text("[ops]\ntype = access_key\naccess_key_id = LTAIops\naccess_key_secret = s\n")
    env = {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(moved), "ALIBABA_CLOUD_PROFILE": "ops"}
    assert find_credentials(env=env, home=tmp_path).access_key_id == "LTAIops"


def test_unsupported_modes_are_named(tmp_path: Path) -> None:
    aliyun_config(tmp_path, [{"name": "default", "mode": "EcsRamRole"}])
    with pytest.raises(CredentialsError, match="EcsRamRole"):
        find_credentials(env={}, home=tmp_path)


def test_nothing_found_lists_where_it_looked_and_suggests_the_sandbox(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError) as caught:
        find_credentials(env={}, home=tmp_path)
    text = str(caught.value)
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in text
    assert str(tmp_path / ".aliyun" / "config.json") in text
    assert str(tmp_path / ".alibabacloud" / "credentials.ini") in text
    assert "--endpoint sandbox" in text
    assert caught.value.exit_code == 2
