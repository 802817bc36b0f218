"""Who is reading, in which language: the context a message is worded in when the call
does not say (a ``ContextVar`` each, so threads and tasks started inside a front end
speak as it does, and a test's context ends with it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Literal, get_args

Audience = Literal["cli", "python", "page"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
LANGUAGES = ("en", "id")

LANGUAGE: ContextVar[str] = ContextVar("language", default="en")
AUDIENCE: ContextVar[Audience] = ContextVar("audience", default="python")

ENV_LANGUAGE = "QRBATCH_LANGUAGE"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first set decides


def default_language(env: Mapping[str, str] | None = None) -> str:
    """The language a person gets when nothing chose one: ``$QRBATCH_LANGUAGE`` as written
    (lower case; the caller checks it is one of ``LANGUAGES``), else the locale's
    (``id_ID.UTF-8`` -> ``id``; the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is
    set decides, as POSIX says), else English."""
    env = os.environ if env is None else env
    chosen = env.get(ENV_LANGUAGE, "").strip().lower()
    if chosen:
        return chosen
    locale = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), "")
    return "id" if locale.lower().startswith("id") else "en"
