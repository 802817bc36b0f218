"""The docs' Python examples run as written (from a copy of the project's samples).

docs/python.md's blocks run in order, as a reader would paste them, and make
out/campaign.xlsx; docs/printing.md's run on the results workbook of a sandbox run.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import anyio
import pytest

import qrbatch

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(page: str, section: str | None = None) -> list[str]:
    """The ```python blocks of a page, or of one of its ``## `` sections, in order."""
    text = (ROOT / page).read_text(encoding="utf-8")
    if section is not None:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end > 0 else None]
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder with sample_inputs/, as current directory, without credentials."""
    shutil.copytree(ROOT / "sample_inputs", tmp_path / "sample_inputs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD", "QRBATCH", "XDG_STATE_HOME")):
            monkeypatch.delenv(name)
    return tmp_path


def run_blocks(page: str, blocks: list[str]) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}  # blocks build on each other
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{page} python block {number}", "exec"), namespace)  # noqa: S102


def test_the_python_page_examples_run(project_copy: Path) -> None:
    blocks = python_blocks("docs/python.md")
    assert len(blocks) >= 3, "docs/python.md lost its examples"
    run_blocks("docs/python.md", blocks)
    assert (project_copy / "out" / "campaign.xlsx").exists()


def test_the_printing_page_examples_run(project_copy: Path) -> None:
    blocks = python_blocks("docs/printing.md", "In Python")
    assert blocks, "docs/printing.md lost its Python example"
    job = qrbatch.Job(
        input="sample_inputs/campaign.xlsx",
        output="campaign.results.xlsx",
        endpoint="sandbox",
        progress=False,
        images=False,
    )
    assert anyio.run(qrbatch.run_batch, job).exit_code == qrbatch.ExitCode.OK
    run_blocks("docs/printing.md", blocks)
    assert (project_copy / "labels.pdf").stat().st_size > 0
    assert (project_copy / "for-designer.zip").stat().st_size > 0
