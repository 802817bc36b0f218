"""The ZIP for a designer or a print shop: one image per code plus ``manifest.csv``.

The manifest says which file is which code (file, label, number, message, code, deep
link), one line per printable row in row order; rows that share a code and a file name
share the file. The archive is built in a temporary file and renamed into place.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
import zipfile
from collections.abc import Sequence
from pathlib import Path

from qrbatch.outputs.files import atomic_path
from qrbatch.outputs.images import RowImage, format_name, render, safe_name, unique_name
from qrbatch.outputs.printing.options import PrintItem, PrintOptions
from qrbatch.outputs.workbook import csv_safe
from qrbatch.words import say

MANIFEST = "manifest.csv"
README = "README.txt"
MANIFEST_COLUMNS = ("file", "row", "label", "number", "message", "code", "deep_link")
_PHONE_TEXT = re.compile(r"[+\d\s().\-]*")


def _safe(text: str) -> str:
    """Text a spreadsheet opening the manifest will not run; phone numbers as written."""
    return text if _PHONE_TEXT.fullmatch(text) and not text.startswith("-") else csv_safe(text)


def image_name(item: PrintItem, options: PrintOptions) -> str:
    """The item's file name from the template, without the extension or uniqueness."""
    row = RowImage(
        item.row, item.phone, item.code, options.image.format, item.deep_link, item.label,
        item.columns,
    )  # fmt: skip
    return safe_name(format_name(options.image.name_template, row.name_fields()))


def write_zip(items: Sequence[PrintItem], target: Path | str, options: PrintOptions) -> int:
    """Write the images of ``items`` and their manifest to a ZIP at ``target``
    (atomically); return the number of image files in it."""
    target = Path(target)
    extension = options.image.format
    names: dict[tuple[str, str], str] = {}
    taken: dict[str, str] = {}
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for item in items:
            base = f"{image_name(item, options)}.{extension}"
            name = names.get((item.code, base))
            if name is None:
                name = unique_name(base, taken)
                taken[name] = item.code
                names[(item.code, base)] = name
                content = render(item.deep_link, extension, options.image)
                # PNG is already compressed: storing it saves time and changes nothing
                method = zipfile.ZIP_STORED if extension == "png" else zipfile.ZIP_DEFLATED
                bundle.writestr(f"images/{name}", content, compress_type=method)
            writer.writerow(
                [f"images/{name}", item.row, csv_safe(item.label), _safe(item.phone),
                 csv_safe(item.message), item.code, item.deep_link]
            )  # fmt: skip
        bundle.writestr(MANIFEST, "\ufeff" + manifest.getvalue())
        # the manifest's columns keep their names for scripts; this says them in words
        readme = say("workbook.print.readme", language=options.language)
        bundle.writestr(README, textwrap.fill(readme, 78) + "\n")
    return len(taken)
