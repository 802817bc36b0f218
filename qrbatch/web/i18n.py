"""The page's words in English and Bahasa Indonesia, in one table both sides use.

The server fills the page's labels and its error messages from ``STRINGS``; the page's
script gets the same table (for status words, row problems and progress lines), so a
word is translated once. Row problems are translated by their ErrorCode: the engine's
detail (which quotes the cell) is shown beside the translated meaning and fix.
Placeholders are ``{name}``, filled by ``text`` here and by ``t()`` in app.js.
"""

from __future__ import annotations

import re
from typing import Final

from qrbatch.words import describe

LANGUAGES: Final = ("en", "id")
DEFAULT_LANGUAGE: Final = "en"

EN: dict[str, str] = {
    "language.name": "English",
    "page.title": "qrbatch: WhatsApp QR codes from a spreadsheet",
    "page.intro": "Choose a spreadsheet of WhatsApp business numbers and prefilled "
    "messages, check it, then create the QR codes.",
    "page.endpoint": "Service",
    "page.endpoint.sandbox": "sandbox (simulated codes that do not work on WhatsApp)",
    "page.credentials": "Access key",
    "page.credentials.sandbox": "the sandbox's demo key (no account needed)",
    "page.language": "Language",
    "file.label": "Spreadsheet",
    "file.drop": "or drop a file here",
    "file.types": "Excel (.xlsx .xlsm .xls .xlsb), OpenDocument (.ods) or text (.csv .tsv "
    ".txt); at most {limit}.",
    "file.uploading": "Uploading {name}…",
    "file.ready": "{name} ({size}) is ready.",
    "file.none": "Choose a spreadsheet first.",
    "options.title": "Options",
    "options.image_type": "Image type",
    "options.label_column.none": "(none)",
    "options.label_column.help": "Text printed under each code in the PDF.",
    "options.pdf_layout": "PDF layout",
    "layout.labels-a4-3x4": "Labels: A4, 12 per sheet (3 × 4)",
    "layout.labels-a4-3x7": "Labels: A4 sticker sheet, 21 (3 × 7)",
    "layout.labels-letter-3x10": "Labels: Letter sticker sheet, 30 (3 × 10)",
    "layout.cards-a6": "Cards: one per A6 page (table tents)",
    "layout.poster-a4": "Poster: one big code per A4 page",
    "button.check": "Check",
    "button.create": "Create QR codes",
    "check.title": "Check",
    "check.running": "Checking…",
    "check.summary.one": "1 row: {valid} valid, {invalid} with a problem, {blank} blank.",
    "check.ok": "Every row can be sent.",
    "check.more": "Showing the first {shown} of {total} problems.",
    "check.file_error": "This file cannot be used: {detail}",
    "check.row": "Row",
    "check.problem": "Problem",
    "check.fix": "What to do",
    "check.detail": "Details",
    "run.title": "Progress",
    "run.queued": "Waiting for the run before it to end…",
    "run.running": "Creating QR codes…",
    "phase.sending": "Creating QR codes…",
    "phase.images": "Fetching the QR images…",
    "phase.writing": "Writing the results workbook…",
    "run.finished": "Done.",
    "run.failed": "The run could not finish: {detail}",
    "run.stopped": "Stopped by an account-level error: {detail}",
    "run.rate": "{rate} calls per second",
    "run.left": "time left {time}",
    "run.sandbox": "Sandbox run: the codes are simulated and do not work on WhatsApp.",
    "run.keeps_going": "You can close this page: the run goes on, and it is listed below.",
    "download.results": "Download results",
    "download.pdf": "Download PDF",
    "download.zip": "Download images (ZIP)",
    "download.missing": "not made for this run",
    "history.title": "Earlier runs",
    "history.none": "No runs yet.",
    "history.when": "Started",
    "history.file": "Spreadsheet",
    "history.state": "State",
    "history.downloads": "Downloads",
    "history.open": "Show",
    "state.uploaded": "uploaded",
    "state.queued": "waiting",
    "state.running": "running",
    "state.finished": "finished",
    "state.failed": "failed",
    "status.created": "created",
    "status.reused": "reused",
    "status.failed": "failed",
    "status.invalid": "invalid",
    "status.skipped": "skipped",
    "error.type": "“{name}” is not a spreadsheet. Choose an Excel, OpenDocument or CSV file "
    "(.xlsx .xlsm .xls .xlsb .ods .csv .tsv .txt).",
    "error.content": "“{name}” does not hold what its extension says. Open it in Excel and "
    "save it again.",
    "error.size": "“{name}” is too big ({size}): the page takes files up to {limit}. Split "
    "the sheet, or use the command line.",
    "error.empty": "“{name}” is empty.",
    "error.no_file": "No file was sent. Choose a spreadsheet.",
    "error.option": "This option is not valid: {name}.",
    "error.option.image_type": "Image type must be PNG or SVG.",
    "error.option.default_region": "Default region must be a two-letter country code, e.g. ID.",
    "error.option.pdf_layout": "Choose a PDF layout from the list.",
    "error.not_found": "This run is not known here (it may have been removed).",
    "error.network": "The page cannot reach qrbatch serve. Is it still running?",
    "error.malformed": "The upload arrived broken (not a complete form). Choose the file again.",
    "error.link": "This download link has been used or has expired. Click the download on "
    "the page again.",
    "problem.generic": "a problem in this row",
    "problem.generic.fix": "see the details",
    "problem.MissingPhone": "the phone number is empty",
    "problem.MissingPhone.fix": "fill in the business number",
    "problem.InvalidPhone": "the phone number is not valid",
    "problem.InvalidPhone.fix": "correct it: country code and number (or choose a Default region)",
    "problem.MissingMessage": "the message is empty",
    "problem.MissingMessage.fix": "write the prefilled message",
    "problem.MessageTooLong": "the message is over WhatsApp's 140-character limit",
    "problem.MessageTooLong.fix": "shorten the message",
    "problem.InvalidImageType": "the image type is not PNG or SVG",
    "problem.InvalidImageType.fix": "use PNG or SVG, or leave it blank",
    "problem.AmbiguousPhone": "the number could be two different numbers",
    "problem.AmbiguousPhone.fix": "write it with + and the country code",
    "problem.InvalidCountry": "the country is not a two-letter code",
    "problem.InvalidCountry.fix": "write the country as ID, SG, MX...",
    "problem.NotAccountNumber": "not one of your account's WhatsApp numbers",
    "problem.NotAccountNumber.fix": "correct it to one of the account's numbers (the details "
    "name the closest)",
    "problem.NumberNotUsable": "WhatsApp does not let this number send (banned, "
    "disconnected or pending)",
    "problem.NumberNotUsable.fix": "connect the number again in the CAMS console, then try again",
    "unit.seconds": "{n} s",
    "unit.minutes": "{m} min {s} s",
    "refused.token": "qrbatch serve: open the address it printed (with ?token=…); "
    "this request has no valid token.",
    "refused.origin": "qrbatch serve: refused a request from another site or host name.",
    "page.signin": "To use this page, open the address qrbatch serve printed (with ?token=…), "
    "or paste it below. The address stays the same when qrbatch serve restarts: a bookmark of it "
    "keeps working.",
    "signin.title": "Sign in",
    "signin.password": "Password",
    "signin.button": "Sign in",
    "signin.address": "Address from qrbatch serve",
    "signin.open": "Open",
    "signin.checking": "Checking…",
    "signin.no_token": "This address has no ?token=… part. Copy the whole address qrbatch "
    "serve printed.",
    "error.password": "That password is not right. Try again.",
    "error.no_password": "This page has no password: open the address qrbatch serve printed.",
    "error.session": "This page's access has ended (its address was replaced by a new one). "
    "Open the new address qrbatch serve printed.",
    "options.default_region": "Default region",
    "options.default_region.help": "The country of numbers written without a country code "
    "(like 0812…). With an account, its own WhatsApp numbers decide which number each row means.",
    "options.region.none": "(none: every number has its country code)",
    "sheet.title": "Sheet and columns",
    "sheet.sheet": "Sheet",
    "sheet.preview": "The first rows of the sheet",
    "sheet.reading": "Reading sheet “{sheet}” of {name}.",
    "sheet.reading.text": "Reading {name}.",
    "sheet.choose": "Choose the phone and message columns above: the sheet's headers do not "
    "say which they are.",
    "sheet.choose.option": "(choose)",
    "columns.phone": "Phone column",
    "columns.message": "Message column",
    "columns.country": "Country column",
    "options.label_column": "Label column",
    "page.credentials.missing": "none yet: enter the account's AccessKey in the Account panel",
    "account.title": "Account",
    "account.intro": "The Alibaba Cloud AccessKey that creates the codes. It is kept on this "
    "computer in qrbatch's own credentials file, readable by you only; the secret is never shown "
    "again.",
    "account.key_id": "AccessKey ID",
    "account.secret": "AccessKey Secret",
    "account.save": "Save",
    "account.saving": "Saving and asking the account for its WhatsApp numbers…",
    "account.saved": "Saved. The account has {count} WhatsApp numbers:",
    "account.saved.one": "Saved. The account has 1 WhatsApp number:",
    "account.saved.none": "Saved, but the account has no WhatsApp number yet: add one in the "
    "CAMS console first.",
    "account.saved.error": "Saved, but the account could not be asked for its numbers: {detail}",
    "account.fixed": "This page uses a key set on the computer (environment or profile file); "
    "it cannot be changed here.",
    "account.incomplete": "Fill in both the AccessKey ID and the AccessKey Secret (no spaces).",
    "account.origin.environment": "{keyid}, from the environment variables (they win over the "
    "Account panel)",
    "account.origin.profile": "{keyid}, from {where} (it wins over the Account panel)",
    "account.origin.caller": "{keyid}, given by the program that started this page",
    "account.origin.page": "{keyid}, saved on this page",
    "account.sandbox": "The sandbox needs no account: its demo key is used.",
    "account.number": "Number",
    "account.name": "Business name",
    "account.status": "Status",
    "account.live": "Live codes",
    "account.unusable": "gets no codes",
    "help.title": "Help: what the sheet and the numbers need",
    "help.number": "Each row's phone number must be one of your account's WhatsApp business "
    "numbers: registered in the CAMS console, connected, not banned. A customer scanning the "
    "code opens a chat with that number.",
    "help.national": "Write numbers with their country code (+62 812…) or as at home (0812…) "
    "with the right Default region.",
    "help.message": "The message is the text the chat opens with: at most 140 characters.",
    "help.columns": "Any column names work: after the upload, choose which column is the phone "
    "and which the message.",
    "help.sandbox": "Check never sends anything; Create QR codes does.",
    "help.sample": "Download a sample sheet",
    "help.sample.file": "qrbatch-sample.csv",
    "confirm.yes": "Create anyway",
    "confirm.no": "Go back",
    "confirm.problems": "The Check found {count} rows with a problem: they will get no code. "
    "Create the codes for the other rows?",
    "confirm.problems.one": "The Check found 1 row with a problem: it will get no code. Create "
    "the codes for the other rows?",
    "confirm.unchecked": "The sheet has not been checked. Create the codes without checking it "
    "first?",
    "confirm.earlier": "This sheet was run before ({when}): its {count} codes exist. Creating "
    "again reuses them and makes only what is missing. Go on?",
    "file.earlier": "This sheet was run before ({when}, {count} codes): Create reuses those "
    "codes instead of making them again.",
    "run.cancel": "Cancel",
    "run.cancelling": "Cancelling: waiting for the calls already sent…",
    "run.cancelled": "Cancelled.",
    "run.sheet": "Sheet “{sheet}”",
    "phase.preparing": "Reading the sheet and looking up the account's WhatsApp numbers…",
    "phase.listing": "Checking the codes these {count} numbers already have…",
    "phase.listing.one": "Checking the codes this number already has…",
    "run.rows": "{done} of {total} rows",
    "run.rows.one": "{done} of 1 row",
    "run.throttled": "slowed down by the service {count} times",
    "run.throttled.one": "slowed down by the service once",
    "run.not_throttled": "not slowed down",
    "outcome.codes": "{codes} of the sheet's {rows} rows got a code.",
    "outcome.codes.one": "{codes} of the sheet's 1 row got a code.",
    "outcome.fix": "{count} need fixing (see the results workbook's Errors sheet).",
    "outcome.fix.one": "1 needs fixing (see the results workbook's Errors sheet).",
    "outcome.pending": "{count} were not sent: Create QR codes with the same sheet sends them.",
    "outcome.pending.one": "1 was not sent: Create QR codes with the same sheet sends it.",
    "title.done": "Done: {name}",
    "run.internal": "qrbatch hit an internal error ({detail}). The rows already done are kept; "
    "please report it.",
    "check.summary": "{rows} rows: {valid} valid, {invalid} with a problem, {blank} blank.",
    "detail.cell": "written “{cell}”",
    "detail.closest": "closest of the account's numbers: {numbers}",
    "detail.could_be": "could be {numbers}",
    "detail.length": "{count} characters",
    "error.preview": "The sheet's columns could not be read: {detail}",
    "check.problems": "Rows with a problem",
    "account.numbers": "The account's WhatsApp numbers",
    "error.kind.CredentialsError": "No AccessKey for the account: enter one in the Account panel.",
    "error.kind.AccountError": "The service refused the account's request ({code}): check the "
    "AccessKey in the Account panel and the account's WhatsApp numbers in the CAMS console.",
    "error.kind.CamsError": "The CAMS service did not accept the calls ({code}). Rows already "
    "done are kept: Create QR codes with the same sheet later goes on from there.",
    "error.kind.ServiceUnavailableError": "The CAMS service kept failing, so the run stopped "
    "early. Rows already done are kept: Create QR codes with the same sheet later goes on from "
    "there.",
    "error.kind.InputFileError": "The file cannot be read as a sheet of numbers and messages. "
    "Open it in Excel, check that it has a header row, save it again and upload it.",
    "error.kind.OutputWriteError": "The results could not be written on this computer (is the "
    "disk full?). Nothing is lost: Create QR codes again writes them.",
    "error.kind.other": "The run could not go on ({code}). Rows already done are kept.",
}

