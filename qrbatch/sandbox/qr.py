"""Real QR images of a deep link, rendered with segno."""

from __future__ import annotations

import io

import segno


def render(url: str, image_type: str, *, scale: int = 6) -> bytes:
    """A QR code of ``url`` as PNG or SVG bytes."""
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg" if image_type.upper() == "SVG" else "png", scale=scale, border=2)
    return buffer.getvalue()
