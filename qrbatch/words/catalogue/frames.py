"""Frames: the DataFrame API's own words (``dataframes/``): a call of ``create_codes``,
``acreate_codes`` or ``validate_frame`` that cannot start, and one that was stopped."""

from __future__ import annotations

EN: dict[str, str] = {
    "frames.interrupted": "Stopped: the calls in flight were settled and recorded, nothing "
    "new was sent. Run the same call again to send the rest (what was done is this error's "
    ".result).",
    "frames.errors_value": 'errors must be "raise" or "ignore", not {value!r}.',
    "frames.credentials_type": "credentials must be qrbatch.Credentials(access_key_id=..., "
    "access_key_secret=...), not a {kind}.",
    "frames.not_text": "{name}= must be a column's name (a str), not {kind}.",
    "frames.not_a_path": "{name}= must be a path (a str or Path), not {kind}.",
    "frames.progress_value": "progress= must be True, False or a function that takes the "
    "run's events, not {kind}.",
    "frames.not_a_number": "{name}= must be a number, not {kind}.",
    "frames.not_a_whole_number": "{name}= must be a whole number (an int), not {kind}.",
    "frames.at_least_one": "{name}= must be at least 1, not {value!r}.",
    "frames.region": 'default_region= must be a two-letter region code such as "ID", "SG" '
    'or "US", not {value!r}.',
    "frames.region_named": 'default_region= takes the two-letter region code: "{code}" for '
    "{value!r}.",
    "frames.prune_age": "prune(older_than=) must be a number of days (0 or more) or a "
    "timedelta, not {value!r}.",
    "frames.not_a_frame": "Expected a pandas or polars DataFrame, got {kind}.",
    "frames.lazy_frame": "A polars LazyFrame cannot be read row by row: pass df.collect().",
    "frames.not_a_result": "This frame has no {column} column: show() draws what "
    "create_codes() returned.",
    "frames.no_label_column": "No column named {column!r} for the captions.",
    "frames.print_needs_output": "pdf=True and zip=True write their files beside the "
    'workbook: give output= too (output="codes.xlsx").',
    "frames.pruned": "removed {count:n} notebook journals ({size}) from {folder}",
    "frames.would_prune": "would remove {count:n} notebook journals ({size}) from {folder}",
    "frames.in_use_kept": "{count:n} in use kept",
    "frames.newer_kept": "{count:n} newer kept",
    "frames.shown": "Codes shown: {count:n}.",
    "frames.not_shown": "Not shown (past limit=): {count:n}.",
    "frames.without_code": "Rows without a code (see their Status): {count:n}.",
}

ID: dict[str, str] = {
    "frames.interrupted": "Dihentikan: panggilan yang sedang berjalan sudah selesai dan "
    "dicatat, tidak ada yang baru dikirim. Jalankan panggilan yang sama lagi untuk mengirim "
    "sisanya (yang sudah selesai ada di .result pada error ini).",
    "frames.errors_value": 'errors harus "raise" atau "ignore", bukan {value!r}.',
    "frames.credentials_type": "credentials harus berupa qrbatch.Credentials("
    "access_key_id=..., access_key_secret=...), bukan {kind}.",
    "frames.not_text": "{name}= harus berupa nama kolom (str), bukan {kind}.",
    "frames.not_a_path": "{name}= harus berupa path (str atau Path), bukan {kind}.",
    "frames.progress_value": "progress= harus True, False, atau fungsi yang menerima "
    "peristiwa proses, bukan {kind}.",
    "frames.not_a_number": "{name}= harus berupa angka, bukan {kind}.",
    "frames.not_a_whole_number": "{name}= harus berupa bilangan bulat (int), bukan {kind}.",
    "frames.at_least_one": "{name}= harus paling sedikit 1, bukan {value!r}.",
    "frames.region": 'default_region= harus kode wilayah dua huruf seperti "ID", "SG" atau '
    '"US", bukan {value!r}.',
    "frames.region_named": 'default_region= memakai kode wilayah dua huruf: "{code}" untuk '
    "{value!r}.",
    "frames.prune_age": "prune(older_than=) harus berupa jumlah hari (0 atau lebih) atau "
    "timedelta, bukan {value!r}.",
    "frames.not_a_frame": "Yang diharapkan DataFrame pandas atau polars, yang diberikan {kind}.",
    "frames.lazy_frame": "LazyFrame polars tidak bisa dibaca baris demi baris: berikan "
    "df.collect().",
    "frames.not_a_result": "Frame ini tidak punya kolom {column}: show() menggambar hasil "
    "dari create_codes().",
    "frames.no_label_column": "Tidak ada kolom bernama {column!r} untuk keterangannya.",
    "frames.print_needs_output": "pdf=True dan zip=True menulis berkasnya di samping "
    'workbook: berikan juga output= (output="codes.xlsx").',
    "frames.pruned": "{count:n} jurnal notebook ({size}) dihapus dari {folder}",
    "frames.would_prune": "{count:n} jurnal notebook ({size}) akan dihapus dari {folder}",
    "frames.in_use_kept": "{count:n} yang sedang dipakai disimpan",
    "frames.newer_kept": "{count:n} yang lebih baru disimpan",
    "frames.shown": "Kode yang ditampilkan: {count:n}.",
    "frames.not_shown": "Tidak ditampilkan (melewati limit=): {count:n}.",
    "frames.without_code": "Baris tanpa kode (lihat Status-nya): {count:n}.",
}
