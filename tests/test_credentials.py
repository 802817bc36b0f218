"""Credentials as Alibaba Cloud tools find them: env, aliyun CLI profile, credentials.ini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qrbatch.cams.credentials import credentials_reader, find_credentials
from qrbatch.errors import CredentialsError
from qrbatch.words import describe, speaking

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
    assert "pass endpoint='sandbox'" in text  # a Python caller reads Python
    with speaking(audience="cli"):
        assert "Set them, e.g. export ALIBABA_CLOUD_ACCESS_KEY_ID=" in str(caught.value)
        assert str(caught.value).endswith("without an account: pass --endpoint sandbox")
    page = describe(caught.value, language="id", audience="page")
    assert "Isi AccessKey di panel Akun, atau coba alat ini tanpa akun: pilih layanan" in page
    assert caught.value.exit_code == 2


SECRET = "s3cr%t-(value)-never-shown"


def test_a_secret_with_a_percent_sign_is_read_as_written(tmp_path: Path) -> None:
    credentials_ini(
        tmp_path,
        f"[default]\ntype = access_key\naccess_key_id = LTAIpct\naccess_key_secret = {SECRET}\n",
    )
    found = find_credentials(env={}, home=tmp_path)
    assert (found.access_key_id, found.access_key_secret) == ("LTAIpct", SECRET)
    assert SECRET not in repr(found)
    assert found.source == f"{tmp_path / '.alibabacloud' / 'credentials.ini'} (profile default)"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f"[default]\naccess_key_id = LTAIbad\n{SECRET}\n", "line 3"),
        (f"access_key_secret = {SECRET}\n[default]\n", "line 1"),
        (f"[default]\naccess_key_secret = {SECRET}\naccess_key_secret = {SECRET}\n", "line 3"),
    ],
)
def test_a_malformed_credentials_file_names_the_line_but_never_the_secret(
    tmp_path: Path, text: str, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = credentials_ini(tmp_path, text)
    with pytest.raises(CredentialsError) as caught:
        find_credentials(env={}, home=tmp_path)
    error = caught.value
    assert str(path) in str(error) and where in str(error)
    for shown in (str(error), repr(error), caplog.text):
        assert SECRET not in shown and "s3cr" not in shown
    assert error.__cause__ is None and error.__suppress_context__  # no chained traceback


def test_a_broken_aliyun_config_never_quotes_its_content(tmp_path: Path) -> None:
    folder = tmp_path / ".aliyun"
    folder.mkdir()
    (folder / "config.json").write_text('{"profiles": [{"access_key_secret": "' + SECRET + '",}]}')
    with pytest.raises(CredentialsError) as caught:
        find_credentials(env={}, home=tmp_path)
    assert "line 1" in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("env", "present", "missing"),
    [
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIhalf"}, "_KEY_ID", "_KEY_SECRET"),
        ({"ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET}, "_KEY_SECRET", "_KEY_ID"),
    ],
)
def test_half_a_key_pair_in_the_environment_is_warned_about_and_the_files_are_used(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    present: str,
    missing: str,
) -> None:
    credentials_ini(
        tmp_path, "[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = s\n"
    )
    with caplog.at_level("WARNING", logger="qrbatch"):
        found = find_credentials(env=env, home=tmp_path)
    assert found.access_key_id == "LTAIini" and found.source.endswith("(profile default)")
    [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
    text = warning.getMessage()
    assert f"ALIBABA_CLOUD_ACCESS{present} is set but ALIBABA_CLOUD_ACCESS{missing}" in text
    assert SECRET not in caplog.text


def test_a_full_pair_in_the_environment_warns_about_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="qrbatch"):
        assert find_credentials(env=ENV, home=tmp_path).source == "environment"
    assert caplog.records == []


def test_credentials_reader_looks_again_each_time(tmp_path: Path) -> None:
    path = credentials_ini(
        tmp_path, "[default]\ntype = access_key\naccess_key_id = LTAIold\naccess_key_secret = s\n"
    )
    read = credentials_reader(env={}, home=tmp_path)
    assert read().access_key_id == "LTAIold"
    path.write_text(
        "[default]\ntype = access_key\naccess_key_id = LTAInew\naccess_key_secret = s\n"
    )
    assert read().access_key_id == "LTAInew"


def test_the_source_used_is_logged_without_the_secret_or_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {**ENV, "ALIBABA_CLOUD_SECURITY_TOKEN": "sts-token-value"}
    with caplog.at_level("DEBUG", logger="qrbatch"):
        find_credentials(env=env, home=tmp_path)
    assert "LTAIenv" in caplog.text and "environment" in caplog.text
    assert "env-secret" not in caplog.text and "sts-token-value" not in caplog.text
