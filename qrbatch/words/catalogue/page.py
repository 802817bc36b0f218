"""The page (``qrbatch serve``): its labels, buttons, statuses and the words its script
fills in (``qrbatch/web/i18n.py`` serves them as one table per language, without the
``page.`` prefix). Placeholders are ``{name}``, filled by the server and by ``t()`` in
``app.js``; a ``.one`` key is the form for a count of 1."""

from __future__ import annotations

EN: dict[str, str] = {
    "page.language.name": "English",
    "page.page.title": "qrbatch: WhatsApp QR codes from a spreadsheet",
    "page.page.intro": "Choose a spreadsheet of WhatsApp business numbers and prefilled "
    "messages, check it, then create the QR codes.",
    "page.page.endpoint": "Service",
    "page.page.endpoint.sandbox": "sandbox (simulated codes that do not work on WhatsApp)",
    "page.page.credentials": "Access key",
    "page.page.credentials.sandbox": "the sandbox's demo key (no account needed)",
    "page.page.language": "Language",
    "page.file.label": "Spreadsheet",
    "page.file.drop": "or drop a file here",
    "page.file.types": "Excel (.xlsx .xlsm .xls .xlsb), OpenDocument (.ods) or text (.csv .tsv "
    ".txt); at most {limit}.",
    "page.file.uploading": "Uploading {name}…",
    "page.file.ready": "{name} ({size}) is ready.",
    "page.file.none": "Choose a spreadsheet first.",
    "page.options.title": "Options",
    "page.options.image_type": "Image type",
    "page.options.label_column.none": "(none)",
    "page.options.label_column.help": "Text printed under each code in the PDF.",
    "page.options.pdf_layout": "PDF layout",
    "page.options.pdf_note": "Line under each code in the PDF",
    "page.options.pdf_note.example": "Scan to chat with us",
    "page.layout.labels-a4-3x4": "Labels: A4, 12 per sheet (3 × 4)",
    "page.layout.labels-a4-3x7": "Labels: A4 sticker sheet, 21 (3 × 7)",
    "page.layout.labels-letter-3x10": "Labels: Letter sticker sheet, 30 (3 × 10)",
    "page.layout.cards-a6": "Cards: one per A6 page (table tents)",
    "page.layout.poster-a4": "Poster: one big code per A4 page",
    "page.button.check": "Check",
    "page.button.create": "Create QR codes",
    "page.check.title": "Check",
    "page.check.running": "Checking…",
    "page.check.summary.one": "1 row: {valid} valid, {invalid} with a problem, {blank} blank.",
    "page.check.ok": "Every row can be sent.",
    "page.check.more": "Showing the first {shown} of {total} problems.",
    "page.check.file_error": "This file cannot be used: {detail}",
    "page.check.row": "Row",
    "page.check.problem": "Problem",
    "page.check.fix": "What to do",
    "page.check.detail": "Details",
    "page.run.title": "Progress",
    "page.run.queued": "Waiting for the run before it to end…",
    "page.run.running": "Creating QR codes…",
    "page.phase.sending": "Creating QR codes…",
    "page.phase.images": "Fetching the QR images…",
    "page.phase.writing": "Writing the results workbook…",
    "page.run.finished": "Done.",
    "page.run.failed": "The run could not finish: {detail}",
    "page.run.stopped": "Stopped by an account-level error: {detail}",
    "page.run.rate": "{rate} calls per second",
    "page.run.left": "time left {time}",
    "page.run.sandbox": "Sandbox run: the codes are simulated and do not work on WhatsApp.",
    "page.run.keeps_going": "You can close this page: the run goes on, and it is listed below.",
    "page.download.results": "Download results",
    "page.download.pdf": "Download PDF",
    "page.download.zip": "Download images (ZIP)",
    "page.download.missing": "not made for this run",
    "page.history.title": "Earlier runs",
    "page.history.none": "No runs yet.",
    "page.history.when": "Started",
    "page.history.file": "Spreadsheet",
    "page.history.state": "State",
    "page.history.downloads": "Downloads",
    "page.history.open": "Show",
    "page.state.uploaded": "uploaded",
    "page.state.queued": "waiting",
    "page.state.running": "running",
    "page.state.finished": "finished",
    "page.state.failed": "failed",
    "page.status.created": "created",
    "page.status.reused": "reused",
    "page.status.failed": "failed",
    "page.status.invalid": "invalid",
    "page.status.skipped": "skipped",
    "page.error.type": "“{name}” is not a spreadsheet. Choose an Excel, OpenDocument or CSV "
    "file (.xlsx .xlsm .xls .xlsb .ods .csv .tsv .txt).",
    "page.error.content": "“{name}” does not hold what its extension says. Open it in Excel "
    "and save it again.",
    "page.error.size": "“{name}” is too big ({size}): the page takes files up to {limit}. "
    "Split the sheet, or use the command line.",
    "page.error.empty": "“{name}” is empty.",
    "page.error.no_file": "No file was sent. Choose a spreadsheet.",
    "page.error.option": "This option is not valid: {name}.",
    "page.error.option.image_type": "Image type must be PNG or SVG.",
    "page.error.option.default_region": "Default region must be a two-letter country code, "
    "e.g. ID.",
    "page.error.option.pdf_layout": "Choose a PDF layout from the list.",
    "page.error.not_found": "This run is not known here (it may have been removed).",
    "page.error.network": "The page cannot reach qrbatch serve. Is it still running?",
    "page.error.malformed": "The upload arrived broken (not a complete form). Choose the file "
    "again.",
    "page.error.link": "This download link has been used or has expired. Click the download on "
    "the page again.",
    "page.problem.generic": "a problem in this row",
    "page.problem.generic.fix": "see the details",
    "page.problem.MissingPhone": "the phone number is empty",
    "page.problem.MissingPhone.fix": "fill in the business number",
    "page.problem.InvalidPhone": "the phone number is not valid",
    "page.problem.InvalidPhone.fix": "correct it: country code and number (or choose a Default "
    "region)",
    "page.problem.InvalidPhone.fix.region": "correct the number (with the country code if it is "
    "not a number of the Default region)",
    "page.problem.InvalidPhone.fix.letters": "write the phone number in digits",
    "page.problem.MissingMessage": "the message is empty",
    "page.problem.MissingMessage.fix": "write the prefilled message",
    "page.problem.MessageTooLong": "the message is over WhatsApp's 140-character limit",
    "page.problem.MessageTooLong.fix": "shorten the message",
    "page.problem.InvalidImageType": "the image type is not PNG or SVG",
    "page.problem.InvalidImageType.fix": "use PNG or SVG, or leave it blank",
    "page.problem.AmbiguousPhone": "the number could be two different numbers",
    "page.problem.AmbiguousPhone.fix": "write it with + and the country code",
    "page.problem.InvalidCountry": "the country is not a two-letter code",
    "page.problem.InvalidCountry.fix": "write the country as ID, SG, MX...",
    "page.problem.NotAccountNumber": "not one of your account's WhatsApp numbers",
    "page.problem.NotAccountNumber.fix": "correct it to one of the account's numbers (the "
    "details name the closest)",
    "page.problem.NumberNotUsable": "WhatsApp does not let this number send (banned, "
    "disconnected or pending)",
    "page.problem.NumberNotUsable.fix": "connect the number again in the CAMS console, then "
    "try again",
    "page.unit.seconds": "{n} s",
    "page.unit.minutes": "{m} min {s} s",
    "page.refused.token": "qrbatch serve: open the address it printed (with ?token=…); this "
    "request has no valid token.",
    "page.refused.origin": "qrbatch serve: refused a request from another site or host name.",
    "page.page.signin": "To use this page, open the address qrbatch serve printed (with "
    "?token=…), or paste it below. The address stays the same when qrbatch serve restarts: a "
    "bookmark of it keeps working.",
    "page.signin.title": "Sign in",
    "page.signin.password": "Password",
    "page.signin.button": "Sign in",
    "page.signin.address": "Address from qrbatch serve",
    "page.signin.open": "Open",
    "page.signin.checking": "Checking…",
    "page.signin.no_token": "This address has no ?token=… part. Copy the whole address qrbatch "
    "serve printed.",
    "page.error.password": "That password is not right. Try again.",
    "page.error.no_password": "This page has no password: open the address qrbatch serve printed.",
    "page.error.session": "This page's access has ended (its address was replaced by a new "
    "one). Open the new address qrbatch serve printed.",
    "page.options.default_region": "Default region",
    "page.options.default_region.help": "The country of numbers written without a country code "
    "(like 0812…). With an account, its own WhatsApp numbers decide which number each row means.",
    "page.options.region.none": "(none: every number has its country code)",
    "page.sheet.title": "Sheet and columns",
    "page.sheet.sheet": "Sheet",
    "page.sheet.preview": "The first rows of the sheet",
    "page.sheet.reading": "Reading sheet “{sheet}” of {name}.",
    "page.sheet.reading.text": "Reading {name}.",
    "page.sheet.choose": "Choose the Phone column and the Message column below: the sheet's "
    "headers do not say which they are.",
    "page.sheet.choose.phone": "Choose the Phone column below: the sheet's headers do not say "
    "which it is.",
    "page.sheet.choose.message": "Choose the Message column below: the sheet's headers do not "
    "say which it is.",
    "page.check.choose.phone": "Choose the Phone column first: the column with the WhatsApp "
    "numbers.",
    "page.check.choose.message": "Choose the Message column first: the column with the message.",
    "page.check.choose.both": "Choose the Phone column and the Message column first.",
    "page.sheet.choose.option": "(choose)",
    "page.columns.phone": "Phone column",
    "page.columns.message": "Message column",
    "page.columns.country": "Country column",
    "page.options.label_column": "Label column",
    "page.page.credentials.missing": "none yet: enter the account's AccessKey in the Account panel",
    "page.account.title": "Account",
    "page.account.intro": "The Alibaba Cloud AccessKey that creates the codes. It is kept on "
    "this computer in qrbatch's own credentials file, readable by you only; the secret is never "
    "shown again.",
    "page.account.key_id": "AccessKey ID",
    "page.account.secret": "AccessKey Secret",
    "page.account.save": "Save",
    "page.account.saving": "Saving and asking the account for its WhatsApp numbers…",
    "page.account.saved": "Saved. The account has {count} WhatsApp numbers:",
    "page.account.saved.one": "Saved. The account has 1 WhatsApp number:",
    "page.account.saved.none": "Saved, but the account has no WhatsApp number yet: add one in "
    "the CAMS console first.",
    "page.account.saved.error": "Saved, but the account could not be asked for its numbers: "
    "{detail}",
    "page.account.fixed": "This page uses a key set on the computer (environment or profile "
    "file); it cannot be changed here.",
    "page.account.incomplete": "Fill in both the AccessKey ID and the AccessKey Secret (no "
    "spaces).",
    "page.account.origin.environment": "{keyid}, from the environment variables (they win over "
    "the Account panel)",
    "page.account.origin.profile": "{keyid}, from {where} (it wins over the Account panel)",
    "page.account.origin.caller": "{keyid}, given by the program that started this page",
    "page.account.origin.page": "{keyid}, saved on this page",
    "page.account.sandbox": "The sandbox needs no account: its demo key is used.",
    "page.account.number": "Number",
    "page.account.name": "Business name",
    "page.account.status": "Status",
    "page.account.live": "Live codes",
    "page.account.unusable": "gets no codes",
    "page.help.title": "Help: what the sheet and the numbers need",
    "page.help.number": "Each row's phone number must be one of your account's WhatsApp "
    "business numbers: registered in the CAMS console, connected, not banned. A customer "
    "scanning the code opens a chat with that number.",
    "page.help.national": "Write numbers with their country code (+62 812…) or as at home "
    "(0812…) with the right Default region.",
    "page.help.message": "The message is the text the chat opens with: at most 140 characters.",
    "page.help.columns": "Any column names work: after the upload, choose which column is the "
    "phone and which the message.",
    "page.help.sandbox": "Check never sends anything; Create QR codes does.",
    "page.help.sample": "Download a sample sheet",
    "page.help.sample.file": "qrbatch-sample.csv",
    "page.confirm.yes": "Create anyway",
    "page.confirm.no": "Go back",
    "page.confirm.problems": "The Check found {count} rows with a problem: they will get no "
    "code. Create the codes for the other rows?",
    "page.confirm.problems.one": "The Check found 1 row with a problem: it will get no code. "
    "Create the codes for the other rows?",
    "page.confirm.unchecked": "The sheet has not been checked. Create the codes without "
    "checking it first?",
    "page.confirm.earlier": "This sheet was run before ({when}): its {count} codes exist. "
    "Creating again reuses them and makes only what is missing. Go on?",
    "page.file.earlier": "This sheet was run before ({when}, {count} codes): Create reuses "
    "those codes instead of making them again.",
    "page.run.cancel": "Cancel",
    "page.run.cancelling": "Cancelling: waiting for the calls already sent…",
    "page.run.cancelled": "Cancelled.",
    "page.run.sheet": "Sheet “{sheet}”",
    "page.phase.preparing": "Reading the sheet and looking up the account's WhatsApp numbers…",
    "page.phase.listing": "Checking the codes these {count} numbers already have…",
    "page.phase.listing.one": "Checking the codes this number already has…",
    "page.phase.listed": "Checking existing codes: {done} of {total} numbers",
    "page.phase.listed.one": "Checking existing codes: {done} of 1 number",
    "page.run.rows": "{done} of {total} rows",
    "page.run.rows.one": "{done} of 1 row",
    "page.run.throttled": "slowed down by the service {count} times",
    "page.run.throttled.one": "slowed down by the service once",
    "page.run.not_throttled": "not slowed down",
    "page.outcome.codes": "{codes} of the sheet's {rows} rows got a code.",
    "page.outcome.codes.one": "{codes} of the sheet's 1 row got a code.",
    "page.outcome.fix": "{count} need fixing (see the results workbook's Errors sheet).",
    "page.outcome.shared": "They hold {codes} different codes: rows with the same number and "
    "message share one.",
    "page.check.shared": "Rows {rows} ask for the same number and message: they will share "
    "one code.",
    "page.check.shared.more": "And {count} more groups of rows that will share a code.",
    "page.word.and": "and",
    "page.outcome.fix.one": "1 needs fixing (see the results workbook's Errors sheet).",
    "page.outcome.pending": "{count} were not sent: Create QR codes with the same sheet sends "
    "them.",
    "page.outcome.pending.one": "1 was not sent: Create QR codes with the same sheet sends it.",
    "page.title.done": "Done: {name}",
    "page.run.internal": "qrbatch hit an internal error ({detail}). The rows already done are "
    "kept; please report it.",
    "page.check.summary": "{rows} rows: {valid} valid, {invalid} with a problem, {blank} blank.",
    "page.detail.cell": "written “{cell}”",
    "page.detail.closest": "closest of the account's numbers: {numbers}",
    "page.detail.could_be": "could be {numbers}",
    "page.detail.length": "{count} characters",
    "page.error.preview": "The sheet's columns could not be read: {detail}",
    "page.check.problems": "Rows with a problem",
    "page.account.numbers": "The account's WhatsApp numbers",
    "page.error.kind.CredentialsError": "No AccessKey for the account: enter one in the "
    "Account panel.",
    "page.error.kind.AccountError": "The service refused the account's request ({code}): check "
    "the AccessKey in the Account panel and the account's WhatsApp numbers in the CAMS console.",
    "page.error.kind.CamsError": "The CAMS service did not accept the calls ({code}). Rows "
    "already done are kept: Create QR codes with the same sheet later goes on from there.",
    "page.error.kind.ServiceUnavailableError": "The CAMS service kept failing, so the run "
    "stopped early. Rows already done are kept: Create QR codes with the same sheet later goes "
    "on from there.",
    "page.error.kind.InputFileError": "“{file}” cannot be read as a sheet of numbers and "
    "messages. Open it in Excel, check that it has a header row, save it again and upload it.",
    "page.error.kind.OutputWriteError": "The results could not be written on this computer (is "
    "the disk full?). Nothing is lost: Create QR codes again writes them.",
    "page.error.kind.other": "The run could not go on ({code}). Rows already done are kept.",
}