ID: dict[str, str] = {
    "language.name": "Bahasa Indonesia",
    "page.title": "qrbatch: kode QR WhatsApp dari lembar kerja",
    "page.intro": "Pilih lembar kerja berisi nomor WhatsApp bisnis dan pesan isian, "
    "periksa, lalu buat kode QR-nya.",
    "page.endpoint": "Layanan",
    "page.endpoint.sandbox": "sandbox (kode simulasi yang tidak berfungsi di WhatsApp)",
    "page.credentials": "Kunci akses",
    "page.credentials.sandbox": "kunci demo sandbox (tidak perlu akun)",
    "page.language": "Bahasa",
    "file.label": "Lembar kerja",
    "file.drop": "atau seret dan lepas berkas di sini",
    "file.types": "Excel (.xlsx .xlsm .xls .xlsb), OpenDocument (.ods) atau teks (.csv .tsv "
    ".txt); paling besar {limit}.",
    "file.uploading": "Mengunggah {name}…",
    "file.ready": "{name} ({size}) siap.",
    "file.none": "Pilih lembar kerja terlebih dahulu.",
    "options.title": "Pilihan",
    "options.image_type": "Jenis gambar",
    "options.label_column.none": "(tidak ada)",
    "options.label_column.help": "Teks yang dicetak di bawah setiap kode di PDF.",
    "options.pdf_layout": "Tata letak PDF",
    "layout.labels-a4-3x4": "Label: A4, 12 per lembar (3 × 4)",
    "layout.labels-a4-3x7": "Label: lembar stiker A4, 21 (3 × 7)",
    "layout.labels-letter-3x10": "Label: lembar stiker Letter, 30 (3 × 10)",
    "layout.cards-a6": "Kartu: satu per halaman A6 (tenda meja)",
    "layout.poster-a4": "Poster: satu kode besar per halaman A4",
    "button.check": "Periksa",
    "button.create": "Buat kode QR",
    "check.title": "Pemeriksaan",
    "check.running": "Memeriksa…",
    "check.summary.one": "1 baris: {valid} valid, {invalid} bermasalah, {blank} kosong.",
    "check.ok": "Semua baris dapat dikirim.",
    "check.more": "Menampilkan {shown} masalah pertama dari {total}.",
    "check.file_error": "Berkas ini tidak dapat dipakai: {detail}",
    "check.row": "Baris",
    "check.problem": "Masalah",
    "check.fix": "Yang perlu dilakukan",
    "check.detail": "Rincian",
    "run.title": "Kemajuan",
    "run.queued": "Menunggu proses sebelumnya selesai…",
    "run.running": "Membuat kode QR…",
    "phase.sending": "Membuat kode QR…",
    "phase.images": "Mengambil gambar QR…",
    "phase.writing": "Menulis buku kerja hasil…",
    "run.finished": "Selesai.",
    "run.failed": "Proses tidak dapat selesai: {detail}",
    "run.stopped": "Dihentikan oleh kesalahan tingkat akun: {detail}",
    "run.rate": "{rate} panggilan per detik",
    "run.left": "sisa waktu {time}",
    "run.sandbox": "Proses sandbox: kode ini simulasi dan tidak berfungsi di WhatsApp.",
    "run.keeps_going": "Halaman ini boleh ditutup: proses tetap berjalan dan tercantum di bawah.",
    "download.results": "Unduh hasil",
    "download.pdf": "Unduh PDF",
    "download.zip": "Unduh gambar (ZIP)",
    "download.missing": "tidak dibuat untuk proses ini",
    "history.title": "Proses sebelumnya",
    "history.none": "Belum ada proses.",
    "history.when": "Dimulai",
    "history.file": "Lembar kerja",
    "history.state": "Keadaan",
    "history.downloads": "Unduhan",
    "history.open": "Lihat",
    "state.uploaded": "diunggah",
    "state.queued": "menunggu",
    "state.running": "berjalan",
    "state.finished": "selesai",
    "state.failed": "gagal",
    "status.created": "dibuat",
    "status.reused": "dipakai ulang",
    "status.failed": "gagal",
    "status.invalid": "tidak valid",
    "status.skipped": "dilewati",
    "error.type": "“{name}” bukan lembar kerja. Pilih berkas Excel, OpenDocument atau CSV "
    "(.xlsx .xlsm .xls .xlsb .ods .csv .tsv .txt).",
    "error.content": "Isi “{name}” tidak sesuai dengan ekstensinya. Buka di Excel lalu simpan "
    "ulang.",
    "error.size": "“{name}” terlalu besar ({size}): halaman ini menerima berkas hingga "
    "{limit}. Bagi lembar kerjanya, atau gunakan baris perintah.",
    "error.empty": "“{name}” kosong.",
    "error.no_file": "Tidak ada berkas yang dikirim. Pilih lembar kerja.",
    "error.option": "Pilihan ini tidak valid: {name}.",
    "error.option.image_type": "Jenis gambar harus PNG atau SVG.",
    "error.option.default_region": "Negara bawaan harus kode negara dua huruf, mis. ID.",
    "error.option.pdf_layout": "Pilih tata letak PDF dari daftar.",
    "error.not_found": "Proses ini tidak dikenal di sini (mungkin sudah dihapus).",
    "error.network": "Halaman tidak dapat menghubungi qrbatch serve. Apakah masih berjalan?",
    "error.malformed": "Unggahan tiba dalam keadaan rusak (formulirnya tidak lengkap). Pilih "
    "berkasnya lagi.",
    "error.link": "Tautan unduhan ini sudah dipakai atau kedaluwarsa. Klik unduhan di halaman "
    "sekali lagi.",
    "problem.generic": "ada masalah di baris ini",
    "problem.generic.fix": "lihat rinciannya",
    "problem.MissingPhone": "nomor telepon kosong",
    "problem.MissingPhone.fix": "isi nomor bisnisnya",
    "problem.InvalidPhone": "nomor telepon tidak valid",
    "problem.InvalidPhone.fix": "perbaiki: kode negara dan nomor (atau pilih Negara bawaan)",
    "problem.MissingMessage": "pesan kosong",
    "problem.MissingMessage.fix": "tulis pesan isiannya",
    "problem.MessageTooLong": "pesan melebihi batas WhatsApp 140 karakter",
    "problem.MessageTooLong.fix": "persingkat pesannya",
    "problem.InvalidImageType": "jenis gambar bukan PNG atau SVG",
    "problem.InvalidImageType.fix": "gunakan PNG atau SVG, atau kosongkan",
    "problem.AmbiguousPhone": "nomor ini bisa berarti dua nomor berbeda",
    "problem.AmbiguousPhone.fix": "tulis dengan + dan kode negara",
    "problem.InvalidCountry": "negara bukan kode dua huruf",
    "problem.InvalidCountry.fix": "tulis negaranya sebagai ID, SG, MX...",
    "problem.NotAccountNumber": "bukan salah satu nomor WhatsApp akun Anda",
    "problem.NotAccountNumber.fix": "perbaiki menjadi salah satu nomor akun (rinciannya "
    "menyebut yang paling mirip)",
    "problem.NumberNotUsable": "WhatsApp tidak mengizinkan nomor ini mengirim (diblokir, "
    "terputus, atau menunggu)",
    "problem.NumberNotUsable.fix": "sambungkan lagi nomornya di konsol CAMS, lalu coba lagi",
    "unit.seconds": "{n} dtk",
    "unit.minutes": "{m} mnt {s} dtk",
    "refused.token": "qrbatch serve: buka alamat yang dicetaknya (dengan ?token=…); "
    "permintaan ini tidak membawa token yang sah.",
    "refused.origin": "qrbatch serve: permintaan dari situs atau nama host lain ditolak.",
    "page.signin": "Untuk memakai halaman ini, buka alamat yang dicetak qrbatch serve (dengan "
    "?token=…), atau tempelkan di bawah. Alamatnya tetap sama saat qrbatch serve dijalankan "
    "ulang: penanda (bookmark) alamat itu tetap berfungsi.",
    "signin.title": "Masuk",
    "signin.password": "Kata sandi",
    "signin.button": "Masuk",
    "signin.address": "Alamat dari qrbatch serve",
    "signin.open": "Buka",
    "signin.checking": "Memeriksa…",
    "signin.no_token": "Alamat ini tidak memuat bagian ?token=…. Salin seluruh alamat yang "
    "dicetak qrbatch serve.",
    "error.password": "Kata sandi itu salah. Coba lagi.",
    "error.no_password": "Halaman ini tidak memakai kata sandi: buka alamat yang dicetak "
    "qrbatch serve.",
    "error.session": "Akses halaman ini sudah berakhir (alamatnya diganti yang baru). Buka "
    "alamat baru yang dicetak qrbatch serve.",
    "options.default_region": "Negara bawaan",
    "options.default_region.help": "Negara untuk nomor yang ditulis tanpa kode negara (seperti "
    "0812…). Dengan akun, nomor WhatsApp milik akun itu yang menentukan nomor yang dimaksud "
    "setiap baris.",
    "options.region.none": "(tidak ada: setiap nomor memuat kode negaranya)",
    "sheet.title": "Lembar dan kolom",
    "sheet.sheet": "Lembar",
    "sheet.preview": "Baris-baris pertama lembar ini",
    "sheet.reading": "Membaca lembar “{sheet}” dari {name}.",
    "sheet.reading.text": "Membaca {name}.",
    "sheet.choose": "Pilih kolom telepon dan kolom pesan di atas: judul kolom lembar ini tidak "
    "menyebutkannya.",
    "sheet.choose.option": "(pilih)",
    "columns.phone": "Kolom telepon",
    "columns.message": "Kolom pesan",
    "columns.country": "Kolom negara",
    "options.label_column": "Kolom label",
    "page.credentials.missing": "belum ada: isi AccessKey akun di panel Akun",
    "account.title": "Akun",
    "account.intro": "AccessKey Alibaba Cloud yang membuat kode. Disimpan di komputer ini "
    "dalam berkas kredensial milik qrbatch, hanya dapat dibaca oleh Anda; rahasianya tidak "
    "pernah ditampilkan lagi.",
    "account.key_id": "AccessKey ID",
    "account.secret": "AccessKey Secret",
    "account.save": "Simpan",
    "account.saving": "Menyimpan dan menanyakan nomor WhatsApp akun…",
    "account.saved": "Tersimpan. Akun ini memiliki {count} nomor WhatsApp:",
    "account.saved.one": "Tersimpan. Akun ini memiliki 1 nomor WhatsApp:",
    "account.saved.none": "Tersimpan, tetapi akun ini belum memiliki nomor WhatsApp: tambahkan "
    "dulu di konsol CAMS.",
    "account.saved.error": "Tersimpan, tetapi nomor akun tidak dapat ditanyakan: {detail}",
    "account.fixed": "Halaman ini memakai kunci yang diatur di komputer (variabel lingkungan "
    "atau berkas profil); tidak dapat diubah di sini.",
    "account.incomplete": "Isi AccessKey ID dan AccessKey Secret (tanpa spasi).",
    "account.origin.environment": "{keyid}, dari variabel lingkungan (lebih diutamakan "
    "daripada panel Akun)",
    "account.origin.profile": "{keyid}, dari {where} (lebih diutamakan daripada panel Akun)",
    "account.origin.caller": "{keyid}, diberikan oleh program yang menjalankan halaman ini",
    "account.origin.page": "{keyid}, disimpan di halaman ini",
    "account.sandbox": "Sandbox tidak memerlukan akun: kunci demonya yang dipakai.",
    "account.number": "Nomor",
    "account.name": "Nama bisnis",
    "account.status": "Status",
    "account.live": "Kode aktif",
    "account.unusable": "tidak mendapat kode",
    "help.title": "Bantuan: yang dibutuhkan lembar kerja dan nomornya",
    "help.number": "Nomor telepon di setiap baris harus salah satu nomor WhatsApp bisnis akun "
    "Anda: terdaftar di konsol CAMS, tersambung, tidak diblokir. Pelanggan yang memindai kode "
    "membuka obrolan dengan nomor itu.",
    "help.national": "Tulis nomor dengan kode negaranya (+62 812…) atau seperti biasa (0812…) "
    "dengan Negara bawaan yang sesuai.",
    "help.message": "Pesan adalah teks pembuka obrolan: paling banyak 140 karakter.",
    "help.columns": "Nama kolom apa pun bisa dipakai: setelah diunggah, pilih kolom mana yang "
    "nomor telepon dan mana yang pesan.",
    "help.sandbox": "Periksa tidak pernah mengirim apa pun; Buat kode QR yang mengirim.",
    "help.sample": "Unduh contoh lembar kerja",
    "help.sample.file": "contoh-qrbatch.csv",
    "confirm.yes": "Tetap buat",
    "confirm.no": "Kembali",
    "confirm.problems": "Pemeriksaan menemukan {count} baris bermasalah: baris itu tidak akan "
    "mendapat kode. Buat kode untuk baris lainnya?",
    "confirm.problems.one": "Pemeriksaan menemukan 1 baris bermasalah: baris itu tidak akan "
    "mendapat kode. Buat kode untuk baris lainnya?",
    "confirm.unchecked": "Lembar kerja belum diperiksa. Buat kode tanpa memeriksanya dulu?",
    "confirm.earlier": "Lembar kerja ini pernah diproses ({when}): {count} kodenya sudah ada. "
    "Membuat lagi akan memakai ulang kode itu dan hanya membuat yang belum ada. Lanjutkan?",
    "file.earlier": "Lembar kerja ini pernah diproses ({when}, {count} kode): Buat kode akan "
    "memakai ulang kode tersebut, bukan membuatnya lagi.",
    "run.cancel": "Batalkan",
    "run.cancelling": "Membatalkan: menunggu panggilan yang sudah terkirim…",
    "run.cancelled": "Dibatalkan.",
    "run.sheet": "Lembar “{sheet}”",
    "phase.preparing": "Membaca lembar kerja dan mencari nomor WhatsApp akun…",
    "phase.listing": "Memeriksa kode yang sudah dimiliki {count} nomor ini…",
    "phase.listing.one": "Memeriksa kode yang sudah dimiliki nomor ini…",
    "run.rows": "{done} dari {total} baris",
    "run.rows.one": "{done} dari 1 baris",
    "run.throttled": "diperlambat oleh layanan {count} kali",
    "run.throttled.one": "diperlambat oleh layanan 1 kali",
    "run.not_throttled": "tidak diperlambat",
    "outcome.codes": "{codes} dari {rows} baris lembar kerja mendapat kode.",
    "outcome.codes.one": "{codes} dari 1 baris lembar kerja mendapat kode.",
    "outcome.fix": "{count} perlu diperbaiki (lihat lembar Errors di buku kerja hasil).",
    "outcome.fix.one": "1 perlu diperbaiki (lihat lembar Errors di buku kerja hasil).",
    "outcome.pending": "{count} belum dikirim: Buat kode QR dengan lembar yang sama akan "
    "mengirimnya.",
    "outcome.pending.one": "1 belum dikirim: Buat kode QR dengan lembar yang sama akan "
    "mengirimnya.",
    "title.done": "Selesai: {name}",
    "run.internal": "qrbatch mengalami kesalahan internal ({detail}). Baris yang sudah selesai "
    "tetap tersimpan; mohon laporkan.",
    "check.summary": "{rows} baris: {valid} valid, {invalid} bermasalah, {blank} kosong.",
    "detail.cell": "tertulis “{cell}”",
    "detail.closest": "nomor akun yang paling mirip: {numbers}",
    "detail.could_be": "bisa berarti {numbers}",
    "detail.length": "{count} karakter",
    "error.preview": "Kolom lembar kerja tidak dapat dibaca: {detail}",
    "check.problems": "Baris bermasalah",
    "account.numbers": "Nomor WhatsApp akun",
    "error.kind.CredentialsError": "Belum ada AccessKey untuk akun: isi di panel Akun.",
    "error.kind.AccountError": "Layanan menolak permintaan akun ({code}): periksa AccessKey di "
    "panel Akun dan nomor WhatsApp akun di konsol CAMS.",
    "error.kind.CamsError": "Layanan CAMS tidak menerima panggilan ({code}). Baris yang sudah "
    "selesai tetap tersimpan: Buat kode QR dengan lembar yang sama nanti akan melanjutkannya.",
    "error.kind.ServiceUnavailableError": "Layanan CAMS terus gagal, jadi proses berhenti "
    "lebih awal. Baris yang sudah selesai tetap tersimpan: Buat kode QR dengan lembar yang sama "
    "nanti akan melanjutkannya.",
    "error.kind.InputFileError": "Berkas tidak dapat dibaca sebagai lembar nomor dan pesan. "
    "Buka di Excel, pastikan ada baris judul kolom, simpan ulang lalu unggah lagi.",
    "error.kind.OutputWriteError": "Hasil tidak dapat ditulis di komputer ini (apakah disk "
    "penuh?). Tidak ada yang hilang: Buat kode QR lagi akan menulisnya.",
    "error.kind.other": "Proses tidak dapat dilanjutkan ({code}). Baris yang sudah selesai "
    "tetap tersimpan.",
}

