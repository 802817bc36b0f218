"""QR images kept with the results, since CAMS image URLs may expire.

Each code's image is downloaded as soon as the code exists, into
``<output stem>_qr/`` beside the workbook, then named per row
(``row00002_6281234567890_ABCDEFGHIJKLMN.png``). When a download fails, or an earlier
run's image is gone, the deep link is rendered locally with segno instead, and counted
as such. Thumbnails for the workbook are always rendered locally (Excel cannot embed
SVG).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio
import segno

from qrbatch.errors import CamsError

log = logging.getLogger("qrbatch")
Download = Callable[[str], Awaitable[bytes]]
THUMBNAIL_SCALE = 2


def render_png(url: str, *, scale: int = 6) -> bytes:
    """A PNG QR code of ``url`` (error correction M, quiet zone 2)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def render(url: str, image_type: str) -> bytes:
    """A QR code of ``url`` as PNG or SVG bytes."""
    if image_type.upper() != "SVG":
        return render_png(url)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
    return buffer.getvalue()


def thumbnail(url: str) -> bytes:
    """A small PNG of ``url`` for embedding in the workbook."""
    return render_png(url, scale=THUMBNAIL_SCALE)


@dataclass(slots=True)
class ImageCounts:
    downloaded: int = 0
    rendered: int = 0
    files: int = 0


@dataclass(frozen=True, slots=True)
class RowImage:
    """Which image file one results row gets."""

    row_number: int
    phone: str
    code: str
    image_type: str
    deep_link_url: str


class ImageStore:
    """Downloads each code's image once, then names a copy per results row."""

    def __init__(self, folder: Path, download: Download) -> None:
        self.folder = folder
        self._cache = folder / ".by-code"
        self._download = download
        self.counts = ImageCounts()

    def _cached(self, code: str, image_type: str) -> Path:
        return self._cache / f"{code}.{image_type.lower()}"

    async def fetch(self, code: str, url: str, image_type: str, deep_link_url: str) -> None:
        """Download one code's image (or render it locally if the download fails)."""
        target = self._cached(code, image_type)
        if target.exists():
            return
        self._cache.mkdir(parents=True, exist_ok=True)
        try:
            content = await self._download(url)
            self.counts.downloaded += 1
        except CamsError as error:
            log.warning("QR image of %s not downloaded (%s): rendered locally", code, error)
            content = render(deep_link_url, image_type)
            self.counts.rendered += 1
        await anyio.Path(target).write_bytes(content)

    def place(self, rows: Sequence[RowImage]) -> ImageCounts:
        """Name one file per row; render any image an earlier run did not keep."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for row in rows:
            cached = self._cached(row.code, row.image_type)
            if not cached.exists():
                self._cache.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(render(row.deep_link_url, row.image_type))
                self.counts.rendered += 1
            name = f"row{row.row_number:05d}_{row.phone}_{row.code}.{row.image_type.lower()}"
            final = self.folder / name
            if not final.exists():
                try:
                    os.link(cached, final)
                except OSError:
                    shutil.copyfile(cached, final)
            self.counts.files += 1
        return self.counts
