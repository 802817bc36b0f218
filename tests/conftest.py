from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qrbatch.cams.credentials import Credentials
from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, Sandbox, SandboxConfig, SandboxThread

DEMO = Credentials(DEMO_KEY_ID, DEMO_KEY_SECRET)


@pytest.fixture(autouse=True)
def private_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """qrbatch's own files (account registry, notebook journals, the page's runs) go to a
    folder of the test session (one per xdist worker: its own base temp), never to the
    home folder of whoever runs the tests."""
    folder = tmp_path_factory.getbasetemp() / "qrbatch-state"
    monkeypatch.setenv("QRBATCH_STATE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def new_kept_sandbox() -> Iterator[None]:
    """Each test that calls create_codes(endpoint="sandbox") starts on a new simulated
    account (the DataFrame API keeps one per process, so a notebook's rerun resumes)."""
    from qrbatch.run.kept_sandbox import forget_kept_sandboxes

    forget_kept_sandboxes()
    yield
    forget_kept_sandboxes()


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read English unless they choose a language, whatever the locale of whoever
    runs them (LANG=id_ID... would make every command speak Indonesian)."""
    for name in ("QRBATCH_LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


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
