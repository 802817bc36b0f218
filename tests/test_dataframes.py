"""DataFrame in, DataFrame out, as an analyst calls it in a notebook."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pandas as pd
import pytest

import qrbatch
from qrbatch.engine.events import Retrying
from qrbatch.sandbox import Faults, Sandbox, SandboxConfig, SandboxThread
from tests.support.cli import qrbatch as cli
from tests.support.sandbox import creds
from tests.support.sheets import results

PHONE = 6281234567890


def messy_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Store": ["Jakarta", "Bandung", "Jakarta", "Bogor", "Depok", "Solo"],
            "Phone": [float(PHONE), PHONE + 0.0, float(PHONE), math.nan, 6598765432.0, PHONE],
            "Message": ["Halo 👋", "=1+1", "Halo 👋", "no phone", "+20% off", "@team"],
        },
        index=pd.Index([10, 20, 30, 40, 50, 60], name="id"),
    )


def run_script(script: str, tmp_path: Path) -> dict[str, Any]:
    """Run ``script`` in a Python of its own (a kernel's main thread, signals and all);
    what it printed last, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QRBATCH_STATE_DIR": str(tmp_path / "state")},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def sent(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    """What the service holds: each code's (number, message)."""
    return {c.code: (c.phone, c.message) for c in sandbox.world.accounts["demo"].all_codes()}


def run_frame(df: pd.DataFrame, url: str, tmp_path: Path, **options: object) -> pd.DataFrame:
    return qrbatch.create_codes(
        df,
        endpoint=url,
        env=creds(),
        state_dir=tmp_path / "state",
        progress=False,
        concurrency=1,
        **options,
    )


def test_a_messy_frame_gives_the_statuses_and_codes_the_cli_gives(tmp_path: Path) -> None:
    df = messy_frame()
    numbers = ("6281234567890", "6598765432")
    with SandboxThread(Sandbox(config=SandboxConfig(qps=200))) as one:
        one.sandbox.world.accounts["demo"].numbers.update(numbers)
        out = run_frame(df, one.url, tmp_path)
        sent_by_frame = sent(one.sandbox)
    source = tmp_path / "same.csv"
    df.to_csv(source, index=False)
    with SandboxThread(Sandbox(config=SandboxConfig(qps=200))) as two:
        two.sandbox.world.accounts["demo"].numbers.update(numbers)
        done = cli("run", str(source), "--endpoint", two.url, "--no-images", "--qps", "200",
                   env=creds())  # fmt: skip
        sent_by_cli = sent(two.sandbox)
    via_cli = results(tmp_path / "same.results.xlsx")
    assert list(out.index) == list(df.index)  # same rows, same order, index kept
    assert list(out.columns[:3]) == ["Store", "Phone", "Message"]
    assert list(out["Status"]) == [r["Status"] for r in via_cli]
    assert list(out["Status"]) == ["created", "created", "created", "invalid", "created", "created"]
    assert sorted(sent_by_frame.values()) == sorted(sent_by_cli.values())  # as written
    assert {sent_by_frame[c] for c in out["QrdlCode"] if c} == {
        ("6281234567890", "Halo 👋"),
        ("6281234567890", "=1+1"),
        ("6598765432", "+20% off"),
        ("6281234567890", "@team"),
    }
    shared = [r["QrdlCode"] for r in via_cli]
    assert shared[0] == shared[2] and out.loc[10, "QrdlCode"] == out.loc[30, "QrdlCode"]
    assert done.returncode == 1  # the row without a phone


def test_running_the_same_cell_again_resumes_and_creates_nothing(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    df = messy_frame().dropna()
    sandbox_thread.sandbox.world.accounts["demo"].numbers.add("6598765432")
    first = run_frame(df, sandbox_thread.url, tmp_path)
    creates = sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"]
    second = run_frame(df, sandbox_thread.url, tmp_path)
    assert sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"] == creates
    assert list(second["QrdlCode"]) == list(first["QrdlCode"])
    assert not list(Path.cwd().glob("dataframe-*"))  # nothing in the working folder


def test_the_sync_call_works_inside_a_running_event_loop(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    df = pd.DataFrame({"PhoneNumber": ["6281234567890"], "PrefilledMessage": ["from a notebook"]})

    async def notebook_cell() -> pd.DataFrame:
        return run_frame(df, sandbox_thread.url, tmp_path)  # no await, as in Jupyter

    out = anyio.run(notebook_cell)
    assert list(out["Status"]) == ["created"]


@pytest.mark.anyio
async def test_the_async_form(tmp_path: Path, sandbox_thread: SandboxThread) -> None:
    df = pd.DataFrame({"WhatsApp Number": ["+62 812-3456-7890"], "Pesan": ["halo"]})
    out = await qrbatch.acreate_codes(
        df, message="Pesan", endpoint=sandbox_thread.url, env=creds(),
        state_dir=tmp_path, progress=False,
    )  # fmt: skip
    assert list(out["Status"]) == ["created"]


def test_output_writes_the_workbook_only_when_asked(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    df = pd.DataFrame({"Phone": ["6281234567890"], "Message": ["hi"]})
    run_frame(df, sandbox_thread.url, tmp_path, output=tmp_path / "codes.xlsx", images=False)
    assert [r["Status"] for r in results(tmp_path / "codes.xlsx")] == ["created"]


def test_without_output_no_closing_line_points_at_a_workbook(
    tmp_path: Path, sandbox_thread: SandboxThread, caplog: pytest.LogCaptureFixture
) -> None:
    df = pd.DataFrame({"Phone": ["6281234567890", "not a number"], "Message": ["hi", "hi"]})
    with caplog.at_level("INFO"):
        out = run_frame(df, sandbox_thread.url, tmp_path)
    assert list(out["Status"]) == ["created", "invalid"]
    closing = [r.getMessage() for r in caplog.records if "rows:" in r.getMessage()]
    assert closing and all(".xlsx" not in line and "->" not in line for line in closing)
    assert not list(tmp_path.rglob("*.xlsx"))  # and none was written


def test_a_notebook_prints_labels_with_a_note(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    import pypdfium2 as pdfium

    df = pd.DataFrame(
        {"Phone": ["6281234567890", "6281234567890"], "Message": ["hi", "halo"],
         "Toko": ["Toko Jakarta", "Toko Bandung"]}
    )  # fmt: skip
    run_frame(df, sandbox_thread.url, tmp_path, output=tmp_path / "codes.xlsx", pdf=True,
              label="Toko", pdf_layout="labels", pdf_paper="a4-3x7",
              pdf_note="Pindai untuk chat")  # fmt: skip
    document = pdfium.PdfDocument(tmp_path / "codes.pdf")
    text = "".join(page.get_textpage().get_text_bounded() for page in document)
    assert text.count("Pindai untuk chat") == 2
    assert "Toko Jakarta" in text and "Toko Bandung" in text
    assert len(document) == 1  # two labels on one sheet of 21, not two cards


def test_language_words_the_messages_of_the_frame(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    df = pd.DataFrame({"Phone": ["6281234567890", "12"], "Message": ["hi", "hi"]})
    english = qrbatch.validate_frame(df)
    indonesian = qrbatch.validate_frame(df, language="id")
    assert list(english["ErrorCode"]) == list(indonesian["ErrorCode"]) == ["InvalidPhone"]
    assert english["ErrorMessage"].iloc[0] != indonesian["ErrorMessage"].iloc[0]
    made = run_frame(df, sandbox_thread.url, tmp_path, language="id")
    assert made["ErrorMessage"].iloc[1] == indonesian["ErrorMessage"].iloc[0]
    assert "--" not in made["ErrorMessage"].iloc[1]


def test_the_registry_is_a_parameter_too(tmp_path: Path, sandbox_thread: SandboxThread) -> None:
    df = pd.DataFrame({"Phone": ["6281234567890"], "Message": ["hi"]})
    assert list(run_frame(df, sandbox_thread.url, tmp_path, registry="off")["Status"]) == [
        "created"
    ]
    with pytest.raises(qrbatch.ConfigError) as caught:
        run_frame(df, sandbox_thread.url, tmp_path, registry="memcached://cache")
    assert "--" not in str(caught.value)


def test_validate_frame_returns_the_problems_without_a_call() -> None:
    problems = qrbatch.validate_frame(messy_frame())
    assert list(problems.index) == [40]
    assert problems.loc[40, "ErrorCode"] == "MissingPhone"
    assert problems.loc[40, "Row"] == 5


def test_a_frame_without_the_columns_is_a_clear_error() -> None:
    with pytest.raises(qrbatch.InputFileError, match="phone"):
        qrbatch.validate_frame(pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="colour"):  # real parameters: Python says it
        qrbatch.validate_frame(messy_frame(), colour="red")  # type: ignore[call-arg]


def test_a_notebooks_journal_in_qrbatchs_own_folder_is_private(
    sandbox_thread: SandboxThread,
) -> None:
    import os
    import stat

    from qrbatch.state_home import default_state_dir

    df = pd.DataFrame({"Phone": [str(PHONE)], "Message": ["Halo"]})
    qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=creds(), progress=False)
    journals = list((default_state_dir() / "frames").rglob("*.qrbatch.db"))
    assert journals
    for journal in journals:
        assert stat.S_IMODE(os.stat(journal).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(journal.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(default_state_dir()).st_mode) == 0o700


def test_editing_one_row_and_running_again_sends_only_that_row(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    import json

    df = pd.DataFrame({"Phone": [str(PHONE)] * 3, "Message": ["satu", "dua", "tiga"]})
    out = tmp_path / "x.xlsx"
    first = qrbatch.create_codes(
        df, endpoint=sandbox_thread.url, env=creds(), progress=False, output=str(out)
    )
    creates = sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"]
    edited = df.copy()
    edited.loc[1, "Message"] = "dua (baru)"
    again = qrbatch.create_codes(
        edited, endpoint=sandbox_thread.url, env=creds(), progress=False, output=str(out)
    )
    assert sandbox_thread.sandbox.stats.accepted["CreatePhoneMessageQrdl"] == creates + 1
    assert list(again["QrdlCode"])[0::2] == list(first["QrdlCode"])[0::2]
    assert list(again["Status"]) == ["created"] * 3  # the journal's outcomes, as before
    from openpyxl import load_workbook

    rows = list(load_workbook(out, read_only=True)["Results"].iter_rows(values_only=True))
    assert rows[2][rows[0].index("Message")] == "dua (baru)"  # the workbook is rewritten
    json.dumps(again.to_dict(orient="records"))  # JSON-safe: Attempts are plain ints


def test_a_wrong_secret_raises_the_account_error_with_the_result(
    sandbox_thread: SandboxThread,
) -> None:
    import time

    df = pd.DataFrame({"Phone": [str(PHONE)] * 2, "Message": ["a", "b"]})
    started = time.monotonic()
    with pytest.raises(qrbatch.AccountError) as caught:
        qrbatch.create_codes(
            df, endpoint=sandbox_thread.url, env=creds(secret="wrong"), progress=False
        )
    assert time.monotonic() - started < 10
    assert caught.value.code == "SignatureDoesNotMatch"
    frame = caught.value.result
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2
    ignored = qrbatch.create_codes(
        df, endpoint=sandbox_thread.url, env=creds(secret="wrong"), progress=False,
        errors="ignore",
    )  # fmt: skip
    assert set(ignored["Status"]) == {"skipped"}


STOP_SCRIPT = """
import json, os, signal, threading, time
import pandas as pd
import qrbatch
from qrbatch.sandbox import Sandbox, SandboxConfig, SandboxThread

env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5sandboxDemoKey",
       "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sandbox-demo-secret-not-a-real-key"}
df = pd.DataFrame({"Phone": ["6281234567890"] * 40, "Message": [f"m{i}" for i in range(40)]})
with SandboxThread(Sandbox(config=SandboxConfig(qps=100))) as server:
    pressed = []
    def press():  # once a few codes are made, whatever the machine's load
        deadline = time.monotonic() + 60
        while server.sandbox.world.accounts["demo"].created < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        pressed.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=press).start()
    try:
        qrbatch.create_codes(df, endpoint=server.url, env=env, progress=False, qps=5)
        stopped = None
    except qrbatch.Interrupted as error:
        stopped = error
    ended = time.monotonic() - pressed[0]
    time.sleep(0.5)
    alive = [t.name for t in threading.enumerate() if t.name.startswith("qrbatch")]
    done_first = int((stopped.result["Status"] == "created").sum())
    again = qrbatch.create_codes(df, endpoint=server.url, env=env, progress=False, qps=50)
    codes = list(server.sandbox.world.accounts["demo"].all_codes())
    print(json.dumps({"ended": ended, "alive": alive, "first": done_first,
                      "rows": len(stopped.result), "again": sorted(set(again["Status"])),
                      "codes": len(codes), "messages": len({c.message for c in codes})}))
"""


def test_stop_stops_on_the_first_press_and_the_next_call_sends_the_rest(
    tmp_path: Path,
) -> None:
    seen = run_script(STOP_SCRIPT, tmp_path)
    assert seen["ended"] < 5  # the cell ends within seconds of the press
    assert seen["alive"] == []  # no qrbatch thread goes on creating
    assert 0 < seen["first"] < 40 and seen["rows"] == 40  # the partial result is kept
    assert seen["codes"] == seen["messages"] == 40  # the rest, each once


def test_a_frame_keeps_its_own_columns_and_only_what_is_named_is_taken(
    sandbox_thread: SandboxThread,
) -> None:
    df = pd.DataFrame(
        {
            "Mobile": [str(PHONE)] * 2,
            "Text": ["halo", "hai"],
            "Image": ["https://cdn.example/a.png", "https://cdn.example/b.png"],  # avatars
            "Status": ["lead", "customer"],  # the CRM's own
        }
    )
    out = qrbatch.create_codes(
        df, phone="Mobile", message="Text", endpoint=sandbox_thread.url, env=creds(),
        progress=False,
    )  # fmt: skip
    assert list(out["qrbatch_Status"]) == ["created", "created"]
    assert list(out["Status"]) == ["lead", "customer"]  # never renamed
    assert list(out["Image"]) == list(df["Image"])
    assert list(out.columns[:4]) == list(df.columns)


def test_the_frame_functions_have_real_parameters() -> None:
    import inspect

    for function in (qrbatch.create_codes, qrbatch.acreate_codes, qrbatch.validate_frame):
        kinds = {p.kind for p in inspect.signature(function).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds, function.__name__
    assert "Parameters" in (qrbatch.create_codes.__doc__ or "")


def test_a_polars_frame_gives_a_polars_frame(sandbox_thread: SandboxThread) -> None:
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(
        {"Phone": [PHONE, None, PHONE], "Message": ["halo", "x", "hai"], "Status": ["a", "b", "c"]}
    )
    out = qrbatch.create_codes(
        df, phone="Phone", message="Message", endpoint=sandbox_thread.url, env=creds(),
        progress=False,
    )  # fmt: skip
    assert isinstance(out, pl.DataFrame)
    assert out.select(df.columns).equals(df)  # the frame's own columns, dtypes and all
    assert out["qrbatch_Status"].to_list() == ["created", "invalid", "created"]
    assert out["Attempts"].dtype == pl.Int64 and out["SentPhoneNumber"].dtype == pl.String
    problems = qrbatch.validate_frame(df, phone="Phone", message="Message")
    assert isinstance(problems, pl.DataFrame)
    assert problems["Row"].to_list() == [3] and problems["ErrorCode"].to_list() == ["MissingPhone"]


def test_what_is_not_a_frame_is_refused_in_python_words() -> None:
    with pytest.raises(qrbatch.ConfigError, match="pandas or polars DataFrame, got list"):
        qrbatch.create_codes([1, 2], endpoint="sandbox")  # type: ignore[type-var]
    with pytest.raises(qrbatch.ConfigError, match="give output= too"):
        qrbatch.create_codes(messy_frame(), endpoint="sandbox", pdf=True)
    with pytest.raises(qrbatch.ConfigError, match="label column 'Shop' is not in DataFrame"):
        qrbatch.create_codes(messy_frame(), endpoint="sandbox", label="Shop")
    with pytest.raises(qrbatch.ConfigError, match='"raise" or "ignore"'):
        qrbatch.create_codes(messy_frame(), endpoint="sandbox", errors="loud")  # type: ignore[arg-type]


def test_a_misspelt_column_is_raised_before_any_thread_with_a_short_traceback() -> None:
    import threading
    import traceback

    before = threading.active_count()
    with pytest.raises(qrbatch.InputFileError) as caught:
        qrbatch.create_codes(messy_frame(), phone="Phon", message="Message", endpoint="sandbox")
    assert threading.active_count() == before  # no thread was started
    assert 'phone="NAME"' in str(caught.value) and "--" not in str(caught.value)
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert [f.name for f in frames][1:] == ["create_codes", "_check"]  # after this test's line
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_the_sandbox_keeps_its_codes_for_the_process_so_a_rerun_resumes() -> None:
    from qrbatch.run.kept_sandbox import forget_kept_sandboxes, kept_sandbox

    forget_kept_sandboxes()
    df = pd.DataFrame({"Phone": [str(PHONE)] * 3, "Message": ["satu", "dua", "tiga"]})
    first = qrbatch.create_codes(df.iloc[:2], endpoint="sandbox", progress=False)
    again = qrbatch.create_codes(df, endpoint="sandbox", progress=False, qps=10)
    assert list(again["QrdlCode"][:2]) == list(first["QrdlCode"])  # the same codes
    assert kept_sandbox().world.accounts["demo"].created == 3  # the new row only, once
    forget_kept_sandboxes()
    fresh = qrbatch.create_codes(df, endpoint="sandbox", progress=False)
    assert set(fresh["QrdlCode"]).isdisjoint(again["QrdlCode"])  # a new account
    assert kept_sandbox().world.accounts["demo"].created == 3


def test_show_draws_the_codes_as_cards_with_their_caption_and_number(
    sandbox_thread: SandboxThread,
) -> None:
    df = pd.DataFrame(
        {"Store": ["<Jakarta>", "Bogor", "Solo"], "Phone": [str(PHONE), "", str(PHONE)],
         "Message": ["halo", "no phone", "hai"]}
    )  # fmt: skip
    out = qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=creds(), progress=False)
    drawn = qrbatch.show(out, label="Store")._repr_html_()
    assert drawn.count('<img src="data:image/svg+xml') == 2  # rendered here, not fetched
    for code in out["QrdlCode"][[0, 2]]:
        assert f"<code>{code}</code>" in drawn
    assert "&lt;Jakarta&gt;" in drawn and "<Jakarta>" not in drawn  # text, never markup
    assert "+6281234567890" in drawn
    assert "Rows without a code (see their Status): 1." in drawn
    one = qrbatch.show(out, limit=1)
    assert [c.label for c in one.cards] == ["Demo Store 7890"]  # the business name
    assert "Not shown (past limit=): 1." in repr(one)
    with pytest.raises(qrbatch.ConfigError, match="no QrdlCode column"):
        qrbatch.show(df)


@pytest.fixture(params=["closed port", "answers 503"])
def down_service(request: pytest.FixtureRequest) -> Iterator[tuple[str, Sandbox | None]]:
    """A service that does not answer the query of the account's numbers: nothing
    listening, or a sandbox that answers every call ServiceUnavailable."""
    if request.param == "closed port":
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        yield f"http://127.0.0.1:{port}", None
        return
    actions = frozenset({"QueryChatappPhoneNumbers", "CreatePhoneMessageQrdl"})
    faults = Faults(unavailable=1.0, actions=actions)
    with SandboxThread(Sandbox(config=SandboxConfig(qps=100, faults=faults))) as server:
        yield server.url, server.sandbox


def _stopped_frame(error: qrbatch.Interrupted, rows: int) -> None:
    frame = error.result
    assert isinstance(frame, pd.DataFrame) and len(frame) == rows
    assert set(frame["Status"]) == {"skipped"} and set(frame["ErrorCode"]) == {"NotSent"}


def _queries(sandbox: Sandbox | None) -> int:
    return 1 if sandbox is None else sandbox.stats.accepted.get("QueryChatappPhoneNumbers", 0)


def test_stop_while_the_numbers_query_is_retried_stops_at_once(
    tmp_path: Path, down_service: tuple[str, Sandbox | None]
) -> None:
    import _thread

    url, sandbox = down_service
    df = pd.DataFrame({"Phone": [str(PHONE)] * 5, "Message": [f"m{i}" for i in range(5)]})
    retries: list[Retrying] = []

    def stop_at_the_first_retry(item: object) -> None:
        if isinstance(item, Retrying):
            retries.append(item)
            if len(retries) == 1:
                _thread.interrupt_main()  # Ctrl-C, as the kernel's Stop gives it

    with pytest.raises(qrbatch.Interrupted) as caught:
        qrbatch.create_codes(
            df, endpoint=url, env=creds(), state_dir=tmp_path, progress=stop_at_the_first_retry
        )
    assert len(retries) == 1 and _queries(sandbox) == 1  # nothing asked after the press
    _stopped_frame(caught.value, 5)


@pytest.mark.anyio
async def test_cancelling_the_async_form_while_the_numbers_query_is_retried_stops_at_once(
    tmp_path: Path, down_service: tuple[str, Sandbox | None]
) -> None:
    import asyncio

    url, sandbox = down_service
    df = pd.DataFrame({"Phone": [str(PHONE)] * 3, "Message": ["a", "b", "c"]})
    retries: list[Retrying] = []

    def stop_at_the_first_retry(item: object) -> None:
        if isinstance(item, Retrying):
            retries.append(item)
            if len(retries) == 1:
                cell.cancel()  # Stop on an async cell: ipykernel cancels its task

    cell = asyncio.ensure_future(
        qrbatch.acreate_codes(
            df, endpoint=url, env=creds(), state_dir=tmp_path, progress=stop_at_the_first_retry
        )
    )
    with pytest.raises(qrbatch.Interrupted) as caught:
        with anyio.fail_after(30):  # a bound, not the measure
            await cell
    assert len(retries) == 1 and _queries(sandbox) == 1
    _stopped_frame(caught.value, 3)


def test_a_mistyped_key_id_does_not_block_the_corrected_key(
    tmp_path: Path, sandbox_thread: SandboxThread
) -> None:
    from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

    df = pd.DataFrame({"Phone": [str(PHONE)], "Message": ["the corrected key"]})
    typo = {**creds(), "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID[:-1]}
    with pytest.raises(qrbatch.AccountError, match="InvalidAccessKeyId"):
        qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=typo, state_dir=tmp_path)
    right = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_KEY_SECRET,
    }
    out = qrbatch.create_codes(df, endpoint=sandbox_thread.url, env=right, state_dir=tmp_path)
    assert list(out["Status"]) == ["created"]


def test_credentials_come_from_qrbatch_and_anything_else_is_refused_before_a_thread(
    sandbox_thread: SandboxThread, tmp_path: Path
) -> None:
    import threading

    from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET

    df = pd.DataFrame({"Phone": [str(PHONE)], "Message": ["a key given in code"]})
    key = qrbatch.Credentials(access_key_id=DEMO_KEY_ID, access_key_secret=DEMO_KEY_SECRET)
    out = qrbatch.create_codes(
        df, endpoint=sandbox_thread.url, credentials=key, state_dir=tmp_path, progress=False
    )
    assert list(out["Status"]) == ["created"]
    before = threading.active_count()
    for given in ((DEMO_KEY_ID, "a-secret"), {"access_key_id": DEMO_KEY_ID, "secret": "a-secret"}):
        with pytest.raises(qrbatch.ConfigError, match=r"qrbatch\.Credentials\(") as caught:
            qrbatch.create_codes(df, endpoint=sandbox_thread.url, credentials=given)  # type: ignore[arg-type]
        assert "a-secret" not in str(caught.value)
        assert type(given).__name__ in str(caught.value)
    assert threading.active_count() == before


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"phone": 3}, "phone= must be a column's name (a str), not int"),
        ({"message": ["message"]}, "message= must be a column's name (a str), not list"),
        ({"label": 5}, "label= must be a column's name"),
        ({"country": 1.0}, "country= must be a column's name"),
        ({"state_dir": 42}, "state_dir= must be a path (a str or Path), not int"),
        ({"output": 1.5}, "output= must be a path"),
        ({"progress": "no"}, "progress= must be True, False or a function"),
        ({"default_region": "Indonesia"}, "two-letter region code: \"ID\" for 'Indonesia'"),
        ({"default_region": "XX"}, "default_region= must be a two-letter region code"),
        ({"concurrency": 0}, "concurrency= must be at least 1, not 0"),
        ({"qps": 0}, "qps must be more than 0"),
        ({"qps": "5"}, "qps= must be a number, not str"),
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
    ],
)
def test_wrong_arguments_are_refused_before_any_thread_in_python_words(
    given: dict[str, object], said: str
) -> None:
    import threading
    import traceback

    before = threading.active_count()
    with pytest.raises(qrbatch.ConfigError) as caught:
        qrbatch.create_codes(messy_frame(), endpoint="sandbox", **given)  # type: ignore[arg-type]
    assert threading.active_count() == before
    assert said in str(caught.value) and "--" not in str(caught.value)
    assert len(traceback.extract_tb(caught.value.__traceback__)) <= 3  # this line, ours


def test_a_lower_case_region_is_taken_and_validate_frame_checks_the_same() -> None:
    df = pd.DataFrame({"Phone": ["0812 3456 7890"], "Message": ["m"]})
    assert qrbatch.validate_frame(df, default_region="id").empty
    with pytest.raises(qrbatch.ConfigError, match='"ID" for'):
        qrbatch.validate_frame(df, default_region="indonesia")
    with pytest.raises(qrbatch.ConfigError, match="phone= must be"):
        qrbatch.validate_frame(df, phone=3)  # type: ignore[arg-type]


EARLY_STOP_SCRIPT = """
import importlib.abc, json, signal, sys, traceback
import pandas as pd
import qrbatch

class PressStop(importlib.abc.MetaPathFinder):  # Stop while qrbatch loads its engine
    def find_spec(self, name, path=None, target=None):
        if name == "qrbatch.run.commands":
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, PressStop())
df = pd.DataFrame({"Phone": ["6281234567890"] * 3, "Message": ["a", "b", "c"]})
try:
    qrbatch.create_codes(df, endpoint="sandbox", progress=False)
    seen = {"raised": None}
except BaseException as error:
    result = getattr(error, "result", None)
    seen = {
        "raised": type(error).__name__,
        "rows": None if result is None else len(result),
        "status": None if result is None else sorted(set(result["Status"])),
        "frames": len(traceback.extract_tb(error.__traceback__)),
    }
sys.meta_path.pop(0)
again = qrbatch.create_codes(df, endpoint="sandbox", progress=False)  # the next call works
seen["again"] = sorted(set(again["Status"]))
print(json.dumps(seen))
"""


def test_stop_while_qrbatch_loads_raises_interrupted_with_every_row(tmp_path: Path) -> None:
    seen = run_script(EARLY_STOP_SCRIPT, tmp_path)
    assert seen["raised"] == "Interrupted"
    assert (seen["rows"], seen["status"]) == (3, ["skipped"])  # every row, none made
    assert seen["frames"] <= 2  # the caller's line, and one of qrbatch's
    assert seen["again"] == ["created"]


def test_stop_while_the_frame_is_checked_raises_interrupted_with_every_row() -> None:
    import signal

    class PressesStop:  # a cell that presses Stop when it is read
        def __str__(self) -> str:
            signal.raise_signal(signal.SIGINT)
            return "m"

    df = pd.DataFrame({"Phone": [str(PHONE)] * 2, "Message": ["a", PressesStop()]})
    with pytest.raises(qrbatch.Interrupted) as caught:
        qrbatch.create_codes(df, endpoint="sandbox", progress=False)
    frame = caught.value.result
    assert len(frame) == 2 and set(frame["Status"]) == {"skipped"}
    assert set(frame["ErrorCode"]) == {"NotSent"} and list(frame["Attempts"]) == [0, 0]
