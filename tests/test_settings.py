"""Job settings: TOML job files (strict keys, secrets readable by their owner only) and
output templates."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from qrbatch.errors import ConfigError
from qrbatch.run.settings import Job, expand_output, load_job_file
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET


def test_output_templates() -> None:
    now = dt.datetime(2026, 11, 27, 23, 5, 9)
    out = expand_output(Path("out/{input_stem}_{date}_{time}.xlsx"), Path("in/q4 promo.csv"), now)
    assert out == Path("out/q4 promo_2026-11-27_230509.xlsx")
    with pytest.raises(ConfigError, match="unknown placeholder"):
        expand_output(Path("{week}.xlsx"), Path("a.csv"), now)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[job]\ninput = "a.csv"\nqps = "fast"\n', "'qps' must be a number"),
        ('[job]\ninput = "a.csv"\ncolour = "red"\n', "unknown key 'colour'"),
        ("[job]\nqps = 5\n", "needs an 'input' key"),
        ("[job\n", "not a valid TOML"),
    ],
)
def test_job_file_mistakes_name_the_file_and_the_key(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "job.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=words) as caught:
        load_job_file(path)
    assert str(path) in str(caught.value)


def test_a_job_file_with_a_secret_must_be_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "job.toml"
    path.write_text(
        f'[job]\ninput = "a.csv"\naccess-key-id = "{DEMO_KEY_ID}"\n'
        f'access-key-secret = "{DEMO_KEY_SECRET}"\n'
    )
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        load_job_file(path)
    assert DEMO_KEY_SECRET not in str(caught.value)
    os.chmod(path, 0o600)
    job = Job(**load_job_file(path))
    assert job.access_key_id == DEMO_KEY_ID
    assert DEMO_KEY_SECRET not in repr(job)


def test_the_readme_job_file_table_lists_exactly_the_job_keys() -> None:
    import dataclasses
    import re

    readme = (Path(__file__).resolve().parent.parent / "docs" / "cron.md").read_text()
    section = readme.split("## Job files", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE))
    keys = {f.name.replace("_", "-") for f in dataclasses.fields(Job)}
    assert documented == keys


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[job]\ninput = "a.csv"\n\n[jobs]\nendpoint = "sandbox"\n', "unknown table 'jobs'"),
        ('[job]\ninput = "a.csv"\n\n[jobs]\nendpoint = "sandbox"\n', "did you mean [job]?"),
        ('[job]\ninput = "a.csv"\nqsp = 20\n', "did you mean 'qps'?"),
        ('input = "a.csv"\n[printing]\npdf = true\n', "unknown table 'printing'"),
    ],
)
def test_a_job_file_says_what_it_does_not_understand(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "job.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_job_file(path)
