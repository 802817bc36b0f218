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
    "which one: {fix:phone_column={first!r}}, for example.",
    "rows.two_message_columns": "{file}: {count} columns could be the message: {names:q}. "
    "Say which one: {fix:message_column={first!r}}, for example.",
    "rows.no_country_column_named": "{file}: no country column named {given!r}. Columns "
    "found: {found:q}. {Fix:country_column}.",
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
    "{names:q}. Tentukan salah satunya, misalnya {fix:phone_column={first!r}}.",
    "rows.two_message_columns": "{file}: ada {count} kolom yang bisa jadi pesan: {names:q}. "
    "Tentukan salah satunya, misalnya {fix:message_column={first!r}}.",
    "rows.no_country_column_named": "{file}: tidak ada kolom negara bernama {given!r}. Kolom "
    "yang ada: {found:q}. {Fix:country_column}.",
}
