"""A hostile workbook is refused, not read: ``qrbatch.sheets.limits`` bounds a package's
sizes and a sheet's used range before calamine or openpyxl allocates for them.

The files are written here, small on disk; the ones that once killed the process are
read in a child process under an address-space limit, timed, and its peak memory taken.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from qrbatch.errors import InputFileError
from qrbatch.sheets.limits import MAX_PART_BYTES, Extent, Limits, check_binary, check_package
from qrbatch.sheets.read import read_sheet
from qrbatch.sheets.workbooks import Bounds, OpenpyxlBook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_PART = "xl/worksheets/sheet1.xml"
HEADER_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>PhoneNumber</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>PrefilledMessage</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>6281234567890</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Halo</t></is></c></row>'
)
FAR_CELL = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main">{declared}<sheetData>{rows}'
        "</sheetData></worksheet>"
    )


def open_package(path: Path) -> zipfile.ZipFile:
    """An .xlsx package as a script writes one, open for its sheet part."""
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", RELS)
    archive.writestr("xl/workbook.xml", WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
    return archive


def write_package(path: Path, sheet: str) -> Path:
    with open_package(path) as archive:
        archive.writestr(SHEET_PART, sheet)
    return path


def write_bomb(path: Path, size: int) -> Path:
    """A workbook whose sheet XML expands to ``size`` bytes, written streaming (the
    finding's bomb was 1.37 GB; one byte over the part limit refuses it the same way)."""
    row = b'<row><c t="inlineStr"><is><t>6281234567890</t></is></c></row>'
    block = row * ((1 << 20) // len(row))
    with open_package(path) as archive:
        archive.compresslevel = 1  # the fastest: the test writes 300 MB in under a second
        with archive.open(SHEET_PART, "w", force_zip64=True) as part:
            written = 0
            while written < size:
                part.write(block)
                written += len(block)
    return path


def is_header(cells: object) -> bool:
    return "PhoneNumber" in cells  # type: ignore[operator]


# In a child process ------------------------------------------------------------------------

# Far above what qrbatch needs (about 1 GiB of address space with pandas loaded), far
# below the 512 GiB the XFD1048576 sheet asked for: an attempt fails fast instead of
# swapping the machine.
ADDRESS_SPACE = 3 << 30
# The peak is the child's own (VmHWM): ru_maxrss carries the parent's across fork and
# exec, so a test worker that printed a CJK PDF earlier would be counted.
CHILD = """
import atexit, json, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
atexit.register(lambda: print(json.dumps({{"peak_mb": peak()}}), file=sys.stderr))
sys.argv = ["qrbatch", "validate", sys.argv[1]]
runpy.run_module("qrbatch", run_name="__main__", alter_sys=True)
"""


def validate_in_child(path: Path) -> tuple[int, str, float, float]:
    """(exit code, output, seconds, peak MB) of ``qrbatch validate path`` in a child."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(limit=ADDRESS_SPACE), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    seconds = time.monotonic() - start
    output = done.stdout + done.stderr
    assert done.returncode >= 0, f"killed by signal {-done.returncode}: {output[-2000:]}"
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_mb"]
    return done.returncode, output, seconds, peak


def test_a_cell_at_the_last_cell_of_a_sheet_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    write_package(path, sheet_xml(HEADER_ROWS + FAR_CELL, "A1:XFD1048576"))

    code, output, seconds, peak = validate_in_child(path)

    assert code == 2, output
    assert "has cells up to XFD1048576 (it declares A1:XFD1048576)" in output
    assert "qrbatch reads at most 16,777,216 cells of a sheet" in output
    assert "save only the used range, or copy the rows into a new sheet" in output
    assert seconds < 5
    assert peak < 500


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "bomb.xlsx", MAX_PART_BYTES + (1 << 20))
    assert path.stat().st_size < 5 << 20

    code, output, seconds, peak = validate_in_child(path)

    assert code == 2, output
    assert f"part {SHEET_PART} expands to" in output
    assert f"qrbatch reads parts of at most {MAX_PART_BYTES:,} bytes uncompressed" in output
    assert seconds < 5
    assert peak < 500


# The package ----------------------------------------------------------------------------


def test_a_part_that_lies_about_its_size_is_measured_by_what_it_expands_to(
    tmp_path: Path,
) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 100_000))
    path = write_package(tmp_path / "liar.xlsx", sheet_xml(rows))
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory, which readers go by
    while data[entry + 46 : entry + 46 + len(SHEET_PART)] != SHEET_PART.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")  # declared uncompressed size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET_PART).file_size == 100

    with pytest.raises(InputFileError, match=f"part {SHEET_PART} expands to more than 1,048,576"):
        check_package(path, Limits(max_part_bytes=1 << 20))


def test_a_part_compressed_more_than_real_sheets_are_is_refused(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "dense.xlsx", 20 << 20)

    with pytest.raises(InputFileError, match=r"expands [\d,]+ times .* at most 100:1"):
        check_package(path)


def test_a_package_larger_than_the_limit_in_all_is_refused(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "big.xlsx", 3 << 20)

    with pytest.raises(InputFileError, match="expands to [\\d,]+ bytes; .* at most 2,097,152"):
        check_package(path, Limits(max_package_bytes=2 << 20, max_ratio=10_000))


def test_a_binary_workbook_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))

    with pytest.raises(InputFileError, match="4,104 bytes; qrbatch reads workbooks of at most"):
        check_binary(path, Limits(max_binary_bytes=4096))


# The used range --------------------------------------------------------------------------


def extent_of(tmp_path: Path, rows: str, dimension: str | None = None) -> Extent:
    path = write_package(tmp_path / "sheet.xlsx", sheet_xml(rows, dimension))
    return check_package(path).get(SHEET_PART, Extent())


def test_the_used_range_counts_cells_that_hold_a_value(tmp_path: Path) -> None:
    empty_far = '<row r="900000"><c r="ZZ900000" s="1"/></row>'

    assert Extent(2, 2, "A1:XFD1048576") == extent_of(
        tmp_path, HEADER_ROWS + empty_far, "A1:XFD1048576"
    )


def test_cells_without_a_reference_follow_the_one_before(tmp_path: Path) -> None:
    rows = '<row r="7"><c><v>1</v></c><c/><c><v>3</v></c></row><row><c><v>4</v></c></row>'

    assert Extent(8, 3) == extent_of(tmp_path, rows)


def test_a_greater_than_sign_inside_an_attribute_does_not_hide_the_reference(
    tmp_path: Path,
) -> None:
    rows = '<row r="1"><c note=">" r="D9"><v>1</v></c></row>'

    assert Extent(9, 4) == extent_of(tmp_path, rows)


def test_a_tag_cut_by_the_scan_s_chunk_boundary_is_read_whole(tmp_path: Path) -> None:
    head, tail = sheet_xml("@").split("@")
    before = head + '<row r="1"><c r="A1"><v>1</v></c></row><row r="5">'
    # '<c r="C5"' starts 3 bytes before the end of the scan's first 1 MiB read
    pad = " " * ((1 << 20) - 3 - len(before))
    path = write_package(
        tmp_path / "cut.xlsx", before + pad + '<c r="C5"><v>1</v></c></row>' + tail
    )

    assert Extent(5, 3) == check_package(path)[SHEET_PART]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param(
            '<row r="1048576">' + "<c><v>1</v></c>" * 17 + "</row>",
            "has cells up to Q1048576: 1,048,576 rows by 17 columns is 17,825,792 cells",
            id="implied-columns",
        ),
        pytest.param(
            '<row r="1"><c r="A2000000"><v>1</v></c></row>',
            "has cells up to B2000000: 2,000,000 rows by 2 columns",
            id="beyond-the-last-row",
        ),
    ],
)
def test_a_used_range_over_the_limits_is_refused(tmp_path: Path, rows: str, message: str) -> None:
    path = write_package(tmp_path / "wide.xlsx", sheet_xml(HEADER_ROWS + rows))

    with pytest.raises(InputFileError, match=message):
        read_sheet(path, is_header=is_header)


def test_a_reference_no_spreadsheet_writes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="the cell reference 'A-1'"):
        extent_of(tmp_path, '<row r="1"><c r="A-1"><v>1</v></c></row>')


def test_a_sheet_that_declares_more_than_it_holds_is_read_by_either_reader(
    tmp_path: Path,
) -> None:
    path = write_package(tmp_path / "declares.xlsx", sheet_xml(HEADER_ROWS, "A1:XFD1048576"))

    sheet = read_sheet(path, is_header=is_header)
    book = OpenpyxlBook(path, Bounds(path, check_package(path)))
    try:
        streamed = list(book.rows("Sheet1"))
    finally:
        book.close()

    assert [row.cells for row in sheet.rows] == [("6281234567890", "Halo")]
    assert streamed == [("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo")]


# .ods --------------------------------------------------------------------------------------

ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)
ODS_HEADER_ROWS = "".join(
    "<table:table-row>"
    + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
        for text in texts
    )
    + "</table:table-row>"
    for texts in (("PhoneNumber", "PrefilledMessage"), ("6281234567890", "Halo"))
)


def write_ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table '
        f'table:name="Kampanye">{ODS_HEADER_ROWS}{rows}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return path


def test_an_ods_cell_repeated_into_92_million_is_refused_not_a_crash(tmp_path: Path) -> None:
    # under calamine's own limit of 100 million cells, so it tried to build all of them
    repeated = (
        '<table:table-row table:number-rows-repeated="90000"><table:table-cell '
        'table:number-columns-repeated="1024" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    path = write_ods(tmp_path / "repeats.ods", repeated)

    code, output, seconds, peak = validate_in_child(path)

    assert code == 2, output
    assert "sheet 'Kampanye' has cells up to AMJ90002: 90,002 rows by 1,024 columns" in output
    assert seconds < 5
    assert peak < 500


def test_an_ods_s_empty_repeats_to_the_sheet_s_end_are_read(tmp_path: Path) -> None:
    # LibreOffice ends a sheet so
    empty = (
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = write_ods(tmp_path / "saved.ods", empty)

    sheet = read_sheet(path, is_header=is_header)

    assert [row.cells for row in sheet.rows] == [("6281234567890", "Halo")]
