"""Rows: the sheet's columns, and each row's problem (``rows/``, ``outputs/results.py``)."""

from __future__ import annotations

EN: dict[str, str] = {
    "rows.no_phone_column": "{file}: no phone column. Columns found: {found:q}. "
    "{Fix:phone_column}.",
    "rows.no_phone_column_named": "{file}: no phone column named {given!r}. Columns found: "
    "{found:q}. {Fix:phone_column}.",
    "rows.no_message_column": "{file}: no message column. Columns found: {found:q}. "
    "{Fix:message_column}.",
    "rows.no_message_column_named": "{file}: no message column named {given!r}. Columns "
    "found: {found:q}. {Fix:message_column}.",
    "rows.two_phone_columns": "{file}: {count} columns could be the phone: {names:q}. Say "
    "which one: {fix:phone_column={first}}, for example.",
    "rows.two_message_columns": "{file}: {count} columns could be the message: {names:q}. "
    "Say which one: {fix:message_column={first}}, for example.",
    "rows.no_country_column_named": "{file}: no country column named {given!r}. Columns "
    "found: {found:q}. {Fix:country_column}.",
    # A row's problem: "{column}: {problem}" (the column as the sheet names it)
    "rows.in_column": "{column}: {problem}",
    "rows.blank": "the row is empty",
    "rows.code_columns": "{file}: needs a phone and a QrdlCode column. Columns found: {found:q}.",
    "rows.code_columns_update": "{file}: needs a phone, a QrdlCode and a message column. "
    "Columns found: {found:q}.",
    "rows.phone_empty": "the phone number is empty",
    "rows.phone_why": "{raw!r} {why}",
    "rows.phone_impossible": "{raw!r} {why} for a phone number",
    "rows.why_country_code": "has no valid country code",
    "rows.why_too_short": "is too short",
    "rows.why_too_long": "is too long",
    "rows.why_length": "has the wrong length",
    "rows.why_not_possible": "is not possible",
    "rows.why_not_a_number": "is not a phone number",
    "rows.phone_not_valid_in": "{raw!r} is not a valid number in {region} (+{cc})",
    "rows.phone_scientific": "{raw!r} is in scientific notation, so digits were lost: format "
    "the column as Text in Excel and type the numbers again",
    "rows.phone_fraction": "{raw!r} has a fractional part, so it is not the number that was "
    "meant: a phone number is whole; check the cell (a number cell with decimals?)",
    "rows.phone_letters": "{raw!r} contains letters",
    "rows.phone_no_digits": "{raw!r} has no digits",
    "rows.phone_national": "{raw!r} looks like a national number: add the country code or "
    "{fix:default_region} (e.g. ID, SG, US)",
    "rows.phone_ambiguous": "{raw!r} is a valid number as written (+{international}, "
    "{international_region}) and as a national number of {region} (+{national}): write it "
    "with + and the country code",
    "rows.phone_two_of_account": "{raw!r} could be {numbers:and}, both the account's: write it "
    "with + and the country code",
    "rows.not_account_number": "{raw!r} is not one of the account's WhatsApp numbers{closest}",
    "rows.not_account_national": "{raw!r} is not one of the account's WhatsApp numbers"
    "{closest}. It is written as a national number (it starts with 0): add the country code "
    "or {fix:default_region} (e.g. ID, SG, US)",
    "rows.closest": "; the closest of them: {numbers}",
    "rows.number_not_usable": "{number} ({name}) is {status} on WhatsApp: no code is made for "
    "it until the number is connected again",
    "rows.no_name": "no name",
    "rows.number_was_made": "{number} is {status} on WhatsApp now; its code was made before "
    "and may not open a chat",
    "rows.message_empty": "the prefilled message is empty",
    "rows.message_too_long": "the prefilled message is {length} characters; WhatsApp allows at "
    "most {limit}: shorten it by {over}",
    "rows.image_type": "image type {value!r} is not PNG or SVG",
    "rows.country_code": "{value!r} is not a country code (two letters, e.g. ID, SG, MX)",
}

