"""Sheets: a file that cannot be read as a whole (``sheets/``)."""

from __future__ import annotations

_RESAVE_EN = "Open it in a spreadsheet app and save it again as .xlsx, or export it as CSV."
_RESAVE_ID = (
    "Buka di aplikasi spreadsheet lalu simpan ulang sebagai .xlsx, atau ekspor sebagai CSV."
)
_USED_EN = "save only the used range, or copy the rows into a new sheet"
_USED_ID = "simpan hanya rentang yang dipakai, atau salin baris-barisnya ke lembar kerja baru"

EN: dict[str, str] = {
    # a cell's problem (the row is reported, not sent) and notes on how the file was read
    "sheet.cell_too_long": "cell {cell} holds {length:n} characters; a spreadsheet cell holds "
    "at most {limit:n} (often a double quote that is never closed): shorten it or close the "
    "quote",
    "sheet.bad_encoding_row": "this row has bytes that are not UTF-8 ({shown}); the rest of "
    "the file is UTF-8. Fix the letters and save the file as 'CSV UTF-8', or {fix:encoding} "
    "if the whole file uses another encoding",
    "sheet.unclosed_quote_cell": "cell {cell} starts a quoted text ({first!r}...) that runs "
    "over {lines} more line(s) that look like rows of their own ({next!r}): a double quote "
    '(") is probably not closed; close it or remove it',
    "sheet.formula_error": "the cell shows {error} (its formula ={formula} failed): fix the "
    "formula or type the value",
    "sheet.formula_no_value": "the cell holds the formula ={formula} but no saved value (the "
    "file was written by a program, not saved by a spreadsheet app): open it in Excel or "
    "LibreOffice and save it, or type the value",
    "sheet.does_not_fit": "the row has {cells} cells but the header has {width} columns "
    "(beyond it: {beyond}); {advice}",
    "sheet.fit_text": "a comma (or the delimiter) inside a value splits it: put the value in "
    'double quotes ("Halo, saya mau pesan") or save the file with another delimiter',
    "sheet.fit_book": "give that column a header name, or clear those cells",
    "sheet.note_formulas": "{count} formula cell(s) in sheet {sheet!r} have no saved value and "
    "read as empty; open and save the file in a spreadsheet app to compute them",
    "sheet.note_too_wide": "{count} row(s) have more cells than the header's {width} columns: "
    "they are reported as RowDoesNotFitHeader and their cells kept under {columns:q}",
    "sheet.note_old_xls": "the file is an old binary .xls workbook named {suffix}",
    "sheet.note_xlsx_named_xls": "the file is an .xlsx workbook named .xls",
    "sheet.note_bad_bytes": "UTF-8 except for {count} byte(s) on line(s) {lines}: those rows "
    "are reported as BadEncoding, not sent",
    "sheet.note_not_utf8": "read as {name} ({encoding}): the file is not UTF-8. If letters look "
    "wrong in the results, {fix:encoding} or save the file as 'CSV UTF-8'",
    "sheet.note_read_active": "read sheet {sheet!r} (the active sheet)",
    "sheet.note_read_first": "read sheet {sheet!r} (the first visible sheet with the columns)",
    "sheet.note_read_named": "read sheet {sheet!r} (the one named)",
    "sheet.note_no_header_in": "sheet(s) {sheets:q} have no such header",
    "sheet.note_hidden": "hidden sheet(s) {sheets:q} not read ({fix:sheet} to read one)",
    "sheet.no_such_file": "{file}: no such file. Check the path (current folder: {cwd}).",
    "sheet.is_folder": "{file}: is a folder, not a spreadsheet.",
    "sheet.sheet_of_text": "{file}: {option:sheet} applies to workbooks only; this is {suffix}.",
    "sheet.not_a_sheet": "{file}: not a spreadsheet qrbatch reads ({suffix}). Save it as .xlsx "
    "or .csv (qrbatch reads {suffixes}).",
    "sheet.no_extension": "no extension",
    "sheet.password": "{file}: the workbook is password protected (encrypted), so it cannot "
    "be read. Open it, remove the password (Excel: File > Info > Protect Workbook > Encrypt "
    "with Password, clear it) and save it, or export the sheet as CSV UTF-8.",
    "sheet.too_many_rows": "{file}: row {row:n} is data row {index:n}: an Excel sheet holds at "
    "most {limit:n} rows under its header, and the results must fit in one. Split the file "
    "into smaller ones.",
    "sheet.too_wide": "{file}: row {row:n} has {width:n} cells, but a spreadsheet holds at "
    "most {limit:n} columns and the results must fit in one. Check that this is the right "
    "file and the right delimiter.",
    "sheet.empty_workbook": "{file}: the file is empty. Save the workbook again.",
    "sheet.empty_text": "{file}: the file is empty. Put a header row and data rows in it.",
    "sheet.no_sheet_named": "{file}: no sheet named {sheet!r}. Sheets: {sheets:q}.",
    "sheet.unreadable": "{file}: cannot be read ({reason}).",
    "sheet.xlsx_as_text": "{file}: this is an Excel workbook with a text extension. Rename it "
    "to .xlsx.",
    "sheet.xls_as_text": "{file}: this is an old Excel (.xls) workbook with a text extension. "
    "Rename it to .xls.",
    "sheet.binary_text": "{file}: holds binary data, not text. Export it as CSV, or "
    "{fix:encoding}.",
    # no header: "{file}: {what}{where}{delimiter}.{best}{hint} Name the columns..."
    "sheet.no_header": "{file}: no header row with a phone and a message column in the first "
    "{rows} rows{where}{delimiter}.{best}{hint} Name the columns PhoneNumber and "
    "PrefilledMessage, or {fix:phone_column} and {fix:message_column} ({fix:header_row} if "
    "the header is not found).",
    # the likeliest header has the message column (or the phone column) only
    "sheet.no_header_phone": "{file}: no phone column in the first {rows} rows{where}"
    "{delimiter}.{best}{hint} Name the phone column PhoneNumber, or {fix:phone_column}.",
    "sheet.no_header_message": "{file}: no message column in the first {rows} rows{where}"
    "{delimiter}.{best}{hint} Name the message column PrefilledMessage, or "
    "{fix:message_column}.",
    "sheet.not_a_header": "{file}: row {row} is not a header with a phone and a message "
    "column{where}{delimiter}.{best}{hint} Name the columns PhoneNumber and PrefilledMessage, "
    "or {fix:phone_column} and {fix:message_column}.",
    "sheet.in_sheets": " in sheet(s) {sheets:q}",
    "sheet.read_as": " (read as {delimiter}-separated)",
    "sheet.best_row": " Row {row}{where} looks most like a header: {cells:q}{more}.",
    "sheet.best_row_of_sheet": " of sheet {sheet!r}",
    "sheet.more_cells": " (and {count} more)",
    "sheet.every_row_empty": " Every row is empty.",
    "sheet.hidden_fit": " Hidden sheet(s) {sheets:q} have the columns: {fix:sheet={first}} "
    "if that is the one to read.",
    "sheet.all_hidden": " Every sheet is hidden: {fix:sheet}.",
    "sheet.not_xlsx": "{file}: not a readable Excel workbook (it is not a zip file, as .xlsx "
    "files are). Open it in Excel and save it again as .xlsx, or export it as CSV.",
    "sheet.broken_workbook": "{file}: not a readable {kind} workbook ({reason}). " + _RESAVE_EN,
    "sheet.broken_sheet": "{file}: sheet {sheet!r} cannot be read ({reason}). " + _RESAVE_EN,
    "sheet.broken_sheet_after": "{file}: sheet {sheet!r} cannot be read after row {row} "
    "({reason}). Open it in Excel and save it again, or export it as CSV.",
    "sheet.unknown_encoding": "{file}: unknown encoding {encoding!r}. Use utf-8, utf-16, "
    "cp1252, latin-1, gbk, shift_jis, ...",
    "sheet.bad_byte": "{file}: line {line} has a byte that is not {encoding} ({byte}). Check "
    "the encoding the file was saved with, or save it as 'CSV UTF-8' and leave the encoding "
    "out.",
    "sheet.bad_bom": "{file}: starts with a {encoding} byte-order mark but line {line} is not "
    "{encoding}. Save it again as 'CSV UTF-8'.",
    "sheet.mixed_encodings": "{file}: mixes UTF-8 letters (line(s) {good}) with bytes that are "
    "not UTF-8 (line(s) {bad}), so either reading would change some rows. Open it in a "
    "spreadsheet app and save it as 'CSV UTF-8', or {fix:encoding}.",
    "sheet.unclosed_quote": "{file}: cannot be read after row {row} (line {line}): {reason}. "
    'This is usually a double quote (") that is never closed: close or remove it.',
    "sheet.workbook_too_big": "{file}: the workbook is {size:n} bytes; qrbatch reads workbooks "
    "of at most {limit:n} bytes. Save the sheet as .xlsx or CSV, or split it into smaller "
    "files.",
    "sheet.cells_beyond": "{file}: sheet {sheet!r} has cells up to {last}{declared}: {rows:n} "
    "rows by {columns:n} columns is {cells:n} cells, and qrbatch reads at most {limit:n} cells "
    "of a sheet ({max_rows:n} rows, {max_columns:n} columns). Clear the cells far from the "
    "data, or " + _USED_EN + ".",
    "sheet.declares": " (it declares {extent})",
    "sheet.part_ratio": "{file}: part {part} expands {ratio} times ({packed:n} bytes to "
    "{size:n}); qrbatch reads parts compressed at most {limit}:1, as real sheets are. This "
    "is not a sheet a spreadsheet app saved: " + _USED_EN + ", or export it as CSV.",
    "sheet.package_too_big": "{file}: the workbook expands to {size:n} bytes; qrbatch reads "
    "workbooks of at most {limit:n} bytes uncompressed. Split it into smaller files, or "
    + _USED_EN
    + ".",
    "sheet.package_over": "{file}: the workbook expands to more than {limit:n} bytes; qrbatch "
    "reads workbooks of at most that uncompressed. Split it into smaller files, or "
    + _USED_EN
    + ".",
    "sheet.part_too_big": "{file}: part {part} expands to {size:n} bytes; qrbatch reads parts "
    "of at most {limit:n} bytes uncompressed. Split the sheet into smaller files, or "
    + _USED_EN
    + ".",
    "sheet.part_over": "{file}: part {part} expands to more than {size:n} bytes; qrbatch reads "
    "parts of at most {limit:n} bytes uncompressed. Split the sheet into smaller files, or "
    + _USED_EN
    + ".",
    "sheet.bad_reference": "{file}: part {part} has the cell reference {reference!r}, which no "
    "spreadsheet app writes. Open the file in a spreadsheet app and save it again, or export "
    "it as CSV.",
    "sheet.bad_repeat": "{file}: part {part} repeats a row or cell {count!r} times, which no "
    "spreadsheet app writes. Open the file in a spreadsheet app and save it again, or export "
    "it as CSV.",
    "sheet.long_tag": "{file}: part {part} has a tag longer than {limit:n} bytes, which no "
    "spreadsheet app writes. Export the sheet as CSV.",
}

