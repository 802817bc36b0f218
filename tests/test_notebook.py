"""The DataFrame API in a real Jupyter kernel, as an analyst meets it: Stop stops on the
first press (sync and async cells), the next run sends the rest, nothing twice."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qrbatch.sandbox import Faults, Sandbox, SandboxConfig, SandboxThread
from tests.support.kernel import Kernel, kernel
from tests.support.sandbox import creds
from tests.test_readme import ROOT, python_blocks

ROWS = 200
PHONE = "6281234567890"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxThread]:
    """The account, outside the kernel: what it holds is what the service holds."""
    with SandboxThread(Sandbox(config=SandboxConfig(qps=200))) as one:
        yield one


@pytest.fixture(scope="module")
def notebook(server: SandboxThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    folder = tmp_path_factory.mktemp("notebook")
    env = {**os.environ, "QRBATCH_STATE_DIR": str(folder / "state"), **creds()}
    with kernel(folder, env) as k:
        setup = k.run(
            "import sys, threading, time\n"
            "import pandas as pd\n"
            "import qrbatch\n"
            f"URL = {server.url!r}\n"
            f"df = pd.DataFrame({{'Phone': [{PHONE!r}] * {ROWS}, "
            f"'Message': [f'promo {{i}}' for i in range({ROWS})]}})\n"
        )
        assert setup.error is None, setup.traceback
        yield k


# Each test runs its own cells (xdist may give a module's tests to different workers).
FEW = (
    "few = pd.DataFrame({'Phone': ['6281234567890'] * 40 + [''], "
    "'Message': [f'bar {i}' for i in range(41)]})"
)


def created(server: SandboxThread) -> int:
    return server.sandbox.stats.accepted.get("CreatePhoneMessageQrdl", 0)


def qrbatch_threads(k: Kernel) -> list[str]:
    cell = k.run("print([t.name for t in threading.enumerate() if 'qrbatch' in t.name])")
    return eval(cell.text)  # type: ignore[no-any-return]


def listed(k: Kernel, output: str) -> list[str]:
    """The messages of the number's live codes, as qrbatch list finds them."""
    cell = k.run(
        f"job = qrbatch.Job(input='list', output={output!r}, endpoint=URL)\n"
        f"listed = await qrbatch.list_codes([{PHONE!r}], job)\n"
        f"found = pd.read_excel({output!r}, sheet_name='Results', engine='calamine')\n"
        "print(sorted(found['PrefilledMessage']))"
    )
    assert cell.error is None, cell.traceback
    return eval(cell.text)  # type: ignore[no-any-return]


def test_stop_stops_a_cell_at_once_and_the_next_run_sends_the_rest(
    notebook: Kernel, server: SandboxThread
) -> None:
    before = created(server)
    stopped = notebook.run(
        "codes = qrbatch.create_codes(df, endpoint=URL, qps=20)",
        stop_when=lambda: created(server) >= before + 20,  # a second of work, whatever the load
    )
    assert stopped.error == "Interrupted"
    assert stopped.stopped_after is not None and stopped.stopped_after < 5
    assert stopped.seconds < ROWS / 20  # it did not run to the end
    assert len(stopped.frames) <= 1, stopped.traceback  # the cell's line, not the threads'
    notebook.run("time.sleep(3)")
    assert qrbatch_threads(notebook) == []  # nothing goes on creating
    partial = notebook.run(
        "part = sys.last_value.result\n"
        "done = part[part['Status'] == 'created']\n"
        "print(len(part), len(done), done['QrdlCode'].str.len().gt(0).all())"
    )
    rows, done, coded = partial.text.split()
    assert int(rows) == ROWS and 0 < int(done) < ROWS and coded == "True"

    rest = notebook.run(
        "codes = qrbatch.create_codes(df, endpoint=URL, qps=100, progress=False)\n"
        "print(codes['Status'].value_counts().to_dict())"
    )
    assert rest.error is None, rest.traceback
    assert eval(rest.text) == {"created": ROWS}
    assert created(server) - before == ROWS  # the first run's codes were not made again
    promos = [m for m in listed(notebook, "listed.xlsx") if m.startswith("promo ")]
    assert promos == sorted(f"promo {i}" for i in range(ROWS))  # each once


