"""Who is reading, in which language: the context a message is worded in when the call
does not say (a ``ContextVar`` each, so threads and tasks started inside a front end
speak as it does, and a test's context ends with it)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal, get_args

Audience = Literal["cli", "python", "page"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
LANGUAGES = ("en", "id")

LANGUAGE: ContextVar[str] = ContextVar("language", default="en")
AUDIENCE: ContextVar[Audience] = ContextVar("audience", default="python")
