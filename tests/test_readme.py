"""The README's Python examples run as written (from a copy of the project's samples)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(section: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"## {section}\n")
    end = readme.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", readme[start : end if end > 0 else None], re.S)


@pytest.mark.parametrize("section", ["From Python"])
def test_the_readme_python_examples_run(
    section: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = python_blocks(section)
    assert blocks, section
    shutil.copytree(ROOT / "sample_inputs", tmp_path / "sample_inputs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD", "QRBATCH")):
            monkeypatch.delenv(name)
    for block in blocks:
        exec(compile(block, f"README {section}", "exec"), {"__name__": "__readme__"})  # noqa: S102
    assert (tmp_path / "out" / "campaign.xlsx").exists()
