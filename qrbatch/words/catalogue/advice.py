"""Advice: what an ErrorCode of the Results sheet means and what to do
(``outputs/results.py``: ``advice.<Code>`` and ``advice.<Code>.fix``)."""

from __future__ import annotations

EN: dict[str, str] = {
    # problems the sheet reader finds in a row
    "advice.AmbiguousPhone": "the number is valid as written and as a national number of the "
    "default region",
    "advice.AmbiguousPhone.fix": "write it with + and the country code",
    "advice.RowDoesNotFitHeader": "the row has more cells than the header (often an unquoted "
    "comma in a CSV message)",
    "advice.RowDoesNotFitHeader.fix": "put the message in double quotes or use another "
    "delimiter; name extra columns",
    "advice.BadEncoding": "the row has bytes that are not UTF-8 in a UTF-8 file",
    "advice.BadEncoding.fix": "fix the letters and save as CSV UTF-8, or {fix:encoding}",
    "advice.FormulaNotCalculated": "a formula cell has no saved value (file written by a program)",
    "advice.FormulaNotCalculated.fix": "open the file in Excel or LibreOffice and save it, or "
    "type the value",
    "advice.FormulaError": "a formula cell shows an error such as #N/A",
    "advice.FormulaError.fix": "fix the formula or type the value",
    "advice.CellTooLong": "a cell holds more than Excel's 32,767 characters",
    "advice.CellTooLong.fix": "shorten it, or close the double quote that swallowed the rows "
    "after it",
    "advice.UnclosedQuote": "a double quote is not closed, so the cell swallowed the rows after it",
    "advice.UnclosedQuote.fix": "close or remove the quote",
    # a row's own outcome
    "advice.BlankRow": "the row is empty",
    "advice.BlankRow.fix": "nothing",
    "advice.MissingPhone": "the phone cell is empty",
    "advice.MissingPhone.fix": "fill in the business number",
    "advice.InvalidPhone": "the phone number is not valid",
    "advice.InvalidPhone.fix": "correct it (country code + number)",
    "advice.MissingMessage": "the message cell is empty",
    "advice.MissingMessage.fix": "write the prefilled message",
    "advice.MessageTooLong": "over WhatsApp's 140-character limit",
    "advice.MessageTooLong.fix": "shorten the message",
    "advice.InvalidImageType": "image type is not PNG or SVG",
    "advice.InvalidImageType.fix": "use PNG or SVG, or leave it blank",
    "advice.InvalidCountry": "the country is not a two-letter code",
    "advice.InvalidCountry.fix": "write ID, SG, MX...",
    "advice.NotAccountNumber": "the number is not one of the account's WhatsApp numbers",
    "advice.NotAccountNumber.fix": "correct it to one of the account's numbers (qrbatch "
    "numbers lists them)",
    "advice.NumberNotUsable": "WhatsApp does not let this number send (banned, disconnected, "
    "pending...)",
    "advice.NumberNotUsable.fix": "connect the number again in the CAMS console, then rerun",
    "advice.NumberWarning": "the code was made, but WhatsApp flagged or limits this number",
    "advice.NumberWarning.fix": "check the number's status and quality in the CAMS console",
    "advice.NotSent": "not sent: the run stopped first",
    "advice.NotSent.fix": "fix the cause, then rerun: done rows are kept",
    "advice.NotFound": "the service does not know this code on this number",
    "advice.NotFound.fix": "list the number (qrbatch list) to see its live codes",
    "advice.ConflictingRows": "two rows ask different things of one code",
    "advice.ConflictingRows.fix": "keep one row per code",
    "advice.Unchanged": "the message is already this one",
    "advice.Unchanged.fix": "nothing",
    "advice.OutcomeUnknown": "the run stopped while this call was in flight",
    "advice.OutcomeUnknown.fix": "rerun: qrbatch checks before sending again",
    "advice.cams": "an error answer from CAMS",
    "advice.cams.fix": "see ErrorMessage; rerun retries failed rows",
    # the ErrorMessage of a row the run did not settle
    "advice.not_sent": "not sent: the run stopped before this row; rerun to send it",
    "advice.in_flight": "the run stopped while this call was in flight; rerun to settle it",
    "advice.unknown": "the run stopped before the service said whether it made this code "
    "(it failed or timed out); rerun: it checks the number's codes first and sends again "
    "only if none was made",
}

