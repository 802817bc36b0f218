"""Job settings: a value a setting cannot take (``run/settings.py``), named as the reader
sets it (a flag, a parameter, a field on the page)."""

from __future__ import annotations

EN: dict[str, str] = {
    "job.image_type": "{option:image_type} must be PNG or SVG, got {value!r}",
    "job.header_row": "{option:header_row} must be 1 or more, got {value}",
    "job.qps": "{option:qps} must be more than 0 and at most 100000, got {value}",
    "job.timeout": "{option:timeout} must be positive, got {value}",
    "job.max_attempts": "{option:max_attempts} must be at least 1, got {value}",
    "job.outage": "{option:outage_failures} must be at least 1 and {option:outage_seconds} more "
    "than 0, got {failures} and {seconds}",
    "job.not_a_path": "{option:{setting}} must be a path (str or Path), got {type}",
    "job.not_a_number": "{option:{setting}} must be a number, got {value}",
    "job.settle_seconds": "{option:settle_seconds} must be 0 or more, got {value}",
    "job.output_placeholder": "output {text!r}: unknown placeholder {placeholder}; use "
    "{{date}}, {{time}}, {{input_stem}}",
    "job.endpoint": "{option:endpoint} must be an http(s) URL or 'sandbox', got {value!r}",
    "job.language": "{option:language} must be en (English) or id (Bahasa Indonesia), got "
    "{value!r}",
    "job.language_env": "QRBATCH_LANGUAGE must be en (English) or id (Bahasa Indonesia), got "
    "{value!r}; change it, or {fix:language}",
}

ID: dict[str, str] = {
    "job.image_type": "{option:image_type} harus PNG atau SVG, bukan {value!r}",
    "job.header_row": "{option:header_row} harus 1 atau lebih, bukan {value}",
    "job.qps": "{option:qps} harus lebih dari 0 dan paling banyak 100000, bukan {value}",
    "job.timeout": "{option:timeout} harus positif, bukan {value}",
    "job.max_attempts": "{option:max_attempts} harus paling sedikit 1, bukan {value}",
    "job.outage": "{option:outage_failures} harus paling sedikit 1 dan {option:outage_seconds} "
    "lebih dari 0, bukan {failures} dan {seconds}",
    "job.not_a_path": "{option:{setting}} harus berupa path (str atau Path), bukan {type}",
    "job.not_a_number": "{option:{setting}} harus berupa angka, bukan {value}",
    "job.settle_seconds": "{option:settle_seconds} harus 0 atau lebih, bukan {value}",
    "job.output_placeholder": "output {text!r}: placeholder {placeholder} tidak dikenal; pakai "
    "{{date}}, {{time}}, {{input_stem}}",
    "job.endpoint": "{option:endpoint} harus URL http(s) atau 'sandbox', bukan {value!r}",
    "job.language": "{option:language} harus en (English) atau id (Bahasa Indonesia), bukan "
    "{value!r}",
    "job.language_env": "QRBATCH_LANGUAGE harus en (English) atau id (Bahasa Indonesia), bukan "
    "{value!r}; ubah nilainya, atau {fix:language}",
}
