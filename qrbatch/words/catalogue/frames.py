"""Frames: the DataFrame API's own words (``dataframes/``): a call of ``create_codes``,
``acreate_codes`` or ``validate_frame`` that cannot start, and one that was stopped."""

from __future__ import annotations

EN: dict[str, str] = {
    "frames.interrupted": "Stopped: the calls in flight were settled and recorded, nothing "
    "new was sent. Run the same call again to send the rest (what was done is this error's "
    ".result).",
    "frames.errors_value": 'errors must be "raise" or "ignore", not {value!r}.',
    "frames.not_a_frame": "Expected a pandas or polars DataFrame, got {kind}.",
    "frames.lazy_frame": "A polars LazyFrame cannot be read row by row: pass df.collect().",
}

ID: dict[str, str] = {
    "frames.interrupted": "Dihentikan: panggilan yang sedang berjalan sudah selesai dan "
    "dicatat, tidak ada yang baru dikirim. Jalankan panggilan yang sama lagi untuk mengirim "
    "sisanya (yang sudah selesai ada di .result pada error ini).",
    "frames.errors_value": 'errors harus "raise" atau "ignore", bukan {value!r}.',
    "frames.not_a_frame": "Yang diharapkan DataFrame pandas atau polars, yang diberikan {kind}.",
    "frames.lazy_frame": "LazyFrame polars tidak bisa dibaca baris demi baris: berikan "
    "df.collect().",
}