ID: dict[str, str] = {
    "advice.AmbiguousPhone": "nomor ini valid apa adanya dan juga sebagai nomor lokal negara "
    "bawaan",
    "advice.AmbiguousPhone.fix": "tulis dengan + dan kode negara",
    "advice.RowDoesNotFitHeader": "baris ini punya sel lebih banyak daripada judulnya (sering "
    "karena koma tanpa tanda petik di pesan CSV)",
    "advice.RowDoesNotFitHeader.fix": "apit pesannya dengan tanda petik dua atau pakai pemisah "
    "lain; beri nama kolom tambahannya",
    "advice.BadEncoding": "baris ini berisi byte yang bukan UTF-8 di berkas UTF-8",
    "advice.BadEncoding.fix": "perbaiki hurufnya lalu simpan sebagai CSV UTF-8, atau "
    "{fix:encoding}",
    "advice.FormulaNotCalculated": "sel rumus tidak punya nilai tersimpan (berkas dibuat oleh "
    "program)",
    "advice.FormulaNotCalculated.fix": "buka berkasnya di Excel atau LibreOffice lalu simpan, "
    "atau ketik nilainya",
    "advice.FormulaError": "sel rumus menampilkan galat seperti #N/A",
    "advice.FormulaError.fix": "perbaiki rumusnya atau ketik nilainya",
    "advice.CellTooLong": "satu sel berisi lebih dari 32.767 karakter, batas Excel",
    "advice.CellTooLong.fix": "pendekkan, atau tutup tanda petik dua yang menelan baris-baris "
    "setelahnya",
    "advice.UnclosedQuote": "ada tanda petik dua yang tidak ditutup, jadi selnya menelan "
    "baris-baris setelahnya",
    "advice.UnclosedQuote.fix": "tutup atau hapus tanda petiknya",
    "advice.BlankRow": "baris ini kosong",
    "advice.BlankRow.fix": "tidak perlu apa-apa",
    "advice.MissingPhone": "sel nomor telepon kosong",
    "advice.MissingPhone.fix": "isi nomor bisnisnya",
    "advice.InvalidPhone": "nomor telepon tidak valid",
    "advice.InvalidPhone.fix": "perbaiki (kode negara + nomor)",
    "advice.MissingMessage": "sel pesan kosong",
    "advice.MissingMessage.fix": "tulis pesan isiannya",
    "advice.MessageTooLong": "melebihi batas WhatsApp 140 karakter",
    "advice.MessageTooLong.fix": "persingkat pesannya",
    "advice.InvalidImageType": "jenis gambar bukan PNG atau SVG",
    "advice.InvalidImageType.fix": "pakai PNG atau SVG, atau kosongkan",
    "advice.InvalidCountry": "negara bukan kode dua huruf",
    "advice.InvalidCountry.fix": "tulis ID, SG, MX...",
    "advice.NotAccountNumber": "nomor ini bukan salah satu nomor WhatsApp akun",
    "advice.NotAccountNumber.fix": "perbaiki menjadi salah satu nomor akun (qrbatch numbers "
    "menampilkannya)",
    "advice.NumberNotUsable": "WhatsApp tidak mengizinkan nomor ini mengirim (diblokir, "
    "terputus, menunggu...)",
    "advice.NumberNotUsable.fix": "sambungkan lagi nomornya di konsol CAMS, lalu jalankan ulang",
    "advice.NumberWarning": "kode QR sudah dibuat, tetapi WhatsApp menandai atau membatasi "
    "nomor ini",
    "advice.NumberWarning.fix": "periksa status dan kualitas nomornya di konsol CAMS",
    "advice.NotSent": "tidak dikirim: proses berhenti lebih dulu",
    "advice.NotSent.fix": "perbaiki penyebabnya, lalu jalankan ulang: baris yang sudah selesai "
    "tetap tersimpan",
    "advice.NotFound": "layanan tidak mengenal kode QR ini pada nomor ini",
    "advice.NotFound.fix": "tampilkan kode QR nomor itu (qrbatch list) untuk melihat yang masih "
    "aktif",
    "advice.ConflictingRows": "dua baris meminta hal berbeda untuk satu kode QR",
    "advice.ConflictingRows.fix": "sisakan satu baris per kode QR",
    "advice.Unchanged": "pesannya memang sudah ini",
    "advice.Unchanged.fix": "tidak perlu apa-apa",
    "advice.OutcomeUnknown": "proses berhenti saat panggilan ini sedang berjalan",
    "advice.OutcomeUnknown.fix": "jalankan ulang: qrbatch memeriksa dulu sebelum mengirim lagi",
    "advice.cams": "jawaban galat dari CAMS",
    "advice.cams.fix": "lihat ErrorMessage; menjalankan ulang mencoba lagi baris yang gagal",
    "advice.not_sent": "tidak dikirim: proses berhenti sebelum baris ini; jalankan ulang untuk "
    "mengirimnya",
    "advice.in_flight": "proses berhenti saat panggilan ini sedang berjalan; jalankan ulang "
    "untuk memastikannya",
    "advice.unknown": "proses berhenti sebelum layanan memastikan apakah kode ini dibuat "
    "(gagal atau waktu habis); jalankan ulang: kode nomor ini diperiksa dulu dan hanya "
    "dikirim lagi jika belum ada",
}
