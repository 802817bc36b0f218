"""Journal: the record of every call, when it cannot be used (``engine/journal.py``)."""

from __future__ import annotations

EN: dict[str, str] = {
    "journal.cannot_write": "{file}: the journal cannot be written ({reason}); nothing was "
    "sent. Free some room in that folder (or choose another output folder), then run again.",
    "journal.cannot_read": "{file}: the journal cannot be read ({reason}); nothing was sent. "
    "Move it away to keep it, or {fix:fresh} to start over (codes it recorded are then found "
    "again by listing each number).",
    "journal.in_use": "{file} is in use by {holder}. Wait for that run to finish (or "
    "{fix:wait}); qrbatch never runs twice on one journal.",
    "journal.other_account": "{file} records a run against {recorded}, not {account}. "
    "{Fix:fresh} to start over, or {fix:output} (or {fix:state_dir}) for this account.",
    "journal.rebound": "{file} recorded a run against {recorded} that made nothing there: "
    "it now records this run against {account}",
}

ID: dict[str, str] = {
    "journal.cannot_write": "{file}: jurnal tidak bisa ditulis ({reason}); tidak ada yang "
    "dikirim. Kosongkan sebagian ruang di folder itu (atau pilih folder hasil lain), lalu "
    "jalankan lagi.",
    "journal.cannot_read": "{file}: jurnal tidak bisa dibaca ({reason}); tidak ada yang "
    "dikirim. Pindahkan jurnalnya untuk menyimpannya, atau {fix:fresh} untuk mulai dari awal "
    "(kode QR yang dicatatnya akan ditemukan lagi dengan menampilkan kode QR tiap nomor).",
    "journal.in_use": "{file} sedang dipakai oleh {holder}. Tunggu sampai proses itu selesai "
    "(atau {fix:wait}); qrbatch tidak pernah berjalan dua kali pada satu jurnal.",
    "journal.other_account": "{file} mencatat proses untuk akun {recorded}, bukan {account}. "
    "{Fix:fresh} untuk mulai dari awal, atau {fix:output} (atau {fix:state_dir}) untuk akun "
    "ini.",
    "journal.rebound": "{file} mencatat proses untuk akun {recorded} yang tidak membuat apa "
    "pun di sana: sekarang mencatat proses ini untuk akun {account}",
}
