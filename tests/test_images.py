"""QR images: downloaded once per code, named per row, rendered locally when needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrbatch.errors import TransientError
from qrbatch.images import ImageStore, RowImage, render

pytestmark = pytest.mark.anyio
LINK = "https://wa.me/message/ABCDEFGHIJKLMN"


async def test_an_image_is_downloaded_once_and_copied_per_row(tmp_path: Path) -> None:
    calls: list[str] = []

    async def download(url: str) -> bytes:
        calls.append(url)
        return b"\x89PNG from the CDN"

    store = ImageStore(tmp_path / "out_qr", download)
    await store.fetch("ABCDEFGHIJKLMN", "https://cdn/x.png", "PNG", LINK)
    await store.fetch("ABCDEFGHIJKLMN", "https://cdn/x.png", "PNG", LINK)
    counts = store.place(
        [
            RowImage(2, "6281234567890", "ABCDEFGHIJKLMN", "PNG", LINK),
            RowImage(9, "6281234567890", "ABCDEFGHIJKLMN", "PNG", LINK),
        ]
    )
    assert calls == ["https://cdn/x.png"]
    assert (counts.downloaded, counts.rendered, counts.files) == (1, 0, 2)
    files = sorted(p.name for p in (tmp_path / "out_qr").glob("row*"))
    assert files == [
        "row00002_6281234567890_ABCDEFGHIJKLMN.png",
        "row00009_6281234567890_ABCDEFGHIJKLMN.png",
    ]
    assert (tmp_path / "out_qr" / files[1]).read_bytes() == b"\x89PNG from the CDN"


async def test_a_failed_download_is_rendered_locally_from_the_deep_link(tmp_path: Path) -> None:
    async def download(url: str) -> bytes:
        raise TransientError("expired", code="ImageDownloadFailed")

    store = ImageStore(tmp_path / "q", download)
    await store.fetch("ABCDEFGHIJKLMN", "https://cdn/x.svg", "SVG", LINK)
    counts = store.place([RowImage(2, "1", "ABCDEFGHIJKLMN", "SVG", LINK)])
    assert (counts.downloaded, counts.rendered) == (0, 1)
    saved = (tmp_path / "q" / "row00002_1_ABCDEFGHIJKLMN.svg").read_bytes()
    assert saved == render(LINK, "SVG") and b"<svg" in saved


def test_images_missing_from_an_earlier_run_are_rendered(tmp_path: Path) -> None:
    async def never(url: str) -> bytes:
        raise AssertionError("no download for rows done earlier")

    store = ImageStore(tmp_path / "q", never)
    counts = store.place([RowImage(3, "1", "ABCDEFGHIJKLMN", "PNG", LINK)])
    assert counts.rendered == 1
    assert (tmp_path / "q" / "row00003_1_ABCDEFGHIJKLMN.png").read_bytes() == render(LINK, "PNG")
