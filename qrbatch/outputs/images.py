"""QR image files kept with the results: print quality, rendered locally, named per template.

Every image is rendered here from the row's deep link (segno), never downloaded: the deep
link *is* the code, a CAMS image URL may expire, and a sandbox ``QrImageUrl`` points at a
loopback server that is gone once the run ends. Rendering locally also lets the image be
made for print (a set size at a set dpi, a 4-module quiet zone) instead of the 198 px
thumbnail the service returns.

The folder ``<output stem>_qr/`` beside the workbook holds exactly the current results'
images: file names come from a template (``{label}_{code}`` by default), rows that share a
code and a name share one file (a million identical rows make one file, not a million
links), files of earlier runs that no current row names are removed, and each file is
written to a temporary name and renamed, so a crash never leaves a half-written or 0-byte
image that a rerun would take for a good one. ``ImageCounts.paths`` maps each row to its
file, for the workbook's ``ImageFile`` column.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import math
import re
import shutil
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import segno
from PIL import Image

from qrbatch.errors import ConfigError
from qrbatch.outputs.files import atomic_write

log = logging.getLogger("qrbatch")
ImageFormat = Literal["png", "svg"]

QUIET_ZONE = 4  # modules of light margin ISO/IEC 18004 asks for around a QR code
DEFAULT_IMAGE_MM = 30.0
DEFAULT_DPI = 300
DEFAULT_NAME_TEMPLATE = "row{row}_{phone}_{code}"  # the names of qrbatch 0.1: scripts use them
MAX_FILES_PER_CODE = 1000  # past this, more rows of one code reuse its first file
MAX_NAME_CHARS = 120  # well under every file system's 255-byte limit, even in UTF-8
THUMBNAIL_MODULE_PX = 3
_INDEX = ".qrbatch-images.json"
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def qr_code(url: str, error: str = "m") -> segno.QRCode:
    """The QR code of ``url`` (never a Micro QR, which phone cameras do not read).

    Cached: choosing the mask is most of the cost, and a run draws each code several
    times (image file, thumbnail, PDF, ZIP). Treat the result as read-only.
    """
    return _qr_code(url, error.lower())


@functools.lru_cache(maxsize=8192)
def _qr_code(url: str, error: str) -> segno.QRCode:
    return segno.make_qr(url, error=error, boost_error=False)


def render_png(url: str, *, scale: int = 6, dpi: int | None = None, error: str = "m") -> bytes:
    """A PNG QR code of ``url``: ``scale`` pixels per module, a 4-module quiet zone, and
    ``dpi`` recorded in the file so it prints at its intended size.

    Drawn with Pillow (one 1-bit image scaled up, encoded in C), several times faster
    than segno's pure-Python PNG writer for the same pixels.
    """
    matrix = qr_code(url, error).matrix_iter(border=QUIET_ZONE)
    pixels = b"".join(bytes(0 if dark else 255 for dark in row) for row in matrix)
    side = math.isqrt(len(pixels))
    image = Image.frombytes("L", (side, side), pixels).convert("1")
    image = image.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    if dpi:
        image.save(buffer, "PNG", dpi=(dpi, dpi))
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def render_svg(url: str, *, size_mm: float = DEFAULT_IMAGE_MM, error: str = "m") -> bytes:
    """An SVG QR code of ``url`` sized in millimetres (for designers: scales without loss)."""
    qr = qr_code(url, error)
    modules = qr.symbol_size(border=QUIET_ZONE)[0]
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=size_mm / modules, border=QUIET_ZONE, unit="mm")
    return buffer.getvalue()


def render(url: str, image_type: str, options: ImageOptions | None = None) -> bytes:
    """A QR code of ``url`` as PNG or SVG bytes, at the options' print size."""
    options = options or ImageOptions()
    if image_type.lower() == "svg":
        return render_svg(url, size_mm=options.size_mm)
    return render_png(url, scale=options.module_px(url), dpi=options.dpi)


