"""The settings a message may tell a person to change, in each audience's words.

One row per setting: its command-line flag, its Python parameter (the DataFrame API's
name, ``create_codes(phone=...)``, where it has one; else the ``Job`` field of the file
API, ``Job(sheet=...)``), and what to do on the page, in English and Indonesian. A
message writes ``{fix:phone_column}`` (or ``{fix:phone_column={name!r}}`` with a value)
and never the flag itself, so a page or a Python error cannot name a flag.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Setting:
    """How each audience changes one setting. ``page`` maps a language to the action
    without a value and the action with ``{value}``."""

    flag: str
    metavar: str  # what the flag takes ("" for a switch: --wait)
    python: str
    python_value: str  # shown when the message gives no value: "NAME", True
    page: dict[str, tuple[str, str]] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)  # its name on the page
    text: bool = True  # a value is text (quoted when shown), not a number
    cli: dict[str, str] = field(default_factory=dict)  # the CLI's own words, if not a flag

    def name(self, audience: str, language: str) -> str:
        """The setting's own name: "--sheet", "sheet", "Sheet" ("Lembar kerja")."""
        if audience == "cli":
            return self.flag
        if audience == "page":
            return self.label.get(language) or self.label["en"]
        return self.python

    def words(self, audience: str, language: str, value: str | None) -> str:
        """The action, starting with its verb: "pass --sheet NAME", 'pass sheet="NAME"',
        "choose the sheet". A value given is quoted as the audience writes it (shell
        quoting, a Python string), unless the setting takes a number."""
        if audience == "page":
            plain, given = self.page.get(language) or self.page["en"]
            return (
                plain if value is None else given.format(value=repr(value) if self.text else value)
            )
        if audience == "cli" and self.cli:
            return self.cli.get(language) or self.cli["en"]
        verb = VERBS.get(language, VERBS["en"])
        if audience == "cli":
            if not self.metavar:
                return f"{verb} {self.flag}"
            shown = self.metavar if value is None else shlex.quote(value) if self.text else value
            return f"{verb} {self.flag} {shown}"
        if value is None:
            return f"{verb} {self.python}={self.python_value}"
        return f"{verb} {self.python}={repr(value) if self.text else value}"


VERBS = {"en": "pass", "id": "tambahkan"}  # before a flag or a parameter


def _one(en: str, id_: str) -> dict[str, tuple[str, str]]:
    """The page's action when a value would not change it."""
    return {"en": (en, en), "id": (id_, id_)}


def _column(flag: str, python: str, en: str, id_: str) -> Setting:
    """A column setting; ``en``/``id_``: the label of its select on the page, exactly."""
    return Setting(
        flag,
        "NAME",
        python,
        '"NAME"',
        {
            "en": (f"choose the {en}", f"choose {{value}} as the {en}"),
            "id": (f"pilih {id_}", f"pilih {{value}} sebagai {id_}"),
        },
        {"en": en, "id": id_},
    )


# A setting only whoever runs ``qrbatch serve`` can change
_SERVER = _one(
    "ask whoever runs qrbatch serve to change its settings",
    "minta pengelola qrbatch serve mengubah pengaturannya",
)

