"""The run's log lines (``run/logs.py``, ``run/connect.py``): what a person reads on the
terminal or in a cron mail while a run goes, in the run's language. JSON logs carry the
same facts as fields, whatever the language."""

from __future__ import annotations

EN: dict[str, str] = {
    "log.run_start": "{action}: {rows:n} rows, {unique:n} unique requests, endpoint "
    "{endpoint}, at most {qps} calls/s",
    "log.credentials": "; credentials: {credentials}",
    "log.numbers": "the account has {count:n} WhatsApp numbers",
    "log.numbers_space": "the account has {count:n} WhatsApp numbers in space {space}",
    "log.throttled": "throttled by the server: {rate} -> {new_rate} calls/s",
    "log.retry": "retrying in {wait} s after {error}",
    "log.account_stop": "stopping the run: {message}. To fix: {advice}",
    "log.interrupted_now": "stopping at once; calls in flight are settled on the rerun",
    "log.interrupted": "{signal}: stopping after the calls in flight (again to stop at "
    "once); the journal keeps every outcome and a rerun resumes",
    "log.sandbox": "sandbox: serving a simulated CAMS at {url}",
}

ID: dict[str, str] = {
    "log.run_start": "{action}: {rows:n} baris, {unique:n} permintaan unik, endpoint "
    "{endpoint}, paling banyak {qps} panggilan/detik",
    "log.credentials": "; kredensial: {credentials}",
    "log.numbers": "akun ini punya {count:n} nomor WhatsApp",
    "log.numbers_space": "akun ini punya {count:n} nomor WhatsApp di space {space}",
    "log.throttled": "diperlambat oleh server: {rate} -> {new_rate} panggilan/detik",
    "log.retry": "mencoba lagi dalam {wait} detik setelah {error}",
    "log.account_stop": "proses dihentikan: {message}. Cara memperbaiki: {advice}",
    "log.interrupted_now": "berhenti sekarang; panggilan yang sedang berjalan diselesaikan "
    "saat proses diulang",
    "log.interrupted": "{signal}: berhenti setelah panggilan yang sedang berjalan (tekan "
    "lagi untuk berhenti sekarang); jurnal menyimpan setiap hasil dan proses ulang "
    "melanjutkan",
    "log.sandbox": "sandbox: CAMS simulasi berjalan di {url}",
}