def thumbnail(url: str, min_px: int = 0) -> bytes:
    """A PNG of ``url`` for embedding in the workbook, at least ``min_px`` wide in whole
    pixels per module (crisp on screen and on paper)."""
    modules = qr_code(url).symbol_size(border=QUIET_ZONE)[0]
    return render_png(url, scale=max(THUMBNAIL_MODULE_PX, math.ceil(min_px / modules)))


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageOptions:
    """How image files are made and named.

    ``size_mm`` is the printed side of the code, quiet zone included; PNGs get enough
    whole pixels per module to reach it at ``dpi`` (and carry that dpi, so they print
    at that size). ``name_template`` takes ``{row}``, ``{label}``, ``{phone}``,
    ``{code}`` and any input column by its header (``{Store}``); the result is made safe
    for every file system.
    """

    format: ImageFormat = "png"
    size_mm: float = DEFAULT_IMAGE_MM
    dpi: int = DEFAULT_DPI
    name_template: str = DEFAULT_NAME_TEMPLATE

    def __post_init__(self) -> None:
        if self.format not in ("png", "svg"):
            raise ConfigError.of("images.format", value=self.format)
        if not 5 <= self.size_mm <= 1000:
            raise ConfigError.of("images.size", value=f"{self.size_mm:g}")
        if not 72 <= self.dpi <= 2400:
            raise ConfigError.of("images.dpi", value=self.dpi)
        check_template(self.name_template)

    def module_px(self, url: str) -> int:
        """Whole pixels per module so the PNG is at least ``size_mm`` wide at ``dpi``."""
        modules = qr_code(url).symbol_size(border=QUIET_ZONE)[0]
        return max(1, math.ceil(self.size_mm / 25.4 * self.dpi / modules))

    def fingerprint(self, image_type: str) -> str:
        return f"{image_type.lower()}:{self.size_mm}:{self.dpi}"


BUILT_IN_FIELDS = ("row", "label", "phone", "code")


def template_fields(template: str) -> list[str]:
    """The ``{field}`` names of a file name template, or ConfigError when it is not a plain
    template: positional ``{}``, attribute or index access (``{Store.__class__}``)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ConfigError.of("images.template", template=template, reason=error) from None
    names: list[str] = []
    for _, name, _, _ in parts:
        if name is None:
            continue
        if not name.isidentifier():
            raise ConfigError.of(
                "images.not_a_field",
                template=template,
                field=name,
                fields=["{" + f + "}" for f in BUILT_IN_FIELDS],
            )
        names.append(name)
    return names


def check_template(template: str, columns: Sequence[str] | None = None) -> None:
    """Raise ConfigError for a name template that is not a plain ``{field}`` template, or,
    given the sheet's ``columns``, one that names a field neither built in nor a column."""
    known = {*BUILT_IN_FIELDS, *(c for c in columns or () if c.isidentifier())}
    try:
        template.format_map(dict.fromkeys(template_fields(template), "x"))
    except (ValueError, IndexError, AttributeError, KeyError) as error:
        raise ConfigError.of("images.template", template=template, reason=error) from None
    unknown = [f for f in template_fields(template) if f not in known]
    if columns is not None and unknown:
        raise ConfigError.of(
            "images.no_field",
            template=template,
            field=unknown[0],
            fields=["{" + f + "}" for f in sorted(known)],
        )


def safe_name(text: str) -> str:
    """``text`` as a file name every file system accepts (no separators, no reserved
    names, no trailing dots or spaces, at most ``MAX_NAME_CHARS``)."""
    text = unicodedata.normalize("NFC", text)
    text = _BIDI.sub("", text)  # a U+202E in a label would show the name reversed
    text = _UNSAFE.sub("_", text).strip(" .")
    text = re.sub(r"\s+", " ", text)
    text = text[:MAX_NAME_CHARS].rstrip(" .")
    if not text or _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    return text


@dataclass(slots=True)
class ImageCounts:
    rendered: int = 0
    files: int = 0
    capped: int = 0
    """Rows given their code's first file (over ``MAX_FILES_PER_CODE`` files per code)."""
    paths: dict[int, str] = field(default_factory=dict)
    """Input row number -> image file, relative to the workbook's folder."""