ID: dict[str, str] = {
    "rows.no_phone_column": "{file}: tidak ada kolom nomor telepon. Kolom yang ada: "
    "{found:q}. {Fix:phone_column}.",
    "rows.no_phone_column_named": "{file}: tidak ada kolom nomor telepon bernama {given!r}. "
    "Kolom yang ada: {found:q}. {Fix:phone_column}.",
    "rows.no_message_column": "{file}: tidak ada kolom pesan. Kolom yang ada: {found:q}. "
    "{Fix:message_column}.",
    "rows.no_message_column_named": "{file}: tidak ada kolom pesan bernama {given!r}. Kolom "
    "yang ada: {found:q}. {Fix:message_column}.",
    "rows.two_phone_columns": "{file}: ada {count} kolom yang bisa jadi nomor telepon: "
    "{names:q}. Tentukan salah satunya, misalnya {fix:phone_column={first}}.",
    "rows.two_message_columns": "{file}: ada {count} kolom yang bisa jadi pesan: {names:q}. "
    "Tentukan salah satunya, misalnya {fix:message_column={first}}.",
    "rows.no_country_column_named": "{file}: tidak ada kolom negara bernama {given!r}. Kolom "
    "yang ada: {found:q}. {Fix:country_column}.",
    "rows.in_column": "{column}: {problem}",
    "rows.blank": "baris ini kosong",
    "rows.code_columns": "{file}: perlu kolom nomor telepon dan kolom QrdlCode. Kolom yang "
    "ada: {found:q}.",
    "rows.code_columns_update": "{file}: perlu kolom nomor telepon, QrdlCode dan pesan. Kolom "
    "yang ada: {found:q}.",
    "rows.phone_empty": "nomor teleponnya kosong",
    "rows.phone_why": "{raw!r} {why}",
    "rows.phone_impossible": "{raw!r} {why} untuk nomor telepon",
    "rows.why_country_code": "tidak punya kode negara yang valid",
    "rows.why_too_short": "terlalu pendek",
    "rows.why_too_long": "terlalu panjang",
    "rows.why_length": "panjangnya salah",
    "rows.why_not_possible": "tidak mungkin",
    "rows.why_not_a_number": "bukan nomor telepon",
    "rows.phone_not_valid_in": "{raw!r} bukan nomor yang valid di {region} (+{cc})",
    "rows.phone_scientific": "{raw!r} tertulis dalam notasi ilmiah, jadi ada digit yang hilang: "
    "ubah format kolomnya menjadi Text di Excel lalu ketik ulang nomornya",
    "rows.phone_fraction": "{raw!r} punya angka desimal, jadi bukan nomor yang dimaksud: nomor "
    "telepon selalu bulat; periksa selnya (sel angka dengan desimal?)",
    "rows.phone_letters": "{raw!r} mengandung huruf",
    "rows.phone_no_digits": "{raw!r} tidak berisi angka",
    "rows.phone_national": "{raw!r} tampaknya nomor lokal: tambahkan kode negara atau "
    "{fix:default_region} (mis. ID, SG, US)",
    "rows.phone_ambiguous": "{raw!r} valid sebagai nomor apa adanya (+{international}, "
    "{international_region}) dan juga sebagai nomor lokal {region} (+{national}): tulis "
    "dengan + dan kode negara",
    "rows.phone_two_of_account": "{raw!r} bisa berarti {numbers:and}, keduanya milik akun: "
    "tulis dengan + dan kode negara",
    "rows.not_account_number": "{raw!r} bukan salah satu nomor WhatsApp akun ini{closest}",
    "rows.not_account_national": "{raw!r} bukan salah satu nomor WhatsApp akun ini{closest}. "
    "Nomor ini ditulis sebagai nomor nasional (diawali 0): tambahkan kode negara atau "
    "{fix:default_region} (mis. ID, SG, US)",
    "rows.closest": "; yang paling mirip: {numbers}",
    "rows.number_not_usable": "{number} ({name}) berstatus {status} di WhatsApp: kode QR tidak "
    "dibuat sampai nomor itu tersambung lagi",
    "rows.no_name": "tanpa nama",
    "rows.number_was_made": "{number} sekarang berstatus {status} di WhatsApp; kode QR-nya "
    "sudah dibuat sebelumnya dan mungkin tidak membuka chat",
    "rows.message_empty": "pesan isiannya kosong",
    "rows.message_too_long": "pesan isiannya {length} karakter; WhatsApp membolehkan paling "
    "banyak {limit}: pendekkan {over} karakter",
    "rows.image_type": "jenis gambar {value!r} bukan PNG atau SVG",
    "rows.country_code": "{value!r} bukan kode negara (dua huruf, mis. ID, SG, MX)",
}