SETTINGS: dict[str, Setting] = {
    # the labels of the page's selects (page.columns.*, page.options.label_column)
    "phone_column": _column("--phone-column", "phone", "Phone column", "Kolom telepon"),
    "message_column": _column("--message-column", "message", "Message column", "Kolom pesan"),
    "label_column": _column("--label-column", "label", "Label column", "Kolom label"),
    "country_column": _column("--country-column", "country", "Country column", "Kolom negara"),
    "default_region": Setting(
        "--default-region",
        "CC",
        "default_region",
        '"CC"',
        {
            "en": (
                "choose the Default region",
                "choose {value} as the Default region",
            ),
            "id": (
                "pilih Negara bawaan",
                "pilih {value} sebagai Negara bawaan",
            ),
        },
        label={"en": "Default region", "id": "Negara bawaan"},
    ),
    "endpoint": Setting(
        "--endpoint",
        "URL",
        "endpoint",
        '"URL"',
        {
            # The page shows its service but cannot change it: whoever started it can
            "en": (
                "ask whoever runs qrbatch serve to change its service",
                "ask whoever runs qrbatch serve to start it with the service {value}",
            ),
            "id": (
                "minta pengelola qrbatch serve mengganti layanannya",
                "minta pengelola qrbatch serve menjalankannya dengan layanan {value}",
            ),
        },
        label={"en": "Service", "id": "Layanan"},
    ),
    "image_type": Setting(
        "--image-type",
        "PNG|SVG",
        "image_type",
        '"PNG"',
        {
            "en": ("choose the Image type (PNG or SVG)", "choose {value} as the Image type"),
            "id": ("pilih Jenis gambar (PNG atau SVG)", "pilih {value} sebagai Jenis gambar"),
        },
        label={"en": "Image type", "id": "Jenis gambar"},
    ),
    "cust_space_id": Setting(
        "--cust-space-id",
        "ID",
        "cust_space_id",
        '"ID"',
        {
            "en": ("set the account's space ID", "set the space ID {value}"),
            "id": ("isi ID space akun", "isi ID space {value}"),
        },
        label={"en": "Space ID", "id": "ID space"},
    ),
    "qps": Setting(
        "--qps",
        "N",
        "qps",
        "N",
        {
            "en": ("ask whoever runs qrbatch serve to lower the rate", "lower the rate to {value}"),
            "id": (
                "minta pengelola qrbatch serve menurunkan kecepatan",
                "turunkan kecepatan ke {value}",
            ),
        },
        label={"en": "Rate", "id": "Kecepatan"},
        text=False,
    ),
    "output": Setting(
        "-o",
        "FILE",
        "output",
        '"FILE"',
        {
            "en": ("upload the sheet again as a new run", "upload the sheet again as a new run"),
            "id": (
                "unggah lembar itu lagi sebagai proses baru",
                "unggah lembar itu lagi sebagai proses baru",
            ),
        },
        label={"en": "Results file", "id": "Berkas hasil"},
    ),
    "state_dir": Setting(
        "--state-dir",
        "DIR",
        "state_dir",
        '"DIR"',
        {
            "en": (
                "ask whoever runs qrbatch serve to give it a folder it can write",
                "ask whoever runs qrbatch serve to use the folder {value}",
            ),
            "id": (
                "minta pengelola qrbatch serve memberinya folder yang bisa ditulisi",
                "minta pengelola qrbatch serve memakai folder {value}",
            ),
        },
        label={"en": "State folder", "id": "Folder status"},
    ),
    "fresh": Setting(
        "--fresh",
        "",
        "fresh",
        "True",
        _one("upload the sheet again as a new run", "unggah lembar itu lagi sebagai proses baru"),
        label={"en": "Start over", "id": "Mulai dari awal"},
    ),
    "wait": Setting(
        "--wait",
        "",
        "wait",
        "True",
        _one("try again when the other run has ended", "coba lagi setelah proses lain itu selesai"),
        label={"en": "Wait", "id": "Tunggu"},
    ),
    "sheet": Setting(
        "--sheet",
        "NAME",
        "sheet",
        '"NAME"',
        {
            "en": ("choose the sheet", "choose the sheet {value}"),
            "id": ("pilih lembar kerjanya", "pilih lembar kerja {value}"),
        },
        label={"en": "Sheet", "id": "Lembar kerja"},
    ),
    "header_row": Setting(
        "--header-row",
        "N",
        "header_row",
        "N",
        {
            "en": (
                "put the column names in the first row",
                "put the column names in row {value}",
            ),
            "id": ("taruh nama kolom di baris pertama", "taruh nama kolom di baris {value}"),
        },
        label={"en": "Header row", "id": "Baris judul"},
        text=False,
    ),
    "encoding": Setting(
        "--encoding",
        "NAME",
        "encoding",
        '"NAME"',
        _one(
            "export it again from the app that made it",
            "ekspor ulang dari aplikasi yang membuatnya",
        ),
        label={"en": "Encoding", "id": "Encoding"},
    ),
    "credentials": Setting(
        "--profile",
        "NAME",
        "credentials",
        "qrbatch.Credentials(...)",
        _one("enter the AccessKey in the Account panel", "isi AccessKey di panel Akun"),
        label={"en": "AccessKey", "id": "AccessKey"},
    ),
    "access_key": Setting(
        "",
        "",
        "credentials",
        "qrbatch.Credentials(...)",
        _one("enter the AccessKey in the Account panel", "isi AccessKey di panel Akun"),
        label={"en": "AccessKey", "id": "AccessKey"},
        cli={
            "en": "set them, e.g. export ALIBABA_CLOUD_ACCESS_KEY_ID=... "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET=...",
            "id": "isi keduanya, mis. export ALIBABA_CLOUD_ACCESS_KEY_ID=... "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET=...",
        },
    ),
    "timeout": Setting(
        "--timeout",
        "SECONDS",
        "timeout",
        "SECONDS",
        _SERVER,
        label={"en": "Timeout", "id": "Batas waktu"},
        text=False,
    ),
    "max_attempts": Setting(
        "--max-attempts",
        "N",
        "max_attempts",
        "N",
        _SERVER,
        label={"en": "Attempts", "id": "Jumlah percobaan"},
        text=False,
    ),
    "outage_failures": Setting(
        "--outage-failures",
        "N",
        "outage_failures",
        "N",
        _SERVER,
        label={"en": "Outage failures", "id": "Batas gagal beruntun"},
        text=False,
    ),
    "outage_seconds": Setting(
        "--outage-seconds",
        "SECONDS",
        "outage_seconds",
        "SECONDS",
        _SERVER,
        label={"en": "Outage seconds", "id": "Batas detik gangguan"},
        text=False,
    ),
    "settle_seconds": Setting(
        "--settle-seconds",
        "SECONDS",
        "settle_seconds",
        "SECONDS",
        _SERVER,
        label={"en": "Settle seconds", "id": "Detik tunggu berkas"},
        text=False,
    ),
    "image_format": Setting(
        "--image-format",
        "png|svg",
        "image_format",
        '"png"',
        _SERVER,
        label={"en": "Image format", "id": "Format gambar"},
    ),
    "image_size": Setting(
        "--image-size",
        "MM",
        "image_size",
        "MM",
        _SERVER,
        label={"en": "Image size", "id": "Ukuran gambar"},
        text=False,
    ),
    "image_dpi": Setting(
        "--image-dpi",
        "DPI",
        "image_dpi",
        "DPI",
        _SERVER,
        label={"en": "Image resolution", "id": "Resolusi gambar"},
        text=False,
    ),
    "image_names": Setting(
        "--image-names",
        "TEMPLATE",
        "image_names",
        '"TEMPLATE"',
        _SERVER,
        label={"en": "Image file names", "id": "Nama berkas gambar"},
    ),
    # where the key is read from: the command line names the variable, Python the
    # credentials= parameter, the page its Account panel
    "access_key_id": Setting(
        "ALIBABA_CLOUD_ACCESS_KEY_ID (or the profile)",
        "",
        "ALIBABA_CLOUD_ACCESS_KEY_ID (or credentials=)",
        "",
        _one("enter the AccessKey in the Account panel", "isi AccessKey di panel Akun"),
        label={"en": "the AccessKey ID", "id": "AccessKey ID"},
    ),
    "access_key_secret": Setting(
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET, the profile or the credentials file",
        "",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET (or credentials=)",
        "",
        _one("enter the AccessKey in the Account panel", "isi AccessKey di panel Akun"),
        label={"en": "the AccessKey Secret", "id": "AccessKey Secret"},
    ),
    "security_token": Setting(
        "ALIBABA_CLOUD_SECURITY_TOKEN (or the profile's sts_token)",
        "",
        "ALIBABA_CLOUD_SECURITY_TOKEN (or credentials=)",
        "",
        _one("enter the AccessKey in the Account panel", "isi AccessKey di panel Akun"),
        label={"en": "the STS token", "id": "token STS"},
    ),
    "language": Setting(
        "--language",
        "en|id",
        "language",
        '"id"',
        {
            "en": ("choose the language at the top of the page", "choose the language {value}"),
            "id": ("pilih bahasa di bagian atas halaman", "pilih bahasa {value}"),
        },
        label={"en": "Language", "id": "Bahasa"},
    ),
    "yes": Setting(
        "--yes",
        "",
        "yes",
        "True",
        _one("confirm on the page", "konfirmasi di halaman ini"),
        label={"en": "Confirm", "id": "Konfirmasi"},
    ),
}


def name(setting: str, audience: str, language: str) -> str:
    """The name of ``setting`` for ``audience`` in ``language`` (a setting not in the
    table: its flag's spelling on the CLI, its own name elsewhere)."""
    known = SETTINGS.get(setting)
    if known is not None:
        return known.name(audience, language)
    return "--" + setting.replace("_", "-") if audience == "cli" else setting


def fix(setting: str, audience: str, language: str, value: str | None) -> str:
    """The action that changes ``setting``, for ``audience`` in ``language``."""
    known = SETTINGS.get(setting)
    if known is None:  # a typo in the catalogue: tests/test_words.py catches it
        return setting
    return known.words(audience, language, value)
