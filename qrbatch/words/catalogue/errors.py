"""Errors raised with their own words in ``qrbatch/errors.py``."""

from __future__ import annotations

EN: dict[str, str] = {
    "errors.registry": "the account registry in {folder} cannot be used ({cause}): no Create "
    "or Update is sent without its claim; unsent rows stay pending and a rerun resumes "
    "(QRBATCH_REGISTRY=off runs alone, if no other run shares the account)",
}

ID: dict[str, str] = {
    "errors.registry": "registri akun di {folder} tidak bisa dipakai ({cause}): tidak ada "
    "Create atau Update yang dikirim tanpa klaimnya; baris yang belum terkirim tetap menunggu "
    "dan menjalankan ulang akan melanjutkannya (QRBATCH_REGISTRY=off berjalan sendiri, jika "
    "tidak ada proses lain yang memakai akun yang sama)",
}
