"""The catalogue: one Python module per area (``sheets.py``, ``rows.py``...), each with
an ``EN`` and an ``ID`` dict from key to message, merged here on first use.

Python modules rather than gettext ``.po``/``.mo`` files: the catalogue is typed and
checked by mypy and ruff with the code, needs no build step and no compiled ``.mo``
files in the wheel, and a key is found with grep. ``tests/test_words.py`` checks that
every key is in both languages with the same placeholders, and that no Python or page
rendering names a command-line flag.

A key is ``<area>.<what>``; an area's module holds only its own keys. A new area is a
new module here, found without registering it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

Table = dict[str, dict[str, str]]


@functools.cache
def messages() -> Table:
    """Every area's messages, by language then key (loaded once, on the first message)."""
    table: Table = {}
    for area in areas():
        module = importlib.import_module(f"{__name__}.{area}")
        for language in ("en", "id"):
            entries: dict[str, str] = getattr(module, language.upper())
            merged = table.setdefault(language, {})
            clash = merged.keys() & entries.keys()
            if clash:
                raise RuntimeError(f"catalogue area {area} repeats keys {sorted(clash)}")
            merged.update(entries)
    return table


def areas() -> list[str]:
    """The catalogue's areas: the modules of this package."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