STRINGS: Final[dict[str, dict[str, str]]] = {"en": EN, "id": ID}


def text(language: str, key: str, **params: object) -> str:
    """The words for ``key`` in ``language`` (English when missing), placeholders filled."""
    words = STRINGS.get(language, EN).get(key) or EN.get(key, key)
    for name, value in params.items():
        words = words.replace("{" + name + "}", str(value))
    return words


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+|\bexport [A-Z_]+=|\bQRBATCH_[A-Z_]+=")


def describe_error(error: BaseException, language: str) -> str:
    """An engine or file error in ``language``, for the page: the shared catalogue's
    words when the error has a catalogue key (actions on the page, never a command-line
    flag). An error the catalogue does not have yet keeps its own text on the English
    page when that names no flag; otherwise the page says, in its language, what kind of
    problem it is and what to do on the page, with the service's code when there is one."""
    if isinstance(getattr(error, "key", None), str):
        return describe(error, language=language, audience="page")
    own = str(error)
    if language == DEFAULT_LANGUAGE and not _FLAG.search(own):
        return own
    code = str(getattr(error, "code", "") or "")
    for kind in type(error).__mro__:
        key = f"error.kind.{kind.__name__}"
        if key in EN:
            return text(language, key, code=code or kind.__name__)
    return text(language, "error.kind.other", code=code or type(error).__name__)


def choose_language(accept_language: str | None, chosen: str | None = None) -> str:
    """The page's language: the one chosen on the page, else the browser's first we have."""
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        # "in" is the old ISO code for Indonesian; some browsers still send it.
        primary = "id" if primary == "in" else primary
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
