"""What to print (``PrintItem``) and how (``PrintOptions``), plus the paper and label
sheets each layout knows.

Sizes are millimetres throughout: people measure labels and table tents with a ruler,
and sticker sheets are sold by their label size in mm (Avery L7160: 63.5 x 38.1 mm).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from qrbatch.errors import ConfigError
from qrbatch.outputs.images import ImageOptions
from qrbatch.outputs.results import LIVE_STATUSES

Layout = Literal["cards", "labels", "poster"]
LAYOUTS: tuple[Layout, ...] = ("cards", "labels", "poster")
PRINTABLE_STATUSES = LIVE_STATUSES
MIN_MODULE_MM = 0.5  # below this, phone cameras start to miss codes printed on paper
# Error correction is raised only while modules stay this big: measured with the camera
# simulation of bench/print_scan_bench.py, 0.52 mm modules (level Q on a 5160 label) read
# 19 times in 60 at 150 dpi and never at 125 dpi; 0.69 mm ones (level M) read every time.
PREFERRED_MODULE_MM = 0.65
DEFAULT_MESSAGE_CHARS = 60
MAX_NOTE_CHARS = 200
# In the ZIP, files are named for the people who print them: the store (or number) first.
ZIP_NAME_TEMPLATE = "{label}_{code}"

# Paper sizes, portrait, in mm.
PAPERS: dict[str, tuple[float, float]] = {
    "a6": (105.0, 148.0),
    "a5": (148.0, 210.0),
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
}


# Page margins and the room each caption takes below its code, in mm.
MARGIN: dict[Layout, float] = {"cards": 8.0, "labels": 2.0, "poster": 15.0}
TEXT_ROOM: dict[Layout, float] = {"cards": 34.0, "labels": 14.0, "poster": 60.0}


@dataclass(frozen=True, slots=True)
class LabelSheet:
    """A sticker sheet: a grid of equal labels at fixed positions on the page (mm)."""

    paper: str
    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def stacked(self) -> bool:
        """Caption below the code (square-ish labels) rather than beside it (wide ones)."""
        return self.height > self.width * 0.8


LABEL_SHEETS: dict[str, LabelSheet] = {
    # Avery L7160 and compatibles: 21 labels of 63.5 x 38.1 mm on A4.
    "a4-3x7": LabelSheet("a4", 3, 7, 63.5, 38.1, 7.2, 15.15, 66.0, 38.1),
    # Avery 5160 and compatibles: 30 labels of 2 5/8 x 1 in on US Letter.
    "letter-3x10": LabelSheet("letter", 3, 10, 66.675, 25.4, 4.7625, 12.7, 69.85, 25.4),
    # 12 square-ish labels on A4 (63.5 x 72 mm, e.g. for jars, shelves, counters).
    "a4-3x4": LabelSheet("a4", 3, 4, 63.5, 72.0, 7.2, 4.5, 66.0, 72.0),
    # 12 square-ish labels on US Letter (2 5/8 x 2 5/8 in).
    "letter-3x4": LabelSheet("letter", 3, 4, 66.675, 66.675, 4.7625, 6.35, 69.85, 66.675),
}
DEFAULT_PAPER: dict[Layout, str] = {"cards": "a6", "labels": "a4-3x7", "poster": "a4"}
CARD_PAPERS = ("a6", "a5")
POSTER_PAPERS = ("a4", "a3", "letter")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintItem:
    """One printable code: what is drawn and what its caption says."""

    row: int
    """The row's number in its sheet: the input sheet's in a run, the Results sheet's
    when read back from a workbook (the same when the header is in row 1)."""
    label: str
    phone: str
    message: str
    code: str
    deep_link: str
    columns: Mapping[str, str] = field(default_factory=dict)
    """Every input cell of the row by header, for file name templates."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintOptions:
    """How codes are printed and bundled.

    ``layout``: ``cards`` (one code per A6/A5 page, for table tents), ``labels`` (a grid
    on a sticker sheet), ``poster`` (one big code per A4/A3/Letter page). ``paper``:
    ``a6``/``a5`` for cards, ``a4-3x7``/``letter-3x10``/``a4-3x4``/``letter-3x4`` for
    labels, ``a4``/``a3``/``letter`` for posters; ``None`` takes the layout's default.
    ``size_mm``: the printed side of each code, quiet zone included; ``None`` takes the
    largest that fits the card, label or page. ``label_column``: the input column whose
    text heads each caption (a store name...); ``None`` uses the phone number.
    ``message_chars``: how much of the message the caption shows. ``note``: a line of
    text printed with every code ("Scan to chat with us"). ``language``: of the words
    qrbatch adds (``en`` or ``id``). ``image``: the PNG/SVG
    files of the ZIP (named ``{label}_{code}`` by default).
    """

    layout: Layout = "cards"
    paper: str | None = None
    size_mm: float | None = None
    label_column: str | None = None
    message_chars: int = DEFAULT_MESSAGE_CHARS
    title: str = "QR codes"
    banner: str = ""  # printed across the top of every page (the sandbox says so)
    note: str = ""  # a line printed with each code: "Scan to chat with us"
    language: str = "en"  # the words qrbatch adds (the ZIP's README.txt, an empty PDF)
    image: ImageOptions = field(
        default_factory=lambda: ImageOptions(name_template=ZIP_NAME_TEMPLATE)
    )

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ConfigError(f"layout {self.layout!r}: use one of {', '.join(LAYOUTS)}")
        allowed = {
            "cards": CARD_PAPERS,
            "labels": tuple(LABEL_SHEETS),
            "poster": POSTER_PAPERS,
        }[self.layout]
        if self.paper_name not in allowed:
            raise ConfigError(
                f"paper {self.paper!r} for {self.layout}: use one of {', '.join(allowed)}"
            )
        if self.size_mm is not None and self.size_mm < 10:
            raise ConfigError(f"code size {self.size_mm:g} mm: at least 10 mm scans from paper")
        if self.size_mm is not None and self.size_mm > self.max_size_mm + 1e-6:
            raise ConfigError(
                f"a {self.size_mm:g} mm code does not fit {self.layout} on {self.paper_name} "
                f"(at most {self.max_size_mm:.0f} mm with its caption)"
            )
        if self.message_chars < 0:
            raise ConfigError("message_chars must be 0 or more")
        if len(self.note) > MAX_NOTE_CHARS:
            raise ConfigError(f"the note has {len(self.note)} characters: at most {MAX_NOTE_CHARS}")

    @property
    def max_size_mm(self) -> float:
        """The largest code (quiet zone included) the card, label or page holds with its
        caption: the default size. On a label the code's quiet zone may reach the label's
        edge (the label is blank there), so a 1-inch label holds a 25.4 mm code."""
        margin, text = MARGIN[self.layout], self.text_room_mm
        if self.layout == "labels":
            sheet = LABEL_SHEETS[self.paper_name]
            if sheet.stacked:
                return min(sheet.width, sheet.height - margin - text)
            return min(sheet.height, sheet.width * 0.5)
        width, height = PAPERS[self.paper_name]
        return min(width - 2 * margin, height - 2 * margin - text)

    @property
    def poster_scale(self) -> float:
        """How much larger a poster's caption is than on A4 (A3: 1.41)."""
        return PAPERS[self.paper_name][0] / PAPERS["a4"][0] if self.layout == "poster" else 1.0

    @property
    def text_room_mm(self) -> float:
        """The height the caption takes below the code."""
        return TEXT_ROOM[self.layout] * self.poster_scale

    @property
    def code_size_mm(self) -> float:
        """The side of each printed code: ``size_mm``, or the largest that fits."""
        return self.size_mm if self.size_mm is not None else self.max_size_mm

    @property
    def paper_name(self) -> str:
        """The paper (or label sheet) name in lower case, the layout default applied."""
        return (self.paper or DEFAULT_PAPER[self.layout]).strip().lower()