ID: dict[str, str] = {
    "page.language.name": "Bahasa Indonesia",
    "page.page.title": "qrbatch: kode QR WhatsApp dari lembar kerja",
    "page.page.intro": "Pilih lembar kerja berisi nomor WhatsApp bisnis dan pesan isian, "
    "periksa, lalu buat kode QR-nya.",
    "page.page.endpoint": "Layanan",
    "page.page.endpoint.sandbox": "sandbox (kode simulasi yang tidak berfungsi di WhatsApp)",
    "page.page.credentials": "Kunci akses",
    "page.page.credentials.sandbox": "kunci demo sandbox (tidak perlu akun)",
    "page.page.language": "Bahasa",
    "page.file.label": "Lembar kerja",
    "page.file.drop": "atau seret dan lepas berkas di sini",
    "page.file.types": "Excel (.xlsx .xlsm .xls .xlsb), OpenDocument (.ods) atau teks (.csv "
    ".tsv .txt); paling besar {limit}.",
    "page.file.uploading": "Mengunggah {name}…",
    "page.file.ready": "{name} ({size}) siap.",
    "page.file.none": "Pilih lembar kerja terlebih dahulu.",
    "page.options.title": "Pilihan",
    "page.options.image_type": "Jenis gambar",
    "page.options.label_column.none": "(tidak ada)",
    "page.options.label_column.help": "Teks yang dicetak di bawah setiap kode di PDF.",
    "page.options.pdf_layout": "Tata letak PDF",
    "page.options.pdf_note": "Teks di bawah setiap kode di PDF",
    "page.options.pdf_note.example": "Pindai untuk chat dengan kami",
    "page.layout.labels-a4-3x4": "Label: A4, 12 per lembar (3 × 4)",
    "page.layout.labels-a4-3x7": "Label: lembar stiker A4, 21 (3 × 7)",
    "page.layout.labels-letter-3x10": "Label: lembar stiker Letter, 30 (3 × 10)",
    "page.layout.cards-a6": "Kartu: satu per halaman A6 (tenda meja)",
    "page.layout.poster-a4": "Poster: satu kode besar per halaman A4",
    "page.button.check": "Periksa",
    "page.button.create": "Buat kode QR",
    "page.check.title": "Pemeriksaan",
    "page.check.running": "Memeriksa…",
    "page.check.summary.one": "1 baris: {valid} valid, {invalid} bermasalah, {blank} kosong.",
    "page.check.ok": "Semua baris dapat dikirim.",
    "page.check.more": "Menampilkan {shown} masalah pertama dari {total}.",
    "page.check.file_error": "Berkas ini tidak dapat dipakai: {detail}",
    "page.check.row": "Baris",
    "page.check.problem": "Masalah",
    "page.check.fix": "Yang perlu dilakukan",
    "page.check.detail": "Rincian",
    "page.run.title": "Kemajuan",
    "page.run.queued": "Menunggu proses sebelumnya selesai…",
    "page.run.running": "Membuat kode QR…",
    "page.phase.sending": "Membuat kode QR…",
    "page.phase.images": "Mengambil gambar QR…",
    "page.phase.writing": "Menulis buku kerja hasil…",
    "page.run.finished": "Selesai.",
    "page.run.failed": "Proses tidak dapat selesai: {detail}",
    "page.run.stopped": "Dihentikan oleh kesalahan tingkat akun: {detail}",
    "page.run.rate": "{rate} panggilan per detik",
    "page.run.left": "sisa waktu {time}",
    "page.run.sandbox": "Proses sandbox: kode ini simulasi dan tidak berfungsi di WhatsApp.",
    "page.run.keeps_going": "Halaman ini boleh ditutup: proses tetap berjalan dan tercantum di "
    "bawah.",
    "page.download.results": "Unduh hasil",
    "page.download.pdf": "Unduh PDF",
    "page.download.zip": "Unduh gambar (ZIP)",
    "page.download.missing": "tidak dibuat untuk proses ini",
    "page.history.title": "Proses sebelumnya",
    "page.history.none": "Belum ada proses.",
    "page.history.when": "Dimulai",
    "page.history.file": "Lembar kerja",
    "page.history.state": "Keadaan",
    "page.history.downloads": "Unduhan",
    "page.history.open": "Lihat",
    "page.state.uploaded": "diunggah",
    "page.state.queued": "menunggu",
    "page.state.running": "berjalan",
    "page.state.finished": "selesai",
    "page.state.failed": "gagal",
    "page.status.created": "dibuat",
    "page.status.reused": "dipakai ulang",
    "page.status.failed": "gagal",
    "page.status.invalid": "tidak valid",
    "page.status.skipped": "dilewati",
    "page.error.type": "“{name}” bukan lembar kerja. Pilih berkas Excel, OpenDocument atau CSV "
    "(.xlsx .xlsm .xls .xlsb .ods .csv .tsv .txt).",
    "page.error.content": "Isi “{name}” tidak sesuai dengan ekstensinya. Buka di Excel lalu "
    "simpan ulang.",
    "page.error.size": "“{name}” terlalu besar ({size}): halaman ini menerima berkas hingga "
    "{limit}. Bagi lembar kerjanya, atau gunakan baris perintah.",
    "page.error.empty": "“{name}” kosong.",
    "page.error.no_file": "Tidak ada berkas yang dikirim. Pilih lembar kerja.",
    "page.error.option": "Pilihan ini tidak valid: {name}.",
    "page.error.option.image_type": "Jenis gambar harus PNG atau SVG.",
    "page.error.option.default_region": "Negara bawaan harus kode negara dua huruf, mis. ID.",
    "page.error.option.pdf_layout": "Pilih tata letak PDF dari daftar.",
    "page.error.not_found": "Proses ini tidak dikenal di sini (mungkin sudah dihapus).",
    "page.error.network": "Halaman tidak dapat menghubungi qrbatch serve. Apakah masih berjalan?",
    "page.error.malformed": "Unggahan tiba dalam keadaan rusak (formulirnya tidak lengkap). "
    "Pilih berkasnya lagi.",
    "page.error.link": "Tautan unduhan ini sudah dipakai atau kedaluwarsa. Klik unduhan di "
    "halaman sekali lagi.",
    "page.problem.generic": "ada masalah di baris ini",
    "page.problem.generic.fix": "lihat rinciannya",
    "page.problem.MissingPhone": "nomor telepon kosong",
    "page.problem.MissingPhone.fix": "isi nomor bisnisnya",
    "page.problem.InvalidPhone": "nomor telepon tidak valid",
    "page.problem.InvalidPhone.fix": "perbaiki: kode negara dan nomor (atau pilih Negara bawaan)",
    "page.problem.InvalidPhone.fix.region": "perbaiki nomornya (dengan kode negara jika bukan "
    "nomor Negara bawaan)",
    "page.problem.InvalidPhone.fix.letters": "tulis nomor telepon dengan angka",
    "page.problem.MissingMessage": "pesan kosong",
    "page.problem.MissingMessage.fix": "tulis pesan isiannya",
    "page.problem.MessageTooLong": "pesan melebihi batas WhatsApp 140 karakter",
    "page.problem.MessageTooLong.fix": "persingkat pesannya",
    "page.problem.InvalidImageType": "jenis gambar bukan PNG atau SVG",
    "page.problem.InvalidImageType.fix": "gunakan PNG atau SVG, atau kosongkan",
    "page.problem.AmbiguousPhone": "nomor ini bisa berarti dua nomor berbeda",
    "page.problem.AmbiguousPhone.fix": "tulis dengan + dan kode negara",
    "page.problem.InvalidCountry": "negara bukan kode dua huruf",
    "page.problem.InvalidCountry.fix": "tulis negaranya sebagai ID, SG, MX...",
    "page.problem.NotAccountNumber": "bukan salah satu nomor WhatsApp akun Anda",
    "page.problem.NotAccountNumber.fix": "perbaiki menjadi salah satu nomor akun (rinciannya "
    "menyebut yang paling mirip)",
    "page.problem.NumberNotUsable": "WhatsApp tidak mengizinkan nomor ini mengirim (diblokir, "
    "terputus, atau menunggu)",
    "page.problem.NumberNotUsable.fix": "sambungkan lagi nomornya di konsol CAMS, lalu coba lagi",
    "page.unit.seconds": "{n} dtk",
    "page.unit.minutes": "{m} mnt {s} dtk",
    "page.refused.token": "qrbatch serve: buka alamat yang dicetaknya (dengan ?token=…); "
    "permintaan ini tidak membawa token yang sah.",
    "page.refused.origin": "qrbatch serve: permintaan dari situs atau nama host lain ditolak.",
    "page.page.signin": "Untuk memakai halaman ini, buka alamat yang dicetak qrbatch serve "
    "(dengan ?token=…), atau tempelkan di bawah. Alamatnya tetap sama saat qrbatch serve "
    "dijalankan ulang: penanda (bookmark) alamat itu tetap berfungsi.",
    "page.signin.title": "Masuk",
    "page.signin.password": "Kata sandi",
    "page.signin.button": "Masuk",
    "page.signin.address": "Alamat dari qrbatch serve",
    "page.signin.open": "Buka",
    "page.signin.checking": "Memeriksa…",
    "page.signin.no_token": "Alamat ini tidak memuat bagian ?token=…. Salin seluruh alamat "
    "yang dicetak qrbatch serve.",
    "page.error.password": "Kata sandi itu salah. Coba lagi.",
    "page.error.no_password": "Halaman ini tidak memakai kata sandi: buka alamat yang dicetak "
    "qrbatch serve.",
    "page.error.session": "Akses halaman ini sudah berakhir (alamatnya diganti yang baru). "
    "Buka alamat baru yang dicetak qrbatch serve.",
    "page.options.default_region": "Negara bawaan",
    "page.options.default_region.help": "Negara untuk nomor yang ditulis tanpa kode negara "
    "(seperti 0812…). Dengan akun, nomor WhatsApp milik akun itu yang menentukan nomor yang "
    "dimaksud setiap baris.",
    "page.options.region.none": "(tidak ada: setiap nomor memuat kode negaranya)",
    "page.sheet.title": "Lembar dan kolom",
    "page.sheet.sheet": "Lembar",
    "page.sheet.preview": "Baris-baris pertama lembar ini",
    "page.sheet.reading": "Membaca lembar “{sheet}” dari {name}.",
    "page.sheet.reading.text": "Membaca {name}.",
    "page.sheet.choose": "Pilih Kolom telepon dan Kolom pesan di bawah: judul kolom lembar ini "
    "tidak menyebutkannya.",
    "page.sheet.choose.phone": "Pilih Kolom telepon di bawah: judul kolom lembar ini tidak "
    "menyebutkannya.",
    "page.sheet.choose.message": "Pilih Kolom pesan di bawah: judul kolom lembar ini tidak "
    "menyebutkannya.",
    "page.check.choose.phone": "Pilih Kolom telepon dulu: kolom yang berisi nomor WhatsApp.",
    "page.check.choose.message": "Pilih Kolom pesan dulu: kolom yang berisi pesannya.",
    "page.check.choose.both": "Pilih Kolom telepon dan Kolom pesan dulu.",
    "page.sheet.choose.option": "(pilih)",
    "page.columns.phone": "Kolom telepon",
    "page.columns.message": "Kolom pesan",
    "page.columns.country": "Kolom negara",
    "page.options.label_column": "Kolom label",
    "page.page.credentials.missing": "belum ada: isi AccessKey akun di panel Akun",
    "page.account.title": "Akun",
    "page.account.intro": "AccessKey Alibaba Cloud yang membuat kode. Disimpan di komputer ini "
    "dalam berkas kredensial milik qrbatch, hanya dapat dibaca oleh Anda; rahasianya tidak "
    "pernah ditampilkan lagi.",
    "page.account.key_id": "AccessKey ID",
    "page.account.secret": "AccessKey Secret",
    "page.account.save": "Simpan",
    "page.account.saving": "Menyimpan dan menanyakan nomor WhatsApp akun…",
    "page.account.saved": "Tersimpan. Akun ini memiliki {count} nomor WhatsApp:",
    "page.account.saved.one": "Tersimpan. Akun ini memiliki 1 nomor WhatsApp:",
    "page.account.saved.none": "Tersimpan, tetapi akun ini belum memiliki nomor WhatsApp: "
    "tambahkan dulu di konsol CAMS.",
    "page.account.saved.error": "Tersimpan, tetapi nomor akun tidak dapat ditanyakan: {detail}",
    "page.account.fixed": "Halaman ini memakai kunci yang diatur di komputer (variabel "
    "lingkungan atau berkas profil); tidak dapat diubah di sini.",
    "page.account.incomplete": "Isi AccessKey ID dan AccessKey Secret (tanpa spasi).",
    "page.account.origin.environment": "{keyid}, dari variabel lingkungan (lebih diutamakan "
    "daripada panel Akun)",
    "page.account.origin.profile": "{keyid}, dari {where} (lebih diutamakan daripada panel Akun)",
    "page.account.origin.caller": "{keyid}, diberikan oleh program yang menjalankan halaman ini",
    "page.account.origin.page": "{keyid}, disimpan di halaman ini",
    "page.account.sandbox": "Sandbox tidak memerlukan akun: kunci demonya yang dipakai.",
    "page.account.number": "Nomor",
    "page.account.name": "Nama bisnis",
    "page.account.status": "Status",
    "page.account.live": "Kode aktif",
    "page.account.unusable": "tidak mendapat kode",
    "page.help.title": "Bantuan: yang dibutuhkan lembar kerja dan nomornya",
    "page.help.number": "Nomor telepon di setiap baris harus salah satu nomor WhatsApp bisnis "
    "akun Anda: terdaftar di konsol CAMS, tersambung, tidak diblokir. Pelanggan yang memindai "
    "kode membuka obrolan dengan nomor itu.",
    "page.help.national": "Tulis nomor dengan kode negaranya (+62 812…) atau seperti biasa "
    "(0812…) dengan Negara bawaan yang sesuai.",
    "page.help.message": "Pesan adalah teks pembuka obrolan: paling banyak 140 karakter.",
    "page.help.columns": "Nama kolom apa pun bisa dipakai: setelah diunggah, pilih kolom mana "
    "yang nomor telepon dan mana yang pesan.",
    "page.help.sandbox": "Periksa tidak pernah mengirim apa pun; Buat kode QR yang mengirim.",
    "page.help.sample": "Unduh contoh lembar kerja",
    "page.help.sample.file": "contoh-qrbatch.csv",
    "page.confirm.yes": "Tetap buat",
    "page.confirm.no": "Kembali",
    "page.confirm.problems": "Pemeriksaan menemukan {count} baris bermasalah: baris itu tidak "
    "akan mendapat kode. Buat kode untuk baris lainnya?",
    "page.confirm.problems.one": "Pemeriksaan menemukan 1 baris bermasalah: baris itu tidak "
    "akan mendapat kode. Buat kode untuk baris lainnya?",
    "page.confirm.unchecked": "Lembar kerja belum diperiksa. Buat kode tanpa memeriksanya dulu?",
    "page.confirm.earlier": "Lembar kerja ini pernah diproses ({when}): {count} kodenya sudah "
    "ada. Membuat lagi akan memakai ulang kode itu dan hanya membuat yang belum ada. Lanjutkan?",
    "page.file.earlier": "Lembar kerja ini pernah diproses ({when}, {count} kode): Buat kode "
    "akan memakai ulang kode tersebut, bukan membuatnya lagi.",
    "page.run.cancel": "Batalkan",
    "page.run.cancelling": "Membatalkan: menunggu panggilan yang sudah terkirim…",
    "page.run.cancelled": "Dibatalkan.",
    "page.run.sheet": "Lembar “{sheet}”",
    "page.phase.preparing": "Membaca lembar kerja dan mencari nomor WhatsApp akun…",
    "page.phase.listing": "Memeriksa kode yang sudah dimiliki {count} nomor ini…",
    "page.phase.listing.one": "Memeriksa kode yang sudah dimiliki nomor ini…",
    "page.phase.listed": "Memeriksa kode yang sudah ada: {done} dari {total} nomor",
    "page.phase.listed.one": "Memeriksa kode yang sudah ada: {done} dari 1 nomor",
    "page.run.rows": "{done} dari {total} baris",
    "page.run.rows.one": "{done} dari 1 baris",
    "page.run.throttled": "diperlambat oleh layanan {count} kali",
    "page.run.throttled.one": "diperlambat oleh layanan 1 kali",
    "page.run.not_throttled": "tidak diperlambat",
    "page.outcome.codes": "{codes} dari {rows} baris lembar kerja mendapat kode.",
    "page.outcome.codes.one": "{codes} dari 1 baris lembar kerja mendapat kode.",
    "page.outcome.fix": "{count} perlu diperbaiki (lihat lembar Errors di buku kerja hasil).",
    "page.outcome.shared": "Semuanya memakai {codes} kode berbeda: baris dengan nomor dan "
    "pesan yang sama berbagi satu kode.",
    "page.check.shared": "Baris {rows} meminta nomor dan pesan yang sama: baris-baris itu akan "
    "memakai kode yang sama.",
    "page.check.shared.more": "Dan {count} kelompok baris lain yang akan memakai satu kode.",
    "page.word.and": "dan",
    "page.outcome.fix.one": "1 perlu diperbaiki (lihat lembar Errors di buku kerja hasil).",
    "page.outcome.pending": "{count} belum dikirim: Buat kode QR dengan lembar yang sama akan "
    "mengirimnya.",
    "page.outcome.pending.one": "1 belum dikirim: Buat kode QR dengan lembar yang sama akan "
    "mengirimnya.",
    "page.title.done": "Selesai: {name}",
    "page.run.internal": "qrbatch mengalami kesalahan internal ({detail}). Baris yang sudah "
    "selesai tetap tersimpan; mohon laporkan.",
    "page.check.summary": "{rows} baris: {valid} valid, {invalid} bermasalah, {blank} kosong.",
    "page.detail.cell": "tertulis “{cell}”",
    "page.detail.closest": "nomor akun yang paling mirip: {numbers}",
    "page.detail.could_be": "bisa berarti {numbers}",
    "page.detail.length": "{count} karakter",
    "page.error.preview": "Kolom lembar kerja tidak dapat dibaca: {detail}",
    "page.check.problems": "Baris bermasalah",
    "page.account.numbers": "Nomor WhatsApp akun",
    "page.error.kind.CredentialsError": "Belum ada AccessKey untuk akun: isi di panel Akun.",
    "page.error.kind.AccountError": "Layanan menolak permintaan akun ({code}): periksa "
    "AccessKey di panel Akun dan nomor WhatsApp akun di konsol CAMS.",
    "page.error.kind.CamsError": "Layanan CAMS tidak menerima panggilan ({code}). Baris yang "
    "sudah selesai tetap tersimpan: Buat kode QR dengan lembar yang sama nanti akan "
    "melanjutkannya.",
    "page.error.kind.ServiceUnavailableError": "Layanan CAMS terus gagal, jadi proses berhenti "
    "lebih awal. Baris yang sudah selesai tetap tersimpan: Buat kode QR dengan lembar yang sama "
    "nanti akan melanjutkannya.",
    "page.error.kind.InputFileError": "“{file}” tidak dapat dibaca sebagai lembar nomor dan "
    "pesan. Buka di Excel, pastikan ada baris judul kolom, simpan ulang lalu unggah lagi.",
    "page.error.kind.OutputWriteError": "Hasil tidak dapat ditulis di komputer ini (apakah "
    "disk penuh?). Tidak ada yang hilang: Buat kode QR lagi akan menulisnya.",
    "page.error.kind.other": "Proses tidak dapat dilanjutkan ({code}). Baris yang sudah "
    "selesai tetap tersimpan.",
}
