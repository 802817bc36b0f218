"""Images: the QR image files' format, size and names (``outputs/images.py``)."""

from __future__ import annotations

EN: dict[str, str] = {
    "images.format": "{option:image_format} {value!r}: use png or svg",
    "images.size": "{option:image_size} {value} mm: use 5 to 1000 mm",
    "images.dpi": "{option:image_dpi} {value}: use 72 to 2400",
    "images.template": "file name template {template!r} ({option:image_names}): {reason}",
    "images.not_a_field": "file name template {template!r} ({option:image_names}): "
    "{{{field}}} is not a field name; use {fields} or a column's name",
    "images.no_field": "file name template {template!r} ({option:image_names}): no field "
    "{{{field}}}; use one of {fields}",
    "images.missing_field": "file name template {template!r} ({option:image_names}): no "
    "field {{{field}}}",
}

ID: dict[str, str] = {
    "images.format": "{option:image_format} {value!r}: pakai png atau svg",
    "images.size": "{option:image_size} {value} mm: pakai 5 sampai 1000 mm",
    "images.dpi": "{option:image_dpi} {value}: pakai 72 sampai 2400",
    "images.template": "templat nama berkas {template!r} ({option:image_names}): {reason}",
    "images.not_a_field": "templat nama berkas {template!r} ({option:image_names}): "
    "{{{field}}} bukan nama isian; pakai {fields} atau nama kolom",
    "images.no_field": "templat nama berkas {template!r} ({option:image_names}): tidak ada "
    "isian {{{field}}}; pakai salah satu dari {fields}",
    "images.missing_field": "templat nama berkas {template!r} ({option:image_names}): tidak "
    "ada isian {{{field}}}",
}
