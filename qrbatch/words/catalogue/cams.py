"""CAMS: what an error answer of the service means and what to do (``cams/errors.py``:
``cams.<what>`` and ``cams.<what>.fix``). The fixes name the key, the RAM action and
the request's date; never a secret."""

from __future__ import annotations

_RERUN_EN = "rerun later: done rows are kept"
_RERUN_ID = "jalankan ulang nanti: baris yang sudah selesai tetap tersimpan"
_GRANT_EN = "grant the RAM policy action cams:{action} to the RAM user of AccessKey {key_id}"
_GRANT_ID = "berikan aksi kebijakan RAM cams:{action} kepada pengguna RAM AccessKey {key_id}"
_KEY_ID_EN = "check {option:access_key_id} against the RAM console"
_KEY_ID_ID = "cocokkan {option:access_key_id} dengan konsol RAM"
_ENDPOINT_EN = "check that {option:endpoint} (or QRBATCH_ENDPOINT) points at CAMS"
_ENDPOINT_ID = "pastikan {option:endpoint} (atau QRBATCH_ENDPOINT) mengarah ke CAMS"

EN: dict[str, str] = {
    "cams.throttled": "the account went over its 5 calls per second",
    "cams.throttled.fix": "nothing: qrbatch slows down and retries; if it persists, another "
    "program is using the same account's quota",
    "cams.unavailable": "CAMS was temporarily unavailable",
    "cams.unavailable.fix": _RERUN_EN,
    "cams.internal": "CAMS failed internally",
    "cams.internal.fix": _RERUN_EN,
    "cams.timeout": "no answer in time (network or server)",
    "cams.timeout.fix": _RERUN_EN,
    "cams.connection": "the connection failed or dropped",
    "cams.connection.fix": "check the network, then rerun",
    "cams.nonce": "a request nonce was replayed",
    "cams.nonce.fix": "nothing: retried with a fresh nonce",
    "cams.key_not_found": "the AccessKey ID does not exist",
    "cams.key_not_found.fix": _KEY_ID_EN,
    "cams.key_invalid": "the AccessKey ID is not valid",
    "cams.key_invalid.fix": _KEY_ID_EN,
    "cams.key_inactive": "the AccessKey is inactive (disabled in the RAM console)",
    "cams.key_inactive.fix": "activate AccessKey {key_id} in the RAM console, or use an active key",
    "cams.token_expired": "the STS security token has expired (STS tokens live 15 to 60 minutes)",
    "cams.token_expired.fix": "get a fresh STS token for AccessKey {key_id} (or use a "
    "long-lived AccessKey), then rerun: done rows are kept",
    "cams.token_mismatch": "the STS security token does not belong to this AccessKey ID",
    "cams.token_mismatch.fix": "set {option:security_token} to the token issued with "
    "AccessKey {key_id}",
    "cams.token_malformed": "the STS security token is not valid",
    "cams.token_malformed.fix": "copy the whole STS token again ({option:security_token})",
    "cams.token_missing": "this AccessKey is an STS key and needs its security token",
    "cams.token_missing.fix": "set {option:security_token} for AccessKey {key_id}",
    "cams.no_permission": "the RAM user or role lacks permission for this action",
    "cams.no_permission.fix": _GRANT_EN,
    "cams.date_format": "the request date was not understood",
    "cams.date_format.fix": "check this machine's clock and time zone settings (the request "
    "was dated {date})",
    "cams.version": "the endpoint does not serve CAMS API version 2020-06-06",
    "cams.version.fix": _ENDPOINT_EN + " (cams.<region>.aliyuncs.com)",
    "cams.no_action": "the endpoint does not offer this action",
    "cams.no_action.fix": _ENDPOINT_EN + ": it does not offer {action}; CAMS is documented "
    "only at https://cams.ap-southeast-1.aliyuncs.com",
    "cams.signature": "the request signature does not match: usually a wrong AccessKey secret",
    "cams.signature.fix": "check that the AccessKey secret ({option:access_key_secret}, or "
    "where the key was found) belongs to the AccessKey ID",
    "cams.signature_incomplete": "the request signature is incomplete",
    "cams.signature_incomplete.fix": "check the AccessKey secret; report a bug if it is right",
    "cams.clock": "this machine's clock is more than 15 minutes off",
    "cams.clock.fix": "synchronise this machine's clock (NTP), then rerun: the request was "
    "dated {date}",
    "cams.key_disabled": "the AccessKey is disabled",
    "cams.key_disabled.fix": "enable the key {key_id} or use another in the RAM console",
    "cams.ram_denied": "the RAM user lacks permission for this action",
    "cams.ram_denied.fix": _GRANT_EN,
    "cams.forbidden": "the request is forbidden for this account",
    "cams.forbidden.fix": _GRANT_EN,
    "cams.not_activated": "Chat App Message Service is not activated on this account",
    "cams.not_activated.fix": "activate CAMS in the Alibaba Cloud console",
    "cams.not_registered": "the phone number (or CustSpaceId) is not registered to this account",
    "cams.not_registered.fix": "use a business number registered on the account's WhatsApp channel",
    "cams.missing_value": "a required value is missing",
    "cams.missing_value.fix": "fill in the row",
    "cams.invalid_value": "a value is not valid",
    "cams.invalid_value.fix": "correct the row",
    "cams.cap": "the business number already holds 2,000 QR codes",
    "cams.cap.fix": "delete unused codes of that number (qrbatch delete), then rerun",
    "cams.not_found": "no such QR code on that number",
    "cams.not_found.fix": "check the QrdlCode",
    # fixes for refusals the table does not name
    "cams.token_refused.fix": "get a fresh STS token for AccessKey {key_id} (or use a "
    "long-lived AccessKey), then rerun: done rows are kept",
    "cams.http_refused.fix": "the account refused this request (HTTP {status}): "
    + _GRANT_EN
    + ", and check the key is active",
    "cams.signing_refused.fix": "the request's signing headers or credentials were refused: "
    "check the AccessKey {key_id} and its secret; report a qrbatch bug if they are right",
    "cams.account.fix": "check the account in the console",
    "cams.key_in_use": "(the one in use)",
    "cams.date_unknown": "(unknown)",
}

