"""The command line's own lines (``cli/commands.py``): what a command says on the
terminal besides errors, in the command's language (``--language``). Flags stay flags."""

from __future__ import annotations

EN: dict[str, str] = {
    "cli.row_problem": "row {row}: {code}: {message}",
    "cli.more_problems": "... and {count:n} more",
    "cli.validate_end": "{rows:n} rows: {valid:n} valid, {invalid:n} invalid, {blank:n} blank",
    "cli.interrupted": "interrupted; the journal is kept and a rerun resumes",
    "cli.sandbox_run": "sandbox run: the codes are simulated and do not exist on WhatsApp",
    "cli.nothing_done": "qrbatch: nothing done",
    "cli.images": "QR images: {folder}",
    "cli.pdf": "PDF: {file} ({pages:n} pages)",
    "cli.pdf_modules": "PDF: {file} ({pages:n} pages, modules {mm} mm)",
    "cli.pdf_run_modules": "PDF: {file} (modules {mm} mm)",
    "cli.zip": "ZIP: {file} ({images:n} images)",
    # the columns of qrbatch numbers' table, split at |
    "cli.numbers_header": "Number|Business name|Status|Quality|Tier|Verified|Codes",
    "cli.numbers_end": "{numbers:n} numbers, {usable:n} usable",
    "cli.confirm_delete": "Delete {count:n} QR codes of {numbers:n} business numbers? Printed "
    "codes stop working.",
    "cli.confirm_update": "Update up to {count:n} QR codes of {numbers:n} business numbers? "
    "Each updated code gets a new code and QR image: printed ones must be replaced.",
    "cli.refuse_without_yes": "Refusing without {flag} when not on a terminal.",
    "cli.drop_retry": "{file}: rows failed for a passing cause; the next run sends them "
    "again (run {tries:n} of {most:n})",
    "cli.drop_gave_up": "{file}: rows still failing after {tries:n} runs; no longer "
    "retried: see {results}; once fixed, {retry}",
    "cli.drop_unusable_gave_up": "{file}: still unusable after {tries:n} runs; no longer "
    "tried: fix it, then {retry}",
    "cli.moved": "moved {file} to {folder}",
    "cli.nothing_new": "nothing new in {folder}",
}

ID: dict[str, str] = {
    "cli.row_problem": "baris {row}: {code}: {message}",
    "cli.more_problems": "... dan {count:n} lagi",
    "cli.validate_end": "{rows:n} baris: {valid:n} valid, {invalid:n} tidak valid, {blank:n} "
    "kosong",
    "cli.interrupted": "dihentikan; jurnal disimpan dan proses ulang akan melanjutkan",
    "cli.sandbox_run": "proses sandbox: kodenya simulasi dan tidak ada di WhatsApp",
    "cli.nothing_done": "qrbatch: tidak ada yang dilakukan",
    "cli.images": "Gambar QR: {folder}",
    "cli.pdf": "PDF: {file} ({pages:n} halaman)",
    "cli.pdf_modules": "PDF: {file} ({pages:n} halaman, modul {mm} mm)",
    "cli.pdf_run_modules": "PDF: {file} (modul {mm} mm)",
    "cli.zip": "ZIP: {file} ({images:n} gambar)",
    "cli.numbers_header": "Nomor|Nama bisnis|Status|Kualitas|Tingkat|Terverifikasi|Kode",
    "cli.numbers_end": "{numbers:n} nomor, {usable:n} dapat dipakai",
    "cli.confirm_delete": "Hapus {count:n} kode QR dari {numbers:n} nomor bisnis? Kode yang "
    "sudah dicetak tidak akan berfungsi lagi.",
    "cli.confirm_update": "Perbarui paling banyak {count:n} kode QR dari {numbers:n} nomor "
    "bisnis? Setiap kode yang diperbarui mendapat kode dan gambar QR baru: yang sudah "
    "dicetak harus diganti.",
    "cli.refuse_without_yes": "Ditolak tanpa {flag} bila tidak di terminal.",
    "cli.drop_retry": "{file}: ada baris yang gagal karena sebab sementara; proses berikutnya "
    "mengirimnya lagi (percobaan {tries:n} dari {most:n})",
    "cli.drop_gave_up": "{file}: masih ada baris yang gagal setelah {tries:n} kali; tidak "
    "dicoba lagi: lihat {results}; setelah diperbaiki, {retry}",
    "cli.drop_unusable_gave_up": "{file}: masih tidak dapat dipakai setelah {tries:n} kali; "
    "tidak dicoba lagi: perbaiki berkasnya, lalu {retry}",
    "cli.moved": "{file} dipindahkan ke {folder}",
    "cli.nothing_new": "tidak ada berkas baru di {folder}",
}
