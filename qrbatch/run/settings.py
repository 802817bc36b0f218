"""Job settings: one frozen, keyword-only object; TOML job files; the environment is
read at the edge (``resolve_endpoint``; ``resolve_language`` when a Job is made without
a language) and nowhere else.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, get_type_hints

from qrbatch.cams.models import DEFAULT_ENDPOINT, DEFAULT_TIMEOUT
from qrbatch.engine.pacing import DEFAULT_QPS as DEFAULT_QPS  # the public default
from qrbatch.errors import ConfigError
from qrbatch.outputs.images import (
    DEFAULT_DPI,
    DEFAULT_IMAGE_MM,
    DEFAULT_NAME_TEMPLATE,
    ImageOptions,
)
from qrbatch.outputs.printing.options import ZIP_NAME_TEMPLATE, PrintOptions
from qrbatch.words import LANGUAGES, default_language, say

SANDBOX = "sandbox"
ENV_ENDPOINT = "QRBATCH_ENDPOINT"
DEFAULT_IMAGE_TYPE = "PNG"
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_OUTAGE_FAILURES = 20  # (the run's outage watch: qrbatch.run.outage)
DEFAULT_OUTAGE_SECONDS = 60.0
DEFAULT_REGISTRY_WAIT = 60.0  # (qrbatch.engine.registry_redis.DEFAULT_WAIT)
DEFAULT_SETTLE_SECONDS = 60.0  # an upload or a copy into a drop folder is done by then
SANDBOX_BANNER = "SANDBOX: simulated codes, they do not work on WhatsApp"


# The settings by concern. Each option (a flag, a job-file key, a keyword argument of the
# Python API) is declared once, in the group it belongs to; ``Job`` is all four. A stage
# that needs one concern takes that group's type (``connect`` a ``ConnectionSettings``),
# so the type checker keeps it from reading the others.


@dataclass(frozen=True, kw_only=True)
class InputSettings:
    """What to read, and how: the sheet, its columns and what a cell means."""

    input: Path
    sheet: str | None = None
    header_row: int | None = None
    phone_column: str | None = None
    message_column: str | None = None
    country_column: str | None = None
    default_region: str | None = None
    encoding: str | None = None
    settle_seconds: float = DEFAULT_SETTLE_SECONDS  # a drop file this fresh waits a run
    image_type: str = DEFAULT_IMAGE_TYPE
    cust_space_id: str = ""

    def _check_input(self) -> None:
        if self.image_type.upper() not in ("PNG", "SVG"):
            raise ConfigError.of("job.image_type", value=self.image_type)
        if self.header_row is not None and self.header_row < 1:
            raise ConfigError.of("job.header_row", value=self.header_row)
        object.__setattr__(self, "image_type", self.image_type.upper())


@dataclass(frozen=True, kw_only=True)
class ConnectionSettings:
    """Where the calls go, as whom, how fast, and how patiently."""

    endpoint: str | None = None
    qps: float = DEFAULT_QPS
    timeout: float = DEFAULT_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    concurrency: int | None = None
    always_create: bool = False  # a new code even when a live one has the same message
    outage_failures: int = DEFAULT_OUTAGE_FAILURES  # in a row, of any call: stop, exit 69
    outage_seconds: float = DEFAULT_OUTAGE_SECONDS  # with failures and no call accepted
    profile: str | None = None
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    # The account registry: local (this host), off, or a Redis URL shared by many hosts;
    # None: $QRBATCH_REGISTRY, else local. Out of repr: a URL may hold a password.
    registry: str | None = field(default=None, repr=False)
    registry_wait: float = DEFAULT_REGISTRY_WAIT  # s without Redis before Creates stop

    @property
    def is_sandbox(self) -> bool:
        return self.endpoint == SANDBOX

    def _check_connection(self) -> None:
        if self.qps <= 0 or self.qps > 100_000:
            raise ConfigError.of("job.qps", value=f"{self.qps:g}")
        if self.timeout <= 0:
            raise ConfigError.of("job.timeout", value=self.timeout)
        if self.max_attempts < 1:
            raise ConfigError.of("job.max_attempts", value=self.max_attempts)
        if self.outage_failures < 1 or not self.outage_seconds > 0:
            raise ConfigError.of(
                "job.outage", failures=self.outage_failures, seconds=f"{self.outage_seconds:g}"
            )
        if not self.registry_wait > 0:
            raise ConfigError(f"registry wait must be more than 0, got {self.registry_wait:g}")
        if self.registry is not None:
            from qrbatch.engine.registries import registry_setting

            registry_setting(self.registry, {})  # local, off or a Redis URL (ConfigError)


@dataclass(frozen=True, kw_only=True)
class OutputSettings:
    """Where the results and the journal go, and what a run leaves beside them."""

    output: Path | None = None
    state_dir: Path | None = None
    fresh: bool = False
    wait: bool = False
    progress: bool = True
    images: bool = True
    image_files: bool = True  # False: no <output stem>_qr folder (the QR column stays)
    move_processed: bool = False
    metrics_file: Path | None = None  # Prometheus text, for node_exporter's textfile collector
    # The words of the results workbook (and of the run's messages): en or id; None takes
    # $QRBATCH_LANGUAGE, else the locale (id_ID... -> id), else en (resolve_language)
    language: str | None = None
    # The input and the results as the Summary names them, when not the paths themselves
    # (the page: the uploaded file's name and the download's, never its own folders)
    input_name: str | None = None
    output_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class PrintSettings:
    """The PDF of labelled codes, the ZIP for the print shop, and the image files."""

    pdf: bool = False
    zip: bool = False
    label_column: str | None = None
    pdf_layout: str = "cards"
    pdf_paper: str | None = None
    pdf_size: float | None = None
    # A line printed with every code ("Scan to chat with us"); True: the catalogue's, in
    # the run's language
    pdf_note: str | bool = ""
    image_format: str | None = None
    image_size: float = DEFAULT_IMAGE_MM
    image_dpi: int = DEFAULT_DPI
    image_names: str | None = None


@dataclass(frozen=True, kw_only=True)
class Job(InputSettings, ConnectionSettings, OutputSettings, PrintSettings):
    """Everything one ``qrbatch run`` needs: the four groups of settings in one frozen,
    keyword-only object; each field is a flag and a job-file key."""

    def __post_init__(self) -> None:
        # Paths may come as text (a notebook, a job file): keep them as Path.
        for name in ("input", "output", "state_dir", "metrics_file"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, Path(value))
            elif value is not None and not isinstance(value, Path):
                raise ConfigError.of("job.not_a_path", setting=name, type=type(value).__name__)
        for name in ("qps", "timeout", "pdf_size", "image_size", "settle_seconds"):
            value = getattr(self, name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError.of("job.not_a_number", setting=name, value=value)
        if self.settle_seconds < 0:
            raise ConfigError.of("job.settle_seconds", value=f"{self.settle_seconds:g}")
        self._check_connection()
        self._check_input()
        object.__setattr__(self, "language", resolve_language(self.language))
        self.print_options()  # a bad layout, paper, size or template: exit 2, before any call

    @property
    def output_path(self) -> Path:
        """``-o``, or ``<input stem>.results.xlsx`` beside the input."""
        if self.output is not None:
            return self.output
        return self.input.with_name(f"{self.input.stem}.results.xlsx")

    def with_output_filled(self, now: datetime | None = None) -> Job:
        """This job with ``{date}``, ``{time}`` and ``{input_stem}`` filled in, once."""
        if self.output is None:
            return self
        return dataclasses.replace(self, output=expand_output(self.output, self.input, now))

    def image_options(self, *, for_zip: bool = False) -> ImageOptions:
        """The image files' format, size and names (the images folder, or the ZIP's)."""
        template = self.image_names or (ZIP_NAME_TEMPLATE if for_zip else DEFAULT_NAME_TEMPLATE)
        return ImageOptions(
            format=(self.image_format or "png").lower(),  # type: ignore[arg-type]
            size_mm=self.image_size,
            dpi=self.image_dpi,
            name_template=template,
        )

    def print_options(self) -> PrintOptions:
        """The PDF's layout and the ZIP's images, checked (ConfigError) when the job is made."""
        return PrintOptions(
            layout=self.pdf_layout,  # type: ignore[arg-type]
            paper=self.pdf_paper,
            size_mm=self.pdf_size,
            note=say("workbook.print.note", language=self.language)
            if self.pdf_note is True
            else str(self.pdf_note or ""),
            label_column=self.label_column,
            title=Path(self.output_name or self.output_path).stem,  # the page: its download
            banner=say("workbook.print.sandbox_banner", language=self.language)
            if self.is_sandbox
            else "",
            image=self.image_options(for_zip=True),
            language=self.language or "en",
        )

    @property
    def pdf_path(self) -> Path:
        """``<output stem>.pdf`` beside the workbook."""
        return self.output_path.with_suffix(".pdf")

    @property
    def zip_path(self) -> Path:
        """``<output stem>.zip`` beside the workbook."""
        return self.output_path.with_suffix(".zip")

    @property
    def images_path(self) -> Path:
        """``<output stem>_qr/`` beside the output."""
        output = self.output_path
        return output.with_name(f"{output.stem}_qr")

    @property
    def journal_path(self) -> Path:
        """``<output stem>.qrbatch.db`` beside the output, or in ``state_dir``."""
        output = self.output_path
        folder = self.state_dir or output.parent
        return folder / f"{output.stem}.qrbatch.db"


def expand_output(template: Path, source: Path, now: datetime | None = None) -> Path:
    """Fill ``{date}`` (YYYY-MM-DD), ``{time}`` (HHMMSS) and ``{input_stem}`` in a path."""
    text = str(template)
    if "{" not in text:
        return template
    moment = now or datetime.now()
    try:
        return Path(
            text.format(
                date=moment.strftime("%Y-%m-%d"),
                time=moment.strftime("%H%M%S"),
                input_stem=source.stem,
            )
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError.of("job.output_placeholder", text=text, placeholder=exc) from None


def resolve_endpoint(flag: str | None, env: Mapping[str, str] | None = None) -> str:
    """Flag, then QRBATCH_ENDPOINT, then the documented CAMS endpoint."""
    env = os.environ if env is None else env
    value = flag or env.get(ENV_ENDPOINT) or DEFAULT_ENDPOINT
    if value != SANDBOX and not value.startswith(("http://", "https://")):
        raise ConfigError.of("job.endpoint", value=value)
    return value.rstrip("/")


def resolve_language(given: str | None, env: Mapping[str, str] | None = None) -> str:
    """The language given (``en`` or ``id``), else ``$QRBATCH_LANGUAGE``, else the
    locale's, else English; a language qrbatch does not speak is a ConfigError."""
    if given is not None:
        chosen = given.strip().lower() if isinstance(given, str) else given
        if chosen not in LANGUAGES:
            raise ConfigError.of("job.language", value=given)
        return str(chosen)
    chosen = default_language(env)
    if chosen not in LANGUAGES:
        raise ConfigError.of("job.language_env", value=chosen)
    return chosen