ID: dict[str, str] = {
    "cams.throttled": "akun melewati batas 5 panggilan per detik",
    "cams.throttled.fix": "tidak perlu apa-apa: qrbatch memperlambat dan mencoba lagi; jika "
    "terus terjadi, ada program lain yang memakai kuota akun yang sama",
    "cams.unavailable": "CAMS sedang tidak tersedia",
    "cams.unavailable.fix": _RERUN_ID,
    "cams.internal": "CAMS mengalami galat internal",
    "cams.internal.fix": _RERUN_ID,
    "cams.timeout": "tidak ada jawaban tepat waktu (jaringan atau server)",
    "cams.timeout.fix": _RERUN_ID,
    "cams.connection": "sambungan gagal atau terputus",
    "cams.connection.fix": "periksa jaringan, lalu jalankan ulang",
    "cams.nonce": "nonce permintaan terpakai dua kali",
    "cams.nonce.fix": "tidak perlu apa-apa: dicoba lagi dengan nonce baru",
    "cams.key_not_found": "AccessKey ID tidak ada",
    "cams.key_not_found.fix": _KEY_ID_ID,
    "cams.key_invalid": "AccessKey ID tidak valid",
    "cams.key_invalid.fix": _KEY_ID_ID,
    "cams.key_inactive": "AccessKey tidak aktif (dinonaktifkan di konsol RAM)",
    "cams.key_inactive.fix": "aktifkan AccessKey {key_id} di konsol RAM, atau pakai kunci yang "
    "aktif",
    "cams.token_expired": "token keamanan STS sudah kedaluwarsa (token STS berlaku 15 sampai "
    "60 menit)",
    "cams.token_expired.fix": "ambil token STS baru untuk AccessKey {key_id} (atau pakai "
    "AccessKey jangka panjang), lalu jalankan ulang: baris yang sudah selesai tetap tersimpan",
    "cams.token_mismatch": "token keamanan STS bukan milik AccessKey ID ini",
    "cams.token_mismatch.fix": "isi {option:security_token} dengan token yang diterbitkan "
    "bersama AccessKey {key_id}",
    "cams.token_malformed": "token keamanan STS tidak valid",
    "cams.token_malformed.fix": "salin ulang seluruh token STS ({option:security_token})",
    "cams.token_missing": "AccessKey ini kunci STS dan memerlukan token keamanannya",
    "cams.token_missing.fix": "isi {option:security_token} untuk AccessKey {key_id}",
    "cams.no_permission": "pengguna atau peran RAM tidak punya izin untuk aksi ini",
    "cams.no_permission.fix": _GRANT_ID,
    "cams.date_format": "tanggal permintaan tidak dipahami",
    "cams.date_format.fix": "periksa jam dan zona waktu mesin ini (permintaan bertanggal {date})",
    "cams.version": "endpoint ini tidak melayani API CAMS versi 2020-06-06",
    "cams.version.fix": _ENDPOINT_ID + " (cams.<region>.aliyuncs.com)",
    "cams.no_action": "endpoint ini tidak menyediakan aksi ini",
    "cams.no_action.fix": _ENDPOINT_ID + ": endpoint itu tidak menyediakan {action}; CAMS "
    "hanya terdokumentasi di https://cams.ap-southeast-1.aliyuncs.com",
    "cams.signature": "tanda tangan permintaan tidak cocok: biasanya AccessKey secret salah",
    "cams.signature.fix": "pastikan AccessKey secret ({option:access_key_secret}, atau tempat "
    "kunci itu ditemukan) milik AccessKey ID tersebut",
    "cams.signature_incomplete": "tanda tangan permintaan tidak lengkap",
    "cams.signature_incomplete.fix": "periksa AccessKey secret; laporkan bug jika sudah benar",
    "cams.clock": "jam mesin ini selisih lebih dari 15 menit",
    "cams.clock.fix": "sinkronkan jam mesin ini (NTP), lalu jalankan ulang: permintaan "
    "bertanggal {date}",
    "cams.key_disabled": "AccessKey dinonaktifkan",
    "cams.key_disabled.fix": "aktifkan kunci {key_id} atau pakai kunci lain di konsol RAM",
    "cams.ram_denied": "pengguna RAM tidak punya izin untuk aksi ini",
    "cams.ram_denied.fix": _GRANT_ID,
    "cams.forbidden": "permintaan ini dilarang untuk akun ini",
    "cams.forbidden.fix": _GRANT_ID,
    "cams.not_activated": "Chat App Message Service belum diaktifkan di akun ini",
    "cams.not_activated.fix": "aktifkan CAMS di konsol Alibaba Cloud",
    "cams.not_registered": "nomor telepon (atau CustSpaceId) tidak terdaftar di akun ini",
    "cams.not_registered.fix": "pakai nomor bisnis yang terdaftar di kanal WhatsApp akun ini",
    "cams.missing_value": "ada nilai wajib yang kosong",
    "cams.missing_value.fix": "lengkapi barisnya",
    "cams.invalid_value": "ada nilai yang tidak valid",
    "cams.invalid_value.fix": "perbaiki barisnya",
    "cams.cap": "nomor bisnis ini sudah memiliki 2.000 kode QR",
    "cams.cap.fix": "hapus kode QR yang tidak terpakai dari nomor itu (qrbatch delete), lalu "
    "jalankan ulang",
    "cams.not_found": "kode QR itu tidak ada pada nomor tersebut",
    "cams.not_found.fix": "periksa QrdlCode-nya",
    "cams.token_refused.fix": "ambil token STS baru untuk AccessKey {key_id} (atau pakai "
    "AccessKey jangka panjang), lalu jalankan ulang: baris yang sudah selesai tetap tersimpan",
    "cams.http_refused.fix": "akun menolak permintaan ini (HTTP {status}): "
    + _GRANT_ID
    + ", dan pastikan kuncinya aktif",
    "cams.signing_refused.fix": "header tanda tangan atau kredensial permintaan ditolak: "
    "periksa AccessKey {key_id} dan secret-nya; laporkan bug qrbatch jika sudah benar",
    "cams.account.fix": "periksa akun di konsol",
    "cams.key_in_use": "(yang sedang dipakai)",
    "cams.date_unknown": "(tidak diketahui)",
}
