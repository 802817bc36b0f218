"""The DataFrame API's arguments checked for their kind before anything starts.

A notebook passes whatever a cell holds: ``phone=3``, ``state_dir=42``, ``progress="no"``,
``default_region="Indonesia"``. Each is refused here, in the caller's thread, with a short
``ConfigError`` in Python's words, rather than as an AttributeError from deep inside the
run, a failing progress subscriber, or a setting silently taken.
"""

from __future__ import annotations

import functools
import numbers
from datetime import timedelta
from pathlib import Path

from qrbatch.errors import ConfigError


def _kind(value: object) -> str:
    return type(value).__name__


def column_name(name: str, value: object) -> None:
    """A column named by the caller (``phone=``, ``message=``, ``label=``, ``country=``)."""
    if value is not None and not isinstance(value, str):
        raise ConfigError.of("frames.not_text", name=name, kind=_kind(value))


def path(name: str, value: object) -> None:
    """A path setting (``output=``, ``state_dir=``): text or a Path."""
    if value is not None and not isinstance(value, (str, Path)):
        raise ConfigError.of("frames.not_a_path", name=name, kind=_kind(value))


def progress(value: object) -> None:
    """``progress=``: a bar (True), none (False), or a function that takes the events."""
    if not isinstance(value, bool) and not callable(value):
        raise ConfigError.of("frames.progress_value", kind=_kind(value))


def _number(name: str, value: object, *, whole: bool) -> None:
    kinds = numbers.Integral if whole else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kinds):
        key = "frames.not_a_whole_number" if whole else "frames.not_a_number"
        raise ConfigError.of(key, name=name, kind=_kind(value))


def counts(*, qps: object, timeout: object, max_attempts: object, concurrency: object) -> None:
    """The pace: numbers of the right kind; ``concurrency`` at least 1 (the job checks
    the others' ranges in its own words)."""
    _number("qps", qps, whole=False)
    _number("timeout", timeout, whole=False)
    _number("max_attempts", max_attempts, whole=True)
    if concurrency is not None:
        _number("concurrency", concurrency, whole=True)
        assert isinstance(concurrency, int)
        if concurrency < 1:
            raise ConfigError.of("frames.at_least_one", name="concurrency", value=concurrency)


@functools.cache
def _region_names() -> dict[str, str]:
    """Every region phonenumbers knows, by its English and Indonesian name (casefolded)."""
    import phonenumbers
    from phonenumbers import geocoder

    names: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        for language in ("en", "id"):
            name = geocoder.country_name_for_number(example, language)
            if name:
                names.setdefault(name.casefold(), region)
    return names


def region(value: object) -> str | None:
    """``default_region=``: a two-letter region phonenumbers knows (any case), upper-cased;
    a country's name is refused with its code suggested (``"Indonesia"`` -> ``"ID"``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError.of("frames.region", value=value)
    from qrbatch.rows.phones import is_region

    code = value.strip()
    if len(code) == 2 and is_region(code):
        return code.upper()
    suggested = _region_names().get(code.casefold())
    if suggested is not None:
        raise ConfigError.of("frames.region_named", value=value, code=suggested)
    raise ConfigError.of("frames.region", value=value)


def age(value: object) -> timedelta:
    """``prune(older_than=)``: days (0 or more) or a timedelta, as a timedelta."""
    if isinstance(value, timedelta):
        days = value.total_seconds() / 86_400
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        days = float(value)
    else:
        raise ConfigError.of("frames.prune_age", value=value)
    if not days >= 0:  # NaN too
        raise ConfigError.of("frames.prune_age", value=value)
    return value if isinstance(value, timedelta) else timedelta(days=days)
