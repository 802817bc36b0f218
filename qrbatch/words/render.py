"""Filling a catalogue message: its parameters, numbers and lists in the language's
style, and each ``{fix:setting}`` in the audience's words."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from qrbatch.words.catalogue import messages
from qrbatch.words.context import AUDIENCE, LANGUAGE
from qrbatch.words.fixes import fix, name


class Words:
    """A catalogue message not yet worded: ``key`` and ``params``. As a parameter of
    another message it is worded in that message's language and audience (a message made
    of optional parts); ``str()`` words it in the current context."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return render(self.key, LANGUAGE.get(), AUDIENCE.get(), self.params)

    def __repr__(self) -> str:
        return f"Words({self.key!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_words, (self.key, self.params))


def _words(key: str, params: dict[str, object]) -> Words:
    return Words(key, **params)


class Said(str):
    """Words already worded in the context they were made in (a ``str`` everywhere a str
    goes: a row's ``error_message``, a note on how a sheet was read) that keep their
    ``words``, so ``describe(text, language="id", audience="page")`` can word them again."""

    words: Words

    def __new__(cls, words: Words) -> Said:
        said = super().__new__(cls, str(words))
        said.words = words
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        return (Said, (self.words,))


class _Fix:
    """The value of the ``fix`` field: its format spec names the setting."""


_FIX = _Fix()
_FIX_CAPITAL = _Fix()
_NAME = _Fix()


class Filler(string.Formatter):
    """``str.format`` with these additions, so that a catalogue entry stays one readable
    string: ``{fix:setting}`` and ``{fix:setting=value}`` (the action, per audience;
    ``{Fix:...}`` starts a sentence); ``{option:setting}`` (the setting's own name: a flag,
    a parameter, a field on the page); a :class:`Words` (or :class:`Said`) parameter,
    worded alike;
    ``{n:n}`` (a count grouped as the language writes it: 1,234 or 1.234); and lists
    (joined with commas; ``{names:q}`` quotes each one; ``{names:and}`` joins with
    "and"/"dan"). A parameter the caller did not give is shown as ``{name}``, and a value
    its format does not fit as its plain text, rather than raising while an error is
    being shown."""

    def __init__(self, language: str, audience: str) -> None:
        self.language = language
        self.audience = audience

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if key == "fix":
            return _FIX
        if key == "Fix":
            return _FIX_CAPITAL
        if key == "option":
            return _NAME
        if isinstance(key, str) and key in kwargs:
            return kwargs[key]
        return _Missing(str(key))

    def format_field(self, value: Any, format_spec: str) -> Any:
        if value is _NAME:
            return name(format_spec, self.audience, self.language)
        if isinstance(value, Said):  # worded again, in this message's language
            value = value.words
        if isinstance(value, Words):
            return render(value.key, self.language, self.audience, value.params)
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
        if format_spec == "and":
            items = value if isinstance(value, (list, tuple)) else [value]
            return AND.get(self.language, AND["en"]).join(str(v) for v in items)
        if isinstance(value, (list, tuple, set, frozenset)) and not format_spec:
            return ", ".join(str(v) for v in value)
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, (_Fix, _Missing)):
            return value
        return super().convert_field(value, conversion)


AND = {"en": " and ", "id": " dan "}


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
