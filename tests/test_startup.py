"""Nothing heavy is imported before a command needs it: `import qrbatch` and every
command's --help load neither pandas nor aiohttp nor openpyxl (bench/startup_bench.py
measures the time; this checks what is loaded, which does not depend on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "aiohttp", "openpyxl", "reportlab", "PIL", "fpdf", "uharfbuzz")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))
"""


def loaded(body: str) -> list[str]:
    code = PROBE.format(body=body, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_import_qrbatch_loads_nothing_heavy() -> None:
    assert loaded("import qrbatch") == []


def test_the_public_names_still_load_on_first_use() -> None:
    assert "pandas" in loaded("import qrbatch; qrbatch.create_codes")
    assert loaded("import qrbatch; qrbatch.ExitCode, qrbatch.QrbatchError") == []


@pytest.mark.parametrize(
    "argv",
    [[], ["run"], ["validate"], ["list"], ["update"], ["delete"], ["pdf"], ["serve"], ["sandbox"]],
)
def test_help_loads_nothing_heavy(argv: list[str]) -> None:
    body = (
        "import contextlib, io\n"
        "from qrbatch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main.main(args={[*argv, '--help']!r}, standalone_mode=False)\n"
    )
    assert loaded(body) == []


def test_validating_a_csv_loads_no_http_client_no_pandas_no_openpyxl() -> None:
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "sample_inputs" / "campaign.csv"
    body = (
        "import contextlib, io\n"
        "from qrbatch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main.main(args=['validate', {str(sample)!r}, '-q'], standalone_mode=False)\n"
    )
    assert [m for m in loaded(body) if m.split(".")[0] != "PIL"] == []