_FIELDS = {f.name: f for f in dataclasses.fields(Job)}
_TYPES = get_type_hints(Job)
_FILE_KEYS = {name.replace("_", "-"): name for name in _FIELDS} | {name: name for name in _FIELDS}


def _convert(key: str, name: str, value: Any, base: Path, source: Path) -> Any:
    kind = _TYPES[name]
    words = str(kind)
    allowed = (
        "a path (text)"
        if "Path" in words
        else "true or false"
        if words == "bool" or kind is bool
        else "a number"
        if "float" in words
        else "a whole number"
        if "int" in words
        else "text"
    )
    shown = "the secret" if name in ("access_key_secret", "registry") else repr(value)
    text = f"{source}: key {key!r} must be {allowed}, got {shown}"
    if name == "pdf_note" and isinstance(value, bool):  # true: the note in the run's language
        return value
    if "Path" in str(kind):
        if not isinstance(value, str):
            raise ConfigError(text)
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(os.path.normpath(base / path))
    if kind is bool or str(kind) == "bool":
        if not isinstance(value, bool):
            raise ConfigError(text)
        return value
    if "float" in str(kind):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(text)
        return float(value)
    if "int" in str(kind):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(text)
        return value
    if not isinstance(value, str):
        raise ConfigError(text)
    return value


