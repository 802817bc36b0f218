"""Credentials: where the AccessKey was looked for and why a file could not be used
(``cams/credentials.py``). No message quotes a credentials file's content."""

from __future__ import annotations

EN: dict[str, str] = {
    "credentials.none": "no Alibaba Cloud AccessKey found{wanted}. Looked in: environment "
    "variables {key_id} and {key_secret}; {cli_path}; {ini_path}.\n{Fix:access_key}, or try "
    "the tool without an account: {fix:endpoint=sandbox}",
    "credentials.for_profile": " for profile {profile!r}",
    "credentials.unreadable": "{file}: cannot read it ({reason})",
    "credentials.not_json": "{file}: not valid JSON at line {line} column {column} ({reason})",
    "credentials.not_utf8": "{file}: not UTF-8 text (byte {byte})",
    "credentials.not_cli_config": "{file}: not an aliyun CLI config (no profiles object)",
    "credentials.cli_mode": "{file}: profile {profile!r} uses mode {mode!r}; qrbatch supports "
    "AK and StsToken",
    "credentials.ini_type": "{file}: profile {profile!r} has type {type!r}; qrbatch supports "
    "type = access_key",
    "credentials.ini_before_header": "{file}: line {line} comes before any [profile] header",
    "credentials.ini_not_setting": "{file}: line {line} is not 'name = value' (not shown: it "
    "may hold a secret)",
    "credentials.ini_profile_twice": "{file}: profile [{profile}] appears twice (line {line})",
    "credentials.ini_setting_twice": "{file}: a setting appears twice in [{profile}] (line {line})",
    "credentials.ini_unreadable": "{file}: not a readable credentials file ({reason})",
}

ID: dict[str, str] = {
    "credentials.none": "AccessKey Alibaba Cloud tidak ditemukan{wanted}. Sudah dicari di: "
    "variabel lingkungan {key_id} dan {key_secret}; {cli_path}; {ini_path}.\n"
    "{Fix:access_key}, atau coba alat ini tanpa akun: {fix:endpoint=sandbox}",
    "credentials.for_profile": " untuk profil {profile!r}",
    "credentials.unreadable": "{file}: tidak bisa dibaca ({reason})",
    "credentials.not_json": "{file}: bukan JSON yang valid di baris {line} kolom {column} "
    "({reason})",
    "credentials.not_utf8": "{file}: bukan teks UTF-8 (byte {byte})",
    "credentials.not_cli_config": "{file}: bukan konfigurasi aliyun CLI (tidak ada objek profiles)",
    "credentials.cli_mode": "{file}: profil {profile!r} memakai mode {mode!r}; qrbatch "
    "mendukung AK dan StsToken",
    "credentials.ini_type": "{file}: profil {profile!r} bertipe {type!r}; qrbatch mendukung "
    "type = access_key",
    "credentials.ini_before_header": "{file}: baris {line} ada sebelum judul [profil] mana pun",
    "credentials.ini_not_setting": "{file}: baris {line} bukan 'nama = nilai' (tidak "
    "ditampilkan: mungkin berisi rahasia)",
    "credentials.ini_profile_twice": "{file}: profil [{profile}] muncul dua kali (baris {line})",
    "credentials.ini_setting_twice": "{file}: ada pengaturan yang muncul dua kali di "
    "[{profile}] (baris {line})",
    "credentials.ini_unreadable": "{file}: bukan berkas kredensial yang bisa dibaca ({reason})",
}
