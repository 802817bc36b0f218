"""QR image files: rendered from the deep link at print size, named by template, one file
per code and name, the folder holding the current results only, never half written."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from qrbatch.outputs.images import ImageOptions, ImageStore, RowImage, render, safe_name

pytestmark = pytest.mark.anyio
LINK = "https://wa.me/message/ABCDEFGHIJKLMN"
OTHER = "https://wa.me/message/ZYXWVUTSRQPONM"


def decoded(path: Path) -> list[str]:
    return [c.text for c in zxingcpp.read_barcodes(Image.open(path))]


def test_images_come_from_the_deep_link_not_the_dead_image_url(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "out_qr")  # nothing to download from: rendered locally
    counts = store.place([RowImage(2, "6281234567890", "ABCDEFGHIJKLMN", "PNG", LINK)])
    path = tmp_path / counts.paths[2]
    assert counts.paths == {2: "out_qr/row00002_6281234567890_ABCDEFGHIJKLMN.png"}
    assert decoded(path) == [LINK]
    image = Image.open(path)
    assert image.width >= 30 / 25.4 * 300 and round(image.info["dpi"][0]) == 300


def test_identical_rows_share_one_file_and_names_come_from_the_template(tmp_path: Path) -> None:
    options = ImageOptions(name_template="{Store}_{phone}_{code}")
    store = ImageStore(tmp_path / "q", options=options)
    columns = {"Store": "Toko A/B: Jakarta?", "Message": "hi"}
    rows = [
        RowImage(n, "6281234567890", "ABCDEFGHIJKLMN", "PNG", LINK, columns=columns)
        for n in range(2, 1002)
    ]
    rows.append(RowImage(1002, "6281234567890", "ZYXWVUTSRQPONM", "svg", OTHER, columns=columns))
    counts = store.place(rows)
    names = sorted(p.name for p in (tmp_path / "q").iterdir() if not p.name.startswith("."))
    assert names == [
        "Toko A_B_ Jakarta__6281234567890_ABCDEFGHIJKLMN.png",
        "Toko A_B_ Jakarta__6281234567890_ZYXWVUTSRQPONM.svg",
    ]
    assert (counts.files, counts.rendered, len(counts.paths)) == (2, 2, 1001)
    assert b"<svg" in (tmp_path / "q" / names[1]).read_bytes()


def test_different_codes_with_the_same_name_get_unique_files(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "q", options=ImageOptions(name_template="{label}"))
    counts = store.place(
        [
            RowImage(2, "1", "ABCDEFGHIJKLMN", "PNG", LINK, label="Shop"),
            RowImage(3, "1", "ZYXWVUTSRQPONM", "PNG", OTHER, label="Shop"),
        ]
    )
    assert counts.paths == {2: "q/Shop.png", 3: "q/Shop-2.png"}
    assert decoded(tmp_path / "q" / "Shop-2.png") == [OTHER]


def test_a_rerun_keeps_only_the_current_images_and_rewrites_empty_ones(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    ImageStore(folder).place(
        [RowImage(2, "1", "ABCDEFGHIJKLMN", "PNG", LINK), RowImage(3, "1", "OLD", "PNG", OTHER)]
    )
    (folder / ".by-code").mkdir()  # an older qrbatch's cache
    (folder / ".x.png.123.tmp").write_bytes(b"half")  # a crash mid-write
    (folder / "notes.txt").write_text("mine")
    (folder / "row00002_1_ABCDEFGHIJKLMN.png").write_bytes(b"")  # a 0-byte file is never reused
    counts = ImageStore(folder).place([RowImage(2, "1", "ABCDEFGHIJKLMN", "PNG", LINK)])
    assert sorted(p.name for p in folder.iterdir()) == [
        ".qrbatch-images.json",
        "notes.txt",
        "row00002_1_ABCDEFGHIJKLMN.png",
    ]
    assert counts.rendered == 1 and decoded(folder / "row00002_1_ABCDEFGHIJKLMN.png") == [LINK]
    again = ImageStore(folder).place([RowImage(2, "1", "ABCDEFGHIJKLMN", "PNG", LINK)])
    assert again.rendered == 0  # unchanged and complete: kept
    bigger = ImageStore(folder, options=ImageOptions(size_mm=50)).place(
        [RowImage(2, "1", "ABCDEFGHIJKLMN", "PNG", LINK)]
    )
    assert bigger.rendered == 1  # another size: made again
    assert json.loads((folder / ".qrbatch-images.json").read_text())


def test_image_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        ImageStore(tmp_path / "q").place([RowImage(2, "1", "C", "PNG", LINK)])
    finally:
        os.umask(old)
    assert (tmp_path / "q" / "row00002_1_C.png").stat().st_mode & 0o777 == 0o664


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a/b\\c:d*e?f", "a_b_c_d_e_f"),
        ("con", "_con"),
        ("  dots. ", "dots"),
        ("", "_"),
        ("上海 旗舰店", "上海 旗舰店"),
        ("x" * 300, "x" * 120),
    ],
)
def test_file_names_are_safe_on_every_file_system(text: str, expected: str) -> None:
    assert safe_name(text) == expected


def test_a_bad_template_is_refused_early() -> None:
    from qrbatch.errors import ConfigError

    with pytest.raises(ConfigError, match="template"):
        ImageOptions(name_template="{row")


def test_svg_is_sized_in_millimetres() -> None:
    svg = render(LINK, "SVG", ImageOptions(size_mm=40))
    assert b'width="40.0mm"' in svg
    png = Image.open(io.BytesIO(render(LINK, "PNG", ImageOptions(size_mm=40, dpi=600))))
    assert png.width >= 40 / 25.4 * 600


def test_rows_named_one_by_one_stop_at_a_cap_per_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qrbatch.outputs import images

    monkeypatch.setattr(images, "MAX_FILES_PER_CODE", 3)
    rows = [RowImage(n, "1", "ABCDEFGHIJKLMN", "PNG", LINK) for n in range(2, 12)]
    counts = ImageStore(tmp_path / "q").place(rows)
    assert (counts.files, counts.rendered, counts.capped) == (3, 3, 7)
    assert counts.paths[11] == counts.paths[2] == "q/row00002_1_ABCDEFGHIJKLMN.png"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_label_makes_a_file_name_the_file_system_takes(tmp_path: Path, text: str) -> None:
    name = safe_name(text)
    assert 0 < len(name) <= 120 and "/" not in name and "\x00" not in name
    (tmp_path / f"{name}.png").write_bytes(b"x")
    assert (tmp_path / f"{name}.png").read_bytes() == b"x"


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{nonexistent}", "no field {nonexistent}"),
        ("{Store.__class__}", "is not a field name"),
        ("{Store[0]}", "is not a field name"),
        ("{}", "is not a field name"),
    ],
)
def test_a_file_name_template_takes_only_known_plain_fields(template: str, words: str) -> None:
    from qrbatch.errors import ConfigError
    from qrbatch.outputs.images import check_template

    with pytest.raises(ConfigError, match=re.escape(words)):
        check_template(template, ["Store", "Phone"])
    check_template("{Store}_{row}_{code}", ["Store", "Phone"])


def test_bidi_controls_never_reach_a_file_name() -> None:
    from qrbatch.outputs.images import safe_name

    assert safe_name("Toko \u202eFDP.exe") == "Toko FDP.exe"
    assert safe_name("\u2067متجر\u2069 1") == "متجر 1"
