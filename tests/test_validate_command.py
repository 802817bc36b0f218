"""`qrbatch validate` reports every sheet finding by row, before any call (end to end)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qrbatch.cli.commands import main

FIXTURES = Path(__file__).parent / "fixtures"


def validate(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["validate", *args])
    return done.exit_code, done.output


def test_validate_reports_each_row_the_sheet_cannot_be_trusted_in(tmp_path: Path) -> None:
    path = tmp_path / "campaign.csv"
    path.write_bytes(
        b"Phone,Message\n6281234567890,Halo\n"
        + b"6281234567890,Halo, saya mau pesan\n"
        + b"6281234567891,Ol\xe1\n"
        + "6591234567,Hai ☕\n".encode()
    )
    code, output = validate(str(path), "--default-region", "ID")
    assert code == 1, output
    assert "row 3: RowDoesNotFitHeader" in output
    assert "row 4: BadEncoding" in output
    assert "row 5: AmbiguousPhone" in output
    assert "Traceback" not in output


def test_validate_refuses_two_candidate_columns_naming_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("Phone,WhatsApp Number,Message\n6281234567890,6281234567890,hi\n", "utf-8")
    code, output = validate(str(path))
    assert code == 2
    assert "'Phone', 'WhatsApp Number'" in output and "--phone-column" in output


def test_validate_names_a_password_protected_workbook() -> None:
    code, output = validate(str(FIXTURES / "encrypted.xlsx"))
    assert code == 2 and "password protected" in output
