"""Codes people can print and hand on: a PDF of labelled codes, a ZIP of images with a
manifest, both from the rows of a run or from any results workbook (no API call).

    items = items_from_workbook("campaign.results.xlsx", label_column="Store")
    # or, in the run itself: items = items_from_results(sheet, results, label_column="Store")
    write_pdf(items, "campaign.pdf", PrintOptions(layout="labels", paper="a4-3x7"))
    write_zip(items, "campaign.zip", PrintOptions(image=ImageOptions(format="svg")))

or in one call: ``pdf_from_workbook(results, target, options)``,
``zip_from_workbook(results, target, options)``. See ``docs/printing.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and readers
    from qrbatch.outputs.images import ImageOptions
    from qrbatch.outputs.printing.bundle import write_zip
    from qrbatch.outputs.printing.items import CaptionColumns, items_from_results, iter_results
    from qrbatch.outputs.printing.options import (
        LABEL_SHEETS,
        LAYOUTS,
        PRINTABLE_STATUSES,
        Layout,
        PrintItem,
        PrintOptions,
    )
    from qrbatch.outputs.printing.pdf import Placement, layout, smallest_module_mm, write_pdf
    from qrbatch.outputs.printing.readback import (
        items_from_workbook,
        iter_items,
        pdf_from_workbook,
        zip_from_workbook,
    )

# Each name's module: loaded on first use, so the settings can import ``options`` without
# loading the PDF, the ZIP and the workbook reader (fpdf2, HarfBuzz, openpyxl).
_HOMES = {
    "CaptionColumns": "qrbatch.outputs.printing.items",
    "ImageOptions": "qrbatch.outputs.images",
    "LABEL_SHEETS": "qrbatch.outputs.printing.options",
    "LAYOUTS": "qrbatch.outputs.printing.options",
    "Layout": "qrbatch.outputs.printing.options",
    "PRINTABLE_STATUSES": "qrbatch.outputs.printing.options",
    "Placement": "qrbatch.outputs.printing.pdf",
    "PrintItem": "qrbatch.outputs.printing.options",
    "PrintOptions": "qrbatch.outputs.printing.options",
    "items_from_results": "qrbatch.outputs.printing.items",
    "items_from_workbook": "qrbatch.outputs.printing.readback",
    "iter_items": "qrbatch.outputs.printing.readback",
    "iter_results": "qrbatch.outputs.printing.items",
    "layout": "qrbatch.outputs.printing.pdf",
    "pdf_from_workbook": "qrbatch.outputs.printing.readback",
    "smallest_module_mm": "qrbatch.outputs.printing.pdf",
    "write_pdf": "qrbatch.outputs.printing.pdf",
    "write_zip": "qrbatch.outputs.printing.bundle",
    "zip_from_workbook": "qrbatch.outputs.printing.readback",
}

__all__ = [
    "CaptionColumns",
    "LABEL_SHEETS",
    "LAYOUTS",
    "PRINTABLE_STATUSES",
    "ImageOptions",
    "Layout",
    "Placement",
    "PrintItem",
    "PrintOptions",
    "items_from_results",
    "items_from_workbook",
    "iter_items",
    "iter_results",
    "layout",
    "pdf_from_workbook",
    "smallest_module_mm",
    "write_pdf",
    "write_zip",
    "zip_from_workbook",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
