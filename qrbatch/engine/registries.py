"""Which account registry a run uses, opened for the length of the run.

``local`` (the default): the host-wide SQLite registry (``registry``), shared by every
qrbatch run on this machine. ``off``: none, the run paces itself alone. A Redis URL
(``redis://``, ``rediss://``, ``unix://``): the registry on that server
(``registry_redis``), shared by every run of the account on any host that names it. The
setting comes from the job (a flag, a job-file key, a keyword of the Python API), else
``QRBATCH_REGISTRY``, else ``local``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from qrbatch.engine.claims import AccountPacing, AccountView, NoClaims
from qrbatch.engine.pacing import DEFAULT_QPS, AdaptivePacer
from qrbatch.engine.registry import (
    DEFAULT_LEASE,
    DEFAULT_LEASE_GRACE,
    ENV_ACCOUNT,
    ENV_GRACE,
    ENV_LEASE,
    ENV_SWITCH,
    _seconds,
    account_id,
    account_pacing,
    local_accounts,
)
from qrbatch.engine.registry_redis import DEFAULT_WAIT, is_redis_url, redact
from qrbatch.errors import ConfigError, RegistryUnavailableError

log = logging.getLogger("qrbatch")

LOCAL = "local"
OFF = "off"
_OFF_WORDS = ("off", "0", "false", "no")


def registry_setting(setting: str | None, env: Mapping[str, str] | None = None) -> str:
    """``local``, ``off`` or a Redis URL: the job's setting, else ``QRBATCH_REGISTRY``,
    else ``local``. ConfigError (exit 2) for anything else."""
    env = os.environ if env is None else env
    text = (setting or env.get(ENV_SWITCH, "") or LOCAL).strip()
    if text.lower() in _OFF_WORDS:
        return OFF
    if text.lower() in (LOCAL, "on", "1", "yes", "true"):
        return LOCAL
    if is_redis_url(text):
        return text
    raise ConfigError(
        f"registry {redact(text)!r}: give local, off, or a Redis URL (redis://host:6379/0, "
        "rediss://… for TLS, unix:///path/to/redis.sock)"
    )


@asynccontextmanager
async def open_account_pacing(
    *,
    access_key_id: str,
    endpoint: str,
    ceiling: float = DEFAULT_QPS,
    registry: str | None = None,
    env: Mapping[str, str] | None = None,
    shared: bool = True,
    fail_closed: bool = False,
    call_timeout: float = 10.0,
    wait: float = DEFAULT_WAIT,
    state_dir: Path | str | None = None,
) -> AsyncIterator[AccountPacing]:
    """The run's pacer and claims from the chosen registry, left at the end.

    ``local`` behaves as ``registry.account_pacing`` (``fail_closed``: a run that
    creates or updates stops with exit 69 when the registry cannot be joined). A Redis
    registry that does not answer stops every run with exit 69 before any call: it was
    named to be shared, and going on alone is how duplicates happen."""
    env = os.environ if env is None else env
    choice = registry_setting(registry, env) if shared else OFF
    if choice == OFF:
        yield AccountPacing(AdaptivePacer(ceiling), NoClaims())
        return
    if choice == LOCAL:
        local_env = {k: v for k, v in env.items() if k != ENV_SWITCH}
        pacing = account_pacing(
            access_key_id=access_key_id,
            endpoint=endpoint,
            ceiling=ceiling,
            state_dir=state_dir,
            env=local_env,
            fail_closed=fail_closed,
        )
        yield pacing
        return
    from qrbatch.engine.registry_redis import RedisRegistry, connect, joined, settings_from_env

    member = RedisRegistry(
        connect(choice),
        url=choice,
        account=account_id(access_key_id, endpoint, env.get(ENV_ACCOUNT, "").strip()),
        ceiling=ceiling,
        lease=_seconds(env, ENV_LEASE, DEFAULT_LEASE),
        lease_grace=_seconds(env, ENV_GRACE, DEFAULT_LEASE_GRACE),
        call_timeout=call_timeout,
        wait=wait,
        **settings_from_env(env),
    )
    async with joined(member):
        log.info("account registry: %s (shared by every host that names it)", member.shown)
        warn_of_local_runs(member.account, member.shown, state_dir, env)
        yield AccountPacing(member.pacer(), member, member)


def warn_of_local_runs(
    account: str, shown: str, state_dir: Path | str | None, env: Mapping[str, str]
) -> None:
    """A run on Redis that sees, on this host, a run of the same account on the local
    registry says so: the two do not share the rate nor claims."""
    try:
        others = [v for v in local_accounts(state_dir, env) if v.account == account and v.runs]
    except RegistryUnavailableError:
        return  # nothing readable there: nothing to warn about
    for view in others:
        pids = ", ".join(str(run.pid) for run in view.runs)
        log.warning(
            "another qrbatch run of this account on this host (pid %s) uses the local "
            "registry, not %s: the two will throttle each other and may create the same "
            "codes twice; give every run the same registry",
            pids,
            shown,
        )


async def account_views(
    registry: str | None = None,
    env: Mapping[str, str] | None = None,
    state_dir: Path | str | None = None,
) -> list[AccountView]:
    """What ``qrbatch accounts`` shows: every account with runs now in the chosen
    registry (local: this host's; a Redis URL: every host's). RegistryUnavailableError
    if it cannot be read; ``off`` has none."""
    env = os.environ if env is None else env
    choice = registry_setting(registry, env)
    if choice == OFF:
        return []
    if choice == LOCAL:
        return local_accounts(state_dir, env)
    from qrbatch.engine.registry_redis import connect, redis_accounts, settings_from_env

    return await redis_accounts(connect(choice), choice, **settings_from_env(env))