ID: dict[str, str] = {
    "sheet.cell_too_long": "sel {cell} berisi {length:n} karakter; sel spreadsheet memuat "
    "paling banyak {limit:n} (sering karena tanda petik dua yang tidak ditutup): pendekkan "
    "atau tutup tanda petiknya",
    "sheet.bad_encoding_row": "baris ini berisi byte yang bukan UTF-8 ({shown}); bagian lain "
    "berkas ini UTF-8. Perbaiki hurufnya lalu simpan berkas sebagai 'CSV UTF-8', atau "
    "{fix:encoding} jika seluruh berkas memakai encoding lain",
    "sheet.unclosed_quote_cell": "sel {cell} memulai teks berpetik ({first!r}...) yang "
    "berlanjut {lines} baris lagi yang tampak seperti baris tersendiri ({next!r}): "
    'kemungkinan ada tanda petik dua (") yang tidak ditutup; tutup atau hapus',
    "sheet.formula_error": "sel ini menampilkan {error} (rumusnya ={formula} gagal): perbaiki "
    "rumusnya atau ketik nilainya",
    "sheet.formula_no_value": "sel ini berisi rumus ={formula} tetapi tanpa nilai tersimpan "
    "(berkas dibuat oleh program, bukan disimpan aplikasi spreadsheet): buka di Excel atau "
    "LibreOffice lalu simpan, atau ketik nilainya",
    "sheet.does_not_fit": "baris ini berisi {cells} sel, padahal judulnya {width} kolom (di "
    "luarnya: {beyond}); {advice}",
    "sheet.fit_text": "koma (atau pemisah kolom) di dalam nilai memecahnya: apit nilainya "
    'dengan tanda petik dua ("Halo, saya mau pesan") atau simpan berkas dengan pemisah lain',
    "sheet.fit_book": "beri kolom itu nama judul, atau kosongkan sel-sel itu",
    "sheet.note_formulas": "{count} sel rumus di lembar kerja {sheet!r} tidak punya nilai "
    "tersimpan dan terbaca kosong; buka dan simpan berkasnya di aplikasi spreadsheet untuk "
    "menghitungnya",
    "sheet.note_too_wide": "{count} baris berisi sel lebih banyak daripada {width} kolom "
    "judulnya: baris itu dilaporkan sebagai RowDoesNotFitHeader dan selnya disimpan di bawah "
    "{columns:q}",
    "sheet.note_old_xls": "berkas ini workbook .xls lama (biner) yang bernama {suffix}",
    "sheet.note_xlsx_named_xls": "berkas ini workbook .xlsx yang bernama .xls",
    "sheet.note_bad_bytes": "UTF-8 kecuali {count} byte di baris {lines}: baris-baris itu "
    "dilaporkan sebagai BadEncoding, tidak dikirim",
    "sheet.note_not_utf8": "dibaca sebagai {name} ({encoding}): berkas ini bukan UTF-8. Jika "
    "hurufnya tampak salah di hasil, {fix:encoding} atau simpan berkas sebagai 'CSV UTF-8'",
    "sheet.note_read_active": "membaca lembar kerja {sheet!r} (lembar kerja yang aktif)",
    "sheet.note_read_first": "membaca lembar kerja {sheet!r} (lembar kerja pertama yang "
    "terlihat dan punya kolom-kolomnya)",
    "sheet.note_read_named": "membaca lembar kerja {sheet!r} (yang dipilih)",
    "sheet.note_no_header_in": "lembar kerja {sheets:q} tidak punya judul seperti itu",
    "sheet.note_hidden": "lembar kerja tersembunyi {sheets:q} tidak dibaca ({fix:sheet} untuk "
    "membacanya)",
    "sheet.no_such_file": "{file}: berkas tidak ditemukan. Periksa lokasinya (folder saat ini: "
    "{cwd}).",
    "sheet.is_folder": "{file}: ini folder, bukan spreadsheet.",
    "sheet.sheet_of_text": "{file}: {option:sheet} hanya berlaku untuk workbook; berkas ini "
    "{suffix}.",
    "sheet.not_a_sheet": "{file}: bukan spreadsheet yang bisa dibaca qrbatch ({suffix}). Simpan "
    "sebagai .xlsx atau .csv (qrbatch membaca {suffixes}).",
    "sheet.no_extension": "tanpa ekstensi",
    "sheet.password": "{file}: workbook ini dilindungi kata sandi (terenkripsi), jadi tidak "
    "bisa dibaca. Buka, hapus kata sandinya (Excel: File > Info > Protect Workbook > Encrypt "
    "with Password, kosongkan) lalu simpan, atau ekspor lembar kerjanya sebagai CSV UTF-8.",
    "sheet.too_many_rows": "{file}: baris {row:n} adalah baris data ke-{index:n}: satu lembar "
    "Excel memuat paling banyak {limit:n} baris di bawah judulnya, dan hasilnya harus muat di "
    "satu lembar. Pecah berkas menjadi beberapa berkas yang lebih kecil.",
    "sheet.too_wide": "{file}: baris {row:n} berisi {width:n} sel, padahal spreadsheet memuat "
    "paling banyak {limit:n} kolom dan hasilnya harus muat di satu lembar. Pastikan berkas dan "
    "pemisah kolomnya benar.",
    "sheet.empty_workbook": "{file}: berkas ini kosong. Simpan ulang workbook-nya.",
    "sheet.empty_text": "{file}: berkas ini kosong. Isi dengan satu baris judul dan baris-baris "
    "data.",
    "sheet.no_sheet_named": "{file}: tidak ada lembar kerja bernama {sheet!r}. Lembar kerja "
    "yang ada: {sheets:q}.",
    "sheet.unreadable": "{file}: tidak bisa dibaca ({reason}).",
    "sheet.xlsx_as_text": "{file}: ini workbook Excel dengan ekstensi teks. Ganti namanya "
    "menjadi .xlsx.",
    "sheet.xls_as_text": "{file}: ini workbook Excel lama (.xls) dengan ekstensi teks. Ganti "
    "namanya menjadi .xls.",
    "sheet.binary_text": "{file}: berisi data biner, bukan teks. Ekspor sebagai CSV, atau "
    "{fix:encoding}.",
    "sheet.no_header": "{file}: tidak ada baris judul dengan kolom nomor telepon dan kolom pesan "
    "di {rows} baris pertama{where}{delimiter}.{best}{hint} Beri nama kolom PhoneNumber dan "
    "PrefilledMessage, atau {fix:phone_column} dan {fix:message_column} ({fix:header_row} "
    "jika judulnya tidak ditemukan).",
    "sheet.no_header_phone": "{file}: tidak ada kolom nomor telepon di {rows} baris pertama"
    "{where}{delimiter}.{best}{hint} Beri nama kolom nomor telepon PhoneNumber, atau "
    "{fix:phone_column}.",
    "sheet.no_header_message": "{file}: tidak ada kolom pesan di {rows} baris pertama{where}"
    "{delimiter}.{best}{hint} Beri nama kolom pesan PrefilledMessage, atau "
    "{fix:message_column}.",
    "sheet.not_a_header": "{file}: baris {row} bukan judul dengan kolom nomor telepon dan kolom "
    "pesan{where}{delimiter}.{best}{hint} Beri nama kolom PhoneNumber dan PrefilledMessage, "
    "atau {fix:phone_column} dan {fix:message_column}.",
    "sheet.in_sheets": " di lembar kerja {sheets:q}",
    "sheet.read_as": " (dibaca dengan pemisah {delimiter})",
    "sheet.best_row": " Baris {row}{where} paling mirip judul: {cells:q}{more}.",
    "sheet.best_row_of_sheet": " di lembar kerja {sheet!r}",
    "sheet.more_cells": " (dan {count} lagi)",
    "sheet.every_row_empty": " Semua baris kosong.",
    "sheet.hidden_fit": " Lembar kerja tersembunyi {sheets:q} punya kolom-kolom itu: "
    "{fix:sheet={first}} jika itu yang harus dibaca.",
    "sheet.all_hidden": " Semua lembar kerja tersembunyi: {fix:sheet}.",
    "sheet.not_xlsx": "{file}: bukan workbook Excel yang bisa dibaca (bukan berkas zip, "
    "padahal berkas .xlsx selalu zip). Buka di Excel lalu simpan ulang sebagai .xlsx, atau "
    "ekspor sebagai CSV.",
    "sheet.broken_workbook": "{file}: workbook {kind} ini tidak bisa dibaca ({reason}). "
    + _RESAVE_ID,
    "sheet.broken_sheet": "{file}: lembar kerja {sheet!r} tidak bisa dibaca ({reason}). "
    + _RESAVE_ID,
    "sheet.broken_sheet_after": "{file}: lembar kerja {sheet!r} tidak bisa dibaca setelah "
    "baris {row} ({reason}). Buka di Excel lalu simpan ulang, atau ekspor sebagai CSV.",
    "sheet.unknown_encoding": "{file}: encoding {encoding!r} tidak dikenal. Pakai utf-8, "
    "utf-16, cp1252, latin-1, gbk, shift_jis, ...",
    "sheet.bad_byte": "{file}: baris {line} berisi byte yang bukan {encoding} ({byte}). "
    "Periksa encoding saat berkas disimpan, atau simpan sebagai 'CSV UTF-8' tanpa menyebut "
    "encoding.",
    "sheet.bad_bom": "{file}: diawali penanda byte-order {encoding}, tetapi baris {line} bukan "
    "{encoding}. Simpan ulang sebagai 'CSV UTF-8'.",
    "sheet.mixed_encodings": "{file}: mencampur huruf UTF-8 (baris {good}) dengan byte yang "
    "bukan UTF-8 (baris {bad}), jadi cara baca mana pun akan mengubah sebagian baris. Buka di "
    "aplikasi spreadsheet lalu simpan sebagai 'CSV UTF-8', atau {fix:encoding}.",
    "sheet.unclosed_quote": "{file}: tidak bisa dibaca setelah baris {row} (baris teks "
    '{line}): {reason}. Biasanya ini karena tanda petik dua (") yang tidak ditutup: tutup '
    "atau hapus tanda petik itu.",
    "sheet.workbook_too_big": "{file}: ukuran workbook {size:n} byte; qrbatch membaca workbook "
    "paling besar {limit:n} byte. Simpan lembar kerjanya sebagai .xlsx atau CSV, atau pecah "
    "menjadi beberapa berkas yang lebih kecil.",
    "sheet.cells_beyond": "{file}: lembar kerja {sheet!r} berisi sel sampai {last}"
    "{declared}: {rows:n} baris kali {columns:n} kolom adalah {cells:n} sel, dan qrbatch "
    "membaca paling banyak {limit:n} sel per lembar ({max_rows:n} baris, {max_columns:n} "
    "kolom). Kosongkan sel yang jauh dari data, atau " + _USED_ID + ".",
    "sheet.declares": " (tertulis {extent})",
    "sheet.part_ratio": "{file}: bagian {part} mengembang {ratio} kali ({packed:n} byte menjadi "
    "{size:n}); qrbatch membaca bagian dengan kompresi paling tinggi {limit}:1, seperti "
    "spreadsheet sungguhan. Ini bukan lembar kerja yang disimpan aplikasi spreadsheet: "
    "" + _USED_ID + ", atau ekspor sebagai CSV.",
    "sheet.package_too_big": "{file}: workbook ini mengembang menjadi {size:n} byte; qrbatch "
    "membaca workbook paling besar {limit:n} byte tanpa kompresi. Pecah menjadi beberapa "
    "berkas yang lebih kecil, atau " + _USED_ID + ".",
    "sheet.package_over": "{file}: workbook ini mengembang menjadi lebih dari {limit:n} byte; "
    "qrbatch membaca workbook paling besar itu tanpa kompresi. Pecah menjadi beberapa berkas "
    "yang lebih kecil, atau " + _USED_ID + ".",
    "sheet.part_too_big": "{file}: bagian {part} mengembang menjadi {size:n} byte; qrbatch "
    "membaca bagian paling besar {limit:n} byte tanpa kompresi. Pecah lembar kerjanya menjadi "
    "beberapa berkas yang lebih kecil, atau " + _USED_ID + ".",
    "sheet.part_over": "{file}: bagian {part} mengembang menjadi lebih dari {size:n} byte; "
    "qrbatch membaca bagian paling besar {limit:n} byte tanpa kompresi. Pecah lembar kerjanya "
    "menjadi beberapa berkas yang lebih kecil, atau " + _USED_ID + ".",
    "sheet.bad_reference": "{file}: bagian {part} berisi rujukan sel {reference!r}, yang tidak "
    "pernah ditulis aplikasi spreadsheet. Buka berkas di aplikasi spreadsheet lalu simpan "
    "ulang, atau ekspor sebagai CSV.",
    "sheet.bad_repeat": "{file}: bagian {part} mengulang baris atau sel {count!r} kali, yang "
    "tidak pernah ditulis aplikasi spreadsheet. Buka berkas di aplikasi spreadsheet lalu "
    "simpan ulang, atau ekspor sebagai CSV.",
    "sheet.long_tag": "{file}: bagian {part} berisi tag lebih panjang dari {limit:n} byte, yang "
    "tidak pernah ditulis aplikasi spreadsheet. Ekspor lembar kerjanya sebagai CSV.",
}