@dataclass(frozen=True, slots=True)
class RowImage:
    """Which image file one results row gets."""

    row_number: int
    phone: str
    code: str
    image_type: str
    deep_link_url: str
    label: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)
    """The row's input cells by header, for ``{column}`` fields of the name template."""

    def name_fields(self) -> dict[str, str]:
        fields = {k: v for k, v in self.columns.items() if k.isidentifier()}
        fields.update(
            row=f"{self.row_number:05d}",
            label=self.label or self.phone,
            phone=self.phone,
            code=self.code,
        )
        return fields


class ImageStore:
    """Renders one print-quality image per code and name; keeps the folder current."""

    def __init__(self, folder: Path, *, options: ImageOptions | None = None) -> None:
        self.folder = folder
        self.options = options or ImageOptions()
        self.counts = ImageCounts()

    def place(self, rows: Sequence[RowImage]) -> ImageCounts:
        """Write the images of ``rows`` and drop stale ones.

        One file per code and name: rows whose template gives the same name for the same
        code share a file. A template with ``{row}`` names a file per row, up to
        ``MAX_FILES_PER_CODE`` per code; further rows of that code get its first file
        (a million identical rows are not worth a million files).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        index = self._read_index()
        written: dict[str, str] = {}  # file name -> code
        by_key: dict[tuple[str, str], str] = {}  # (code, base name) -> file name
        per_code: dict[str, list[str]] = {}  # code -> its files, first one first
        content = functools.lru_cache(maxsize=256)(self._render)
        for row in rows:
            extension = "svg" if row.image_type.lower() == "svg" else "png"
            base = safe_name(format_name(self.options.name_template, row.name_fields()))
            key = (row.code, f"{base}.{extension}")
            name = by_key.get(key)
            files = per_code.setdefault(row.code, [])
            if name is None and len(files) >= MAX_FILES_PER_CODE:
                name = files[0]
                self.counts.capped += 1
            if name is None:
                name = unique_name(f"{base}.{extension}", written)
                written[name] = row.code
                by_key[key] = name
                files.append(name)
                target = self.folder / name
                entry = f"{row.code} {self.options.fingerprint(extension)}"
                if index.get(name) != entry or not _nonempty(target):
                    atomic_write(target, content(row.deep_link_url, extension))
                    self.counts.rendered += 1
                index[name] = entry
                self.counts.files += 1
            self.counts.paths[row.row_number] = f"{self.folder.name}/{name}"
        if self.counts.capped:
            log.warning(
                "%d rows share the image file of their code (over %d files per code)",
                self.counts.capped,
                MAX_FILES_PER_CODE,
            )
        self._remove_stale(set(written))
        kept = {name: index[name] for name in written}
        atomic_write(self.folder / _INDEX, json.dumps(kept, ensure_ascii=False).encode())
        return self.counts

    def _render(self, url: str, extension: str) -> bytes:
        return render(url, extension, self.options)

    def _read_index(self) -> dict[str, str]:
        try:
            data = json.loads((self.folder / _INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _remove_stale(self, keep: set[str]) -> None:
        """Images no current row names (an earlier run's) go; other files stay."""
        for path in self.folder.iterdir():
            if path.name == ".by-code" and path.is_dir():  # the cache of qrbatch <= 0.1
                shutil.rmtree(path, ignore_errors=True)
            elif _is_image(path) and path.name not in keep or _is_leftover(path):
                path.unlink(missing_ok=True)


def _is_image(path: Path) -> bool:
    return path.suffix.lower() in (".png", ".svg") and path.is_file()


def _is_leftover(path: Path) -> bool:
    """A temporary file of a write a crash interrupted."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def format_name(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with its fields filled (checked: ``check_template``)."""
    try:
        return template.format_map({f: fields[f] for f in template_fields(template)})
    except KeyError as missing:
        field = missing.args[0]
        raise ConfigError.of("images.missing_field", template=template, field=field) from None


def unique_name(name: str, taken: Mapping[str, object]) -> str:
    """``name``, or ``name`` with ``-2``, ``-3``... before the extension if taken."""
    if name not in taken:
        return name
    stem, dot, extension = name.rpartition(".")
    number = 2
    while f"{stem}-{number}{dot}{extension}" in taken:
        number += 1
    return f"{stem}-{number}{dot}{extension}"


def _nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False
