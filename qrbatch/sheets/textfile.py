"""CSV/TSV/TXT files: which encoding, which delimiter, and records as rows of text.

Encoding. A file is never decoded as something it mostly is not:

- a byte-order mark says the encoding; ``--encoding`` forces one (and a byte that does not
  fit it is an error naming the line);
- a file that is valid UTF-8 is UTF-8;
- a file that is UTF-8 except for a few bytes (it holds UTF-8 letters, and fewer bad
  bytes than good letters) is read as UTF-8, and each row holding a bad byte is reported
  (``BadEncoding``) with the bad byte shown as ``\\ufffd``, never sent as mojibake;
- a file with no UTF-8 letter at all is Windows-1252 (Latin-1 for the five bytes cp1252
  leaves undefined), and a note says so;
- anything in between (a few UTF-8 letters among many non-UTF-8 bytes) is refused,
  naming the lines, because either reading would change some rows.

Delimiter. ``csv.Sniffer`` guesses; the guess is kept only if the header is found with
it, else the first of comma, semicolon, tab and pipe that yields the header wins. A text
with many semicolons in its messages cannot then be split on the wrong character.

Records. ``csv.reader`` joins quoted multi-line fields; a spreadsheet shows each record
as one row, so records (not physical lines) are what get numbered. Cells written by
qrbatch's CSV escape (``="…"``) read back as the text they stand for (see ``csvtext``).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qrbatch.errors import InputFileError
from qrbatch.sheets.cells import CellProblem
from qrbatch.sheets.csvtext import unescape_row
from qrbatch.words import said

DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_NOT_UTF8_LETTER = re.compile("[\x00-\x7f\udc80-\udcff]+")
_GOOD_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")
SHOWN_LINES = 8
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell: the results must fit


@dataclass(slots=True)
class DecodedText:
    """A text file's characters, the encoding used, and what the log should be told."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)
    has_bad_bytes: bool = False


