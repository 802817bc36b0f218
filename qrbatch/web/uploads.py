"""Receiving a spreadsheet from the page: only spreadsheet types, bounded size, and a
generated name on disk (the uploaded name is display text only, never a path).

The extension decides the type, as it does for ``qrbatch run``; a binary format must also
be a ZIP or an OLE2 container, so a renamed photo or program is refused here. Which of
the two it is, is the sheet reader's to judge, as for ``qrbatch run``: it reads an .xlsx
saved as .xls by its content, and says a password-protected .xlsx (an OLE2 file) is one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Protocol

from qrbatch.sheets.read import EXCEL_SUFFIXES
from qrbatch.sheets.workbooks import OLE_MAGIC, ZIP_MAGIC
from qrbatch.web.runs import SPREADSHEET_SUFFIXES, RunStore, WebRun, display_name

DEFAULT_MAX_UPLOAD = 25 * 1024 * 1024
"""25 MiB: a few hundred thousand rows of .xlsx; larger sheets belong to the CLI."""
CHUNK = 64 * 1024
CONTAINERS = (ZIP_MAGIC, OLE_MAGIC)
BINARY_SUFFIXES = frozenset(EXCEL_SUFFIXES)


@dataclass(frozen=True, slots=True)
class UploadRefused(Exception):
    """Why an upload was refused: an i18n key, its parameters and the HTTP status."""

    key: str
    status: int
    params: dict[str, str] = field(default_factory=dict)


class Chunks(Protocol):
    """An uploaded file's body, read in pieces (aiohttp's BodyPartReader)."""

    async def read_chunk(self, size: int = ...) -> bytes: ...


def human_size(size: int, language: str = "en") -> str:
    """Bytes as people read them: 512 B, 40 KB, 3.2 MB (3,2 MB in Indonesian)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    megabytes = f"{size / (1024 * 1024):.1f}"
    return (megabytes.replace(".", ",") if language == "id" else megabytes) + " MB"


def spreadsheet_suffix(filename: str) -> str | None:
    """The lower-case extension if it is a spreadsheet qrbatch reads, else None."""
    suffix = PurePath(display_name(filename)).suffix.lower()
    return suffix if suffix in SPREADSHEET_SUFFIXES else None


async def receive(
    store: RunStore, filename: str, body: Chunks, *, limit: int, declared: int | None
) -> WebRun:
    """Store an upload as a new run's input, or raise UploadRefused (nothing kept)."""
    name = display_name(filename)
    suffix = spreadsheet_suffix(name)
    if suffix is None:
        raise UploadRefused("error.type", 415, {"name": name})
    if declared is not None and declared > limit + CHUNK:  # the form's own bytes aside
        raise UploadRefused(
            "error.size",
            413,
            {"name": name, "size": human_size(declared), "limit": human_size(limit)},
        )
    run = store.new_upload(name, suffix)
    size = 0
    digest = hashlib.sha256()
    try:
        descriptor = os.open(run.input_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            while chunk := await body.read_chunk(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(
                        "error.size",
                        413,
                        {
                            "name": name,
                            "size": f"> {human_size(limit)}",
                            "limit": human_size(limit),
                        },
                    )
                handle.write(chunk)
                digest.update(chunk)
        if size == 0:
            raise UploadRefused("error.empty", 400, {"name": name})
        if suffix in BINARY_SUFFIXES:
            with open(run.input_path, "rb") as handle:
                if not handle.read(8).startswith(CONTAINERS):
                    raise UploadRefused("error.content", 415, {"name": name})
    except BaseException:
        store.discard(run)
        raise
    run.record.digest = digest.hexdigest()
    run.save()
    return run
