"""The words a person reads, from one catalogue, in English and Bahasa Indonesia.

    say("rows.no_phone_column", file=..., found=[...])   the message, in the context's
                                                         language and audience
    InputFileError.of("rows.no_phone_column", ...)       an error worded when shown
    describe(error, language="id", audience="page")      an error's (or a said() text's)
                                                         words for the page

A message is found by its key in the catalogue (``qrbatch/words/catalogue/<area>.py``)
and filled with its parameters. What a person can *do* depends on where they are, so a
message never spells a command-line flag itself: it names the setting,
``{fix:phone_column}``, and the audience decides the words (``fixes.py``):

    cli      pass --phone-column NAME
    python   pass phone="NAME"
    page     choose the Phone column   (pilih Kolom telepon)

``{fix:phone_column={name}}`` gives the value too, quoted as each audience writes it
(``--phone-column 'No HP'``, ``phone='No HP'``, "choose 'No HP' as the Phone column");
``{Fix:...}`` starts a sentence; ``{option:sheet}`` is the setting's own name
(``--sheet``, ``sheet``, "Sheet"). ``fix``, ``Fix`` and ``option`` are therefore not
parameter names.

The language and the audience come from the call, else from the context: ``LANGUAGE``
(default ``"en"``) and ``AUDIENCE`` (default ``"python"``, so a library call speaks
Python); the command line sets ``"cli"`` at its entry; the page passes its own.
``QrbatchError.of(key, **params)`` keeps the key and renders through :func:`say` when
printed, so each front end shows its own words without translating anything.

This package imports nothing else of qrbatch's: every layer may use it (it is the
bottom one), and it loads its catalogue only when the first message is worded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from qrbatch.words.context import (
    AUDIENCE,
    AUDIENCES,
    LANGUAGE,
    LANGUAGES,
    Audience,
    default_language,
)
from qrbatch.words.render import Said, Words, render

__all__ = [
    "AUDIENCE",
    "AUDIENCES",
    "LANGUAGE",
    "LANGUAGES",
    "Audience",
    "Words",
    "default_language",
    "describe",
    "said",
    "say",
    "speaking",
]


def say(
    key: str,
    /,
    *,
    language: str | None = None,
    audience: Audience | None = None,
    **params: object,
) -> str:
    """The message for ``key`` in ``language``, its actions worded for ``audience``.

    None takes the context's (:data:`LANGUAGE`, :data:`AUDIENCE`). A language the
    catalogue does not have, or a key missing in it, falls back to English; a key not in
    the catalogue at all gives the key and its parameters (never an exception: this runs
    while an error is being shown).
    """
    return render(
        key,
        language if language is not None else LANGUAGE.get(),
        audience if audience is not None else AUDIENCE.get(),
        params,
    )


def said(key: str, /, **params: object) -> str:
    """The message for ``key`` worded now, in the current context, as a ``str`` that
    remembers its key and parameters: for texts kept as strings (a row's problem, a note
    on how the sheet was read) that the page words again with :func:`describe`."""
    return Said(Words(key, **params))


def describe(
    error: BaseException | Words | str,
    /,
    *,
    language: str | None = None,
    audience: Audience | None = None,
) -> str:
    """What ``error`` says to a person in ``language`` and ``audience``: a qrbatch error
    raised with a catalogue key, :class:`Words`, or a text made by :func:`said` (a row's
    ``error_message``) is worded from the catalogue; any other error or text is
    ``str(error)`` (English, or whatever its author wrote)."""
    if isinstance(error, Said):
        error = error.words
    if isinstance(error, Words):
        return say(error.key, language=language, audience=audience, **error.params)
    key = getattr(error, "key", None)
    params = getattr(error, "params", None)
    if isinstance(key, str) and isinstance(params, dict):
        return say(key, language=language, audience=audience, **params)
    return str(error)


@contextlib.contextmanager
def speaking(*, language: str | None = None, audience: Audience | None = None) -> Iterator[None]:
    """Within the block, messages are in ``language`` for ``audience`` (None keeps the
    current one); both are restored after it, also on an error."""
    language_token = LANGUAGE.set(language) if language is not None else None
    audience_token = AUDIENCE.set(audience) if audience is not None else None
    try:
        yield
    finally:
        if audience_token is not None:
            AUDIENCE.reset(audience_token)
        if language_token is not None:
            LANGUAGE.reset(language_token)
