from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from qrbatch.cams.credentials import Credentials
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, SandboxThread

DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)
PHONE = "6281234567890"


@pytest.fixture(autouse=True)
def private_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """qrbatch's own files (account registry, notebook journals, the page's runs) go to a
    folder of the test session, never to the home folder of whoever runs the tests."""
    folder = tmp_path_factory.getbasetemp() / "qrbatch-state"
    monkeypatch.setenv("QRBATCH_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def demo_credentials() -> Credentials:
    return DEMO


@pytest.fixture
def sandbox_thread() -> Iterator[SandboxThread]:
    """A fast sandbox (200 calls/s) on loopback, served from its own thread."""
    with SandboxThread(Sandbox(config=SandboxConfig(qps=200))) as server:
        yield server


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str = "Sheet1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
        for row in rows:
            writer.writerow(row)
    return path