def detect_encoding(raw: bytes) -> str:
    """BOM first, then strict UTF-8, then UTF-16 without BOM, then Windows cp1252.

    Kept for callers that want a name only; ``decode_text`` is what the reader uses.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(raw)
    return utf16 or "cp1252"


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    if sample and sample.count(0) > len(sample) // 4:
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    return None


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _lines(numbers: Sequence[int]) -> str:
    shown = ", ".join(map(str, numbers[:SHOWN_LINES]))
    more = f" and {len(numbers) - SHOWN_LINES} more" if len(numbers) > SHOWN_LINES else ""
    return shown + more


def decode_text(path: Path, raw: bytes, encoding: str | None) -> DecodedText:
    """The file's text under the rules in the module docstring, or InputFileError."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputFileError.of(
                "sheet.unknown_encoding", file=path, encoding=encoding
            ) from None
        try:
            return DecodedText(raw.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            raise InputFileError.of(
                "sheet.bad_byte",
                file=path,
                line=_line_of(raw, exc.start),
                encoding=encoding,
                byte=f"0x{raw[exc.start]:02X}",
            ) from None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            if name != "utf-8-sig":
                return _strict(path, raw, name)
            return _utf8(path, raw[len(bom) :], name)
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        try:
            return DecodedText(raw.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    return _utf8(path, raw, "utf-8")


def _strict(path: Path, raw: bytes, name: str) -> DecodedText:
    try:
        return DecodedText(raw.decode(name), name)
    except UnicodeDecodeError as exc:
        raise InputFileError.of(
            "sheet.bad_bom", file=path, encoding=name, line=_line_of(raw, exc.start)
        ) from None


def _utf8(path: Path, raw: bytes, name: str) -> DecodedText:
    try:
        return DecodedText(raw.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", "surrogateescape")
    bad = len(_BAD_BYTE.findall(text))
    good = len(_NOT_UTF8_LETTER.sub("", text))
    if good >= bad:
        lines = _bad_lines(text)
        return DecodedText(
            text,
            name,
            [said("sheet.note_bad_bytes", count=bad, lines=_lines(lines))],
            has_bad_bytes=True,
        )
    if good:
        good_lines = _line_numbers(text, _GOOD_LETTER)
        raise InputFileError.of(
            "sheet.mixed_encodings",
            file=path,
            good=_lines(good_lines),
            bad=_lines(_bad_lines(text)),
        )
    try:
        decoded = raw.decode("cp1252")
        used = "cp1252"
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
        used = "latin-1"
    return DecodedText(
        decoded,
        used,
        [
            said(
                "sheet.note_not_utf8",
                name="Windows-1252" if used == "cp1252" else "Latin-1",
                encoding=used,
            )
        ],
    )


def _bad_lines(text: str) -> list[int]:
    return _line_numbers(text, _BAD_BYTE)


def _line_numbers(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The lines (1-based) where ``pattern`` matches: one pass over the newlines, then a
    bisection per match (counting newlines from the start per match is quadratic)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    return sorted({bisect.bisect_left(newlines, m.start()) + 1 for m in pattern.finditer(text)})


def sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter ``csv.Sniffer`` sees, else the most frequent one in the first line."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return "\t" if suffix == ".tsv" else ","


def choose_delimiter(
    text: str,
    suffix: str,
    finds_header: Callable[[Iterator[tuple[str, ...]]], bool],
) -> str:
    """The sniffed delimiter if the header is found with it, else the first that finds it."""
    sniffed = sniff_delimiter(text, suffix)
    sample = text[:262144]
    for delimiter in (sniffed, *(d for d in DELIMITERS if d != sniffed)):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            rows = (tuple(r) for r in reader)
            if finds_header(rows):
                return delimiter
        except csv.Error:
            continue
    return sniffed


_SWALLOWED_ROW = r'\n\s*"?[+(]?\d[\d \-().]{5,}"?'


class TextRecords:
    """Iterate a decoded text's records as rows of text; problems land in ``problems``.

    ``problems`` maps a record's number to what was found wrong in it while reading: bytes
    that are not UTF-8, or a quoted cell that swallowed the lines after it.
    """

    def __init__(self, path: Path, decoded: DecodedText, delimiter: str) -> None:
        self.path = path
        self.decoded = decoded
        self.delimiter = delimiter
        self.problems: dict[int, list[CellProblem]] = {}
        self._swallowed = re.compile(_SWALLOWED_ROW + re.escape(delimiter))

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        text = self.decoded.text
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        bad_bytes = self.decoded.has_bad_bytes
        # File-level checks first, so that the common file pays nothing per cell: escapes
        # only exist after a line start, a delimiter or a quote; multi-line cells only in
        # quotes.
        escaped = text.startswith(("=", "'")) or any(
            before + mark in text for before in ("\n", "\r", '"', self.delimiter) for mark in "='"
        )
        quoted_lines = '"' in text
        number = 0
        try:
            for number, record in enumerate(reader, start=1):  # noqa: B007
                cells = unescape_row(record) if escaped else record
                if bad_bytes:
                    self._mark_bad_bytes(number, cells)
                if quoted_lines:
                    for index, cell in enumerate(cells):
                        if "\n" in cell and self._swallowed.search(cell):
                            self._add(number, _unclosed_quote(index, cell))
                if sum(map(len, cells)) > MAX_CELL_CHARS:
                    self._check_lengths(number, cells)
                yield tuple(cells)
        except csv.Error as exc:
            raise InputFileError.of(
                "sheet.unclosed_quote", file=self.path, row=number, line=reader.line_num, reason=exc
            ) from None

    def _check_lengths(self, number: int, cells: list[str]) -> None:
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                self._add(
                    number,
                    CellProblem(
                        "CellTooLong",
                        said(
                            "sheet.cell_too_long",
                            cell=index + 1,
                            length=len(cell),
                            limit=MAX_CELL_CHARS,
                        ),
                    ),
                )

    def _add(self, number: int, problem: CellProblem) -> None:
        self.problems.setdefault(number, []).append(problem)

    def _mark_bad_bytes(self, number: int, cells: list[str]) -> None:
        bad = [i for i, cell in enumerate(cells) if _BAD_BYTE.search(cell)]
        if not bad:
            return
        for i in bad:
            raw = cells[i].encode("utf-8", "surrogateescape")
            cells[i] = raw.decode("utf-8", "replace")
        shown = ", ".join(repr(cells[i]) for i in bad[:3])
        self._add(
            number,
            CellProblem("BadEncoding", said("sheet.bad_encoding_row", shown=shown)),
        )


def _unclosed_quote(index: int, cell: str) -> CellProblem:
    first, _, rest = cell.partition("\n")
    return CellProblem(
        "UnclosedQuote",
        said(
            "sheet.unclosed_quote_cell",
            cell=index + 1,
            first=first[:30],
            lines=cell.count(chr(10)),
            next=rest.splitlines()[0][:40],
        ),
    )
