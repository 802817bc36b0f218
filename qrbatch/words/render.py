"""Filling a catalogue message: its parameters, numbers and lists in the language's
style, and each ``{fix:setting}`` in the audience's words."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from qrbatch.words.catalogue import messages
from qrbatch.words.fixes import fix


class _Fix:
    """The value of the ``fix`` field: its format spec names the setting."""


_FIX = _Fix()
_FIX_CAPITAL = _Fix()


class Filler(string.Formatter):
    """``str.format`` with three additions, so that a catalogue entry stays one readable
    string: ``{fix:setting}`` and ``{fix:setting=value}`` (the action, per audience;
    ``{Fix:...}`` starts a sentence);
    ``{n:n}`` (a count grouped as the language writes it: 1,234 or 1.234); and lists
    (joined with commas; ``{names:q}`` quotes each one). A parameter the caller did not
    give is shown as ``{name}`` rather than raising while an error is being shown."""

    def __init__(self, language: str, audience: str) -> None:
        self.language = language
        self.audience = audience

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if key == "fix":
            return _FIX
        if key == "Fix":
            return _FIX_CAPITAL
        if isinstance(key, str) and key in kwargs:
            return kwargs[key]
        return _Missing(str(key))

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, _Fix):
            setting, equals, given = format_spec.partition("=")
            words = fix(setting, self.audience, self.language, given if equals else None)
            return words[:1].upper() + words[1:] if value is _FIX_CAPITAL else words
        if isinstance(value, _Missing):
            return "{" + value.name + "}"
        if format_spec == "q":
            if isinstance(value, (list, tuple, set, frozenset)):
                return ", ".join(repr(str(v)) for v in value)
            return repr(str(value))
        if format_spec == "n" and isinstance(value, int):
            grouped = f"{value:,}"
            return grouped.replace(",", ".") if self.language == "id" else grouped
        if isinstance(value, (list, tuple, set, frozenset)) and not format_spec:
            return ", ".join(str(v) for v in value)
        return super().format_field(value, format_spec)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, (_Fix, _Missing)):
            return value
        return super().convert_field(value, conversion)


class _Missing:
    def __init__(self, name: str) -> None:
        self.name = name


def render(key: str, language: str, audience: str, params: Mapping[str, object]) -> str:
    """``key``'s message in ``language`` (English when it has none) for ``audience``."""
    table = messages()
    text = table.get(language, {}).get(key) or table["en"].get(key)
    if text is None:  # a key nobody wrote: say what was meant rather than fail
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{key} ({shown})" if shown else key
    return Filler(language if language in table else "en", audience).vformat(text, (), params)