def test_stop_stops_an_async_cell_the_same_way(notebook: Kernel, server: SandboxThread) -> None:
    before = created(server)
    stopped = notebook.run(
        "later = df.assign(Message=df['Message'] + ' (async)')\n"
        "codes = await qrbatch.acreate_codes(later, endpoint=URL, qps=20)",
        stop_when=lambda: created(server) >= before + 20,
    )
    assert stopped.error == "Interrupted"
    assert stopped.stopped_after is not None and stopped.stopped_after < 5
    assert len(stopped.frames) <= 1, stopped.traceback
    assert qrbatch_threads(notebook) == []
    partial = notebook.run(
        "part = sys.last_value.result\nprint(int((part['Status'] == 'created').sum()))"
    )
    done = int(partial.text)
    assert 0 < done < ROWS
    assert created(server) - before == done
    rest = notebook.run(
        "codes = await qrbatch.acreate_codes(later, endpoint=URL, qps=100, progress=False)\n"
        "print(codes['Status'].value_counts().to_dict())"
    )
    assert eval(rest.text) == {"created": ROWS}
    assert created(server) - before == ROWS
    assert server.sandbox.world.accounts["demo"].duplicates() == 0


def test_stop_stops_at_once_while_the_service_is_down(notebook: Kernel) -> None:
    # The trial's cell: the account's numbers are asked of a service that answers 503,
    # and retried; Stop ends the cell at once with Interrupted, not ServiceUnavailable.
    faults = Faults(unavailable=1.0, actions=frozenset({"QueryChatappPhoneNumbers"}))
    with SandboxThread(Sandbox(config=SandboxConfig(qps=100, faults=faults))) as down:
        asked = down.sandbox.stats.accepted
        for cell in ("codes = qrbatch.create_codes", "codes = await qrbatch.acreate_codes"):
            before = asked.get("QueryChatappPhoneNumbers", 0)
            stopped = notebook.run(
                f"{FEW}\n{cell}(few, endpoint={down.url!r}, progress=False)",
                stop_when=lambda n=before: asked.get("QueryChatappPhoneNumbers", 0) > n,
            )
            assert stopped.error == "Interrupted", stopped.traceback
            assert stopped.stopped_after is not None and stopped.stopped_after < 3
            rows = notebook.run("print(len(sys.last_value.result))")
            assert rows.text.strip() == "41"


def test_the_bar_ends_at_the_total_also_without_ipywidgets_and_on_a_rerun(
    notebook: Kernel,
) -> None:
    lines = []
    for _ in range(2):  # the second run has every row done already: it starts there
        cell = notebook.run(
            f"{FEW}\n"
            "saved = sys.modules.get('ipywidgets')\n"
            "sys.modules['ipywidgets'] = None  # as if not installed\n"
            "try:\n"
            "    codes = qrbatch.create_codes(few, endpoint=URL, qps=50)\n"
            "finally:\n"
            "    sys.modules['ipywidgets'] = saved\n"
        )
        assert cell.error is None, cell.traceback
        shown = [
            o["data"]["text/plain"] for o in cell.outputs if o["output_type"] == "display_data"
        ]
        assert len(shown) == 1  # one line, redrawn in place
        lines.append(shown[0])
    assert all(line.startswith("Creating QR codes  ███") and "  40/40  " in line for line in lines)


def test_the_widget_bar_ends_at_the_total(notebook: Kernel) -> None:
    pytest.importorskip("ipywidgets")
    cell = notebook.run(
        f"{FEW}\ncodes = qrbatch.create_codes(few.assign(Message=few['Message'] + '!'), "
        "endpoint=URL, qps=50)"
    )
    assert cell.error is None, cell.traceback
    notebook.client.set_widgets_metadata()
    models = notebook.client.nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    bars = [m["state"] for m in models["state"].values() if m["model_name"] == "IntProgressModel"]
    assert (bars[-1]["value"], bars[-1]["max"]) == (40, 40)


def test_show_draws_the_codes_in_the_cell(notebook: Kernel) -> None:
    cell = notebook.run(f"{FEW}\nqrbatch.show(qrbatch.create_codes(few, endpoint=URL), limit=3)")
    assert cell.error is None, cell.traceback
    assert cell.html.count("<figure") == 3 and "Codes shown: 3." in cell.html


def test_the_readme_notebook_cells_run_as_pasted(tmp_path: Path) -> None:
    blocks = python_blocks("README.md", "In a notebook")
    assert len(blocks) >= 3 and any("await " in b for b in blocks)
    shutil.copytree(ROOT / "sample_inputs", tmp_path / "sample_inputs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD")}
    with kernel(tmp_path, {**env, "QRBATCH_STATE_DIR": str(tmp_path / "state")}) as k:
        cells = [k.run(block) for block in blocks]
    for number, cell in enumerate(cells, 1):
        assert cell.error is None, (number, cell.traceback)
    assert "<figure" in cells[1].html  # the codes, drawn
    assert not list(tmp_path.glob("*.xlsx"))  # nothing written beside the notebook
