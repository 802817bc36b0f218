"""A real Jupyter kernel (ipykernel, driven by nbclient) that runs cells as a notebook
does, and presses Stop (the kernel's interrupt: SIGINT, as JupyterLab sends it)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient


@dataclass
class Cell:
    """What a cell showed: its outputs, the error it ended with, how long it ran."""

    outputs: list[dict[str, Any]]
    seconds: float
    stopped_after: float | None = None  # seconds from the Stop press to the cell's end

    @property
    def error(self) -> str | None:
        """The name of the exception the cell ended with, if any."""
        for output in self.outputs:
            if output.get("output_type") == "error":
                return str(output["ename"])
        return None

    @property
    def traceback(self) -> list[str]:
        """The error's traceback as the notebook shows it, one entry a frame (no colours)."""
        for output in self.outputs:
            if output.get("output_type") == "error":
                return [re.sub(r"\x1b\[[0-9;]*m", "", part) for part in output["traceback"]]
        return []

    @property
    def frames(self) -> list[str]:
        """The traceback's frames in qrbatch's or the library's files (not the cell's)."""
        return [part for part in self.traceback if part.startswith("File ")]

    @property
    def text(self) -> str:
        """What the cell printed on stdout."""
        return self.stream("stdout")

    def stream(self, name: str) -> str:
        """What the cell wrote to ``name`` (stdout, stderr)."""
        streams = [o for o in self.outputs if o.get("output_type") == "stream"]
        return "".join(o["text"] for o in streams if o["name"] == name)

    @property
    def html(self) -> str:
        return "".join(o.get("data", {}).get("text/html", "") for o in self.outputs)


@dataclass
class Kernel:
    client: NotebookClient
    notebook: Any
    _count: int = field(default=0)

    def run(self, code: str, *, stop_when: Callable[[], bool] | None = None) -> Cell:
        """Run ``code`` as the next cell; with ``stop_when``, press Stop as soon as it is
        true (looked at every 50 ms, for 60 s at most)."""
        cell = nbformat.v4.new_code_cell(code)
        self.notebook.cells.append(cell)
        pressed: list[float] = []
        timer = None
        if stop_when is not None:
            ready = stop_when

            def press() -> None:
                deadline = time.monotonic() + 60
                while not ready() and time.monotonic() < deadline:
                    time.sleep(0.05)
                pressed.append(time.monotonic())
                asyncio.run(self.client.km.interrupt_kernel())

            timer = threading.Thread(target=press)
            timer.start()
        started = time.monotonic()
        self.client.execute_cell(cell, len(self.notebook.cells) - 1)
        ended = time.monotonic()
        if timer is not None:
            timer.join()
        return Cell(
            [dict(o) for o in cell.outputs],
            ended - started,
            ended - pressed[0] if pressed else None,
        )


@contextmanager
def kernel(cwd: Path, env: Mapping[str, str]) -> Iterator[Kernel]:
    """A new Python kernel (this interpreter's) in ``cwd`` with ``env``."""
    notebook = nbformat.v4.new_notebook()
    client = NotebookClient(
        notebook,
        timeout=120,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    with client.setup_kernel(env=dict(env)):
        yield Kernel(client, notebook)
