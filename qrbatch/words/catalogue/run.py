"""Run: where the results go, and whose journal it is (``run/plan.py``,
``run/validation.py``, ``run/connect.py``)."""

from __future__ import annotations

EN: dict[str, str] = {
    "run.read": "read {file}{sheet}: {how}; columns: {columns}",
    "run.read_sheet": ", sheet {name!r}",
    "run.output_is_input": "{file}: the output would overwrite the input; give it another "
    "file name: {fix:output}",
    "run.output_is_folder": "{file}: is a folder; give the output a file name (.xlsx or "
    ".csv): {fix:output}",
    "run.output_suffix": "{file}: the output must end in .xlsx or .csv",
    "run.output_folder": "{folder}: cannot write there; choose a folder you can write: "
    "{fix:output}",
    "run.output_read_only": "{file}: cannot be replaced (read-only); choose another file "
    "name: {fix:output}",
    "run.output_real": "{file} holds the results of a real run; a sandbox run never replaces "
    "them. Choose another file name for the sandbox run: {fix:output}.",
    "run.valid_not_sent": "valid; not sent (validate only)",
    "run.print_not_written": "{file}: could not be written ({reason}). The results workbook "
    "is written; make the PDF or ZIP again with: qrbatch pdf {output}",
    "run.results_not_written": "{file}: could not be written ({reason}); the journal "
    "{journal} keeps every outcome. Once there is room, rerun the same command: it writes "
    "the results without calling the service again.",
    "run.results_not_written_no_journal": "{file}: could not be written ({reason}); the "
    "service keeps every outcome. Once there is room, rerun the same command: it writes the "
    "results without calling the service again.",
    "run.stopped": "{code}: {message}. To fix: {advice} (the key used: {key})",
    "run.unavailable": "the service kept failing: the run stopped sending early; every row "
    "not sent is pending and the next run resumes",
    "run.journal_of_other_input": "{output} and its journal belong to {recorded}, not "
    "{input}: give {input} another output name ({fix:output}), or {fix:fresh} if it is "
    "{recorded} renamed",
}

ID: dict[str, str] = {
    "run.read": "dibaca {file}{sheet}: {how}; kolom: {columns}",
    "run.read_sheet": ", lembar kerja {name!r}",
    "run.output_is_input": "{file}: hasilnya akan menimpa berkas masukan; beri nama berkas "
    "lain: {fix:output}",
    "run.output_is_folder": "{file}: ini folder; beri berkas hasil sebuah nama berkas (.xlsx "
    "atau .csv): {fix:output}",
    "run.output_suffix": "{file}: berkas hasil harus berakhiran .xlsx atau .csv",
    "run.output_folder": "{folder}: tidak bisa menulis di sana; pilih folder yang bisa Anda "
    "tulisi: {fix:output}",
    "run.output_read_only": "{file}: tidak bisa diganti (hanya-baca); pilih nama berkas lain: "
    "{fix:output}",
    "run.output_real": "{file} berisi hasil proses sungguhan; proses sandbox tidak pernah "
    "menggantinya. Pilih nama berkas lain untuk proses sandbox: {fix:output}.",
    "run.valid_not_sent": "valid; tidak dikirim (hanya pemeriksaan)",
    "run.print_not_written": "{file}: tidak bisa ditulis ({reason}). Workbook hasil sudah "
    "ditulis; buat lagi PDF atau ZIP-nya dengan: qrbatch pdf {output}",
    "run.results_not_written": "{file}: tidak bisa ditulis ({reason}); jurnal {journal} "
    "menyimpan setiap hasil. Setelah ada ruang, jalankan ulang perintah yang sama: hasilnya "
    "ditulis tanpa memanggil layanan lagi.",
    "run.results_not_written_no_journal": "{file}: tidak bisa ditulis ({reason}); layanan "
    "menyimpan setiap hasil. Setelah ada ruang, jalankan ulang perintah yang sama: hasilnya "
    "ditulis tanpa memanggil layanan lagi.",
    "run.stopped": "{code}: {message}. Cara memperbaiki: {advice} (kunci yang dipakai: {key})",
    "run.unavailable": "layanan terus gagal: proses berhenti mengirim lebih awal; setiap "
    "baris yang belum terkirim tetap menunggu dan proses berikutnya melanjutkannya",
    "run.journal_of_other_input": "{output} dan jurnalnya milik {recorded}, bukan {input}: "
    "beri {input} nama berkas hasil lain ({fix:output}), atau {fix:fresh} jika itu "
    "{recorded} yang diganti namanya",
}