def _closest(key: str) -> str:
    """``; did you mean 'qps'?`` for a near miss, else nothing."""
    names = ["job", *sorted({n.replace("_", "-") for n in _FIELDS})]
    found = difflib.get_close_matches(key.replace("_", "-").lower(), names, n=1, cutoff=0.6)
    shown = f"[{found[0]}]" if found and found[0] == "job" else repr(found[0]) if found else ""
    return f" (did you mean {shown}?)" if shown else ""


def load_job_file(path: Path) -> dict[str, Any]:
    """Read a TOML job file into Job keyword arguments (paths relative to the file)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such job file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML job file ({exc})") from None
    section = data.get("job", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [job] must be a table")
    if "job" in data:  # beside [job], nothing: a misspelt table would be ignored silently
        for other in data:
            if other != "job" and other in _FILE_KEYS:
                raise ConfigError(f"{path}: {other!r} must be inside the [job] table")
            if other != "job":
                kind = "table" if isinstance(data[other], dict) else "key"
                raise ConfigError(
                    f"{path}: unknown {kind} {other!r} outside [job]{_closest(other)}; "
                    "every setting belongs in the one [job] table"
                )
    settings: dict[str, Any] = {}
    for key, value in section.items():
        name = _FILE_KEYS.get(key)
        if name is None:
            kind = "table" if isinstance(value, dict) else "key"
            allowed = ", ".join(sorted(n.replace("_", "-") for n in _FIELDS))
            raise ConfigError(
                f"{path}: unknown {kind} {key!r}{_closest(key)}. Allowed keys: {allowed}"
            )
        settings[name] = _convert(key, name, value, path.parent, path)
    if "input" not in settings:
        raise ConfigError(f"{path}: the job file needs an 'input' key (the sheet to read)")
    if "access_key_secret" in settings:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"{path}: holds an AccessKey secret but other users can read it "
                f"(mode {stat.filemode(mode)}). Run: chmod 600 {path}"
            )
        if "access_key_id" not in settings:
            raise ConfigError(f"{path}: access-key-secret needs access-key-id beside it")
    return settings


def build_job(settings: Mapping[str, Any], overrides: Mapping[str, Any]) -> Job:
    """A Job from job-file settings with command-line overrides (None means not given)."""
    merged = dict(settings)
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Job(**merged)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
