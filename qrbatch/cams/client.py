"""The CAMS client: the four QR-code actions, and QueryChatappPhoneNumbers (the
account's own business numbers), on one shared aiohttp session.

Every action goes through one path (``_call``): every attempt first takes a slot from
the injected pacer, is signed afresh (new date,
new nonce) and is sent with a per-request timeout. aiohttp errors become qrbatch errors
here and nowhere else.

The request carries exactly the headers the official SDK sends for an RPC POST with an
empty body, all signed: ``host``, ``accept: application/json``, ``user-agent`` and the
``x-acs-*`` headers. aiohttp would add an unsigned ``Content-Type:
application/octet-stream``; it is skipped, since a gateway that reads it expects it signed.

Error answers come as JSON (the envelope) or, from some gateways, as XML (``<Error>``);
both are read, with ``Recommend``, ``HostId`` and ``AccessDeniedDetail`` kept for the
person who must fix an account-level refusal. A refused STS token is cured at most once
per call by re-reading credentials through the injected ``refresh_credentials``.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import anyio
from yarl import URL

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.errors import classify, is_token_refused
from qrbatch.cams.models import DEFAULT_ENDPOINT as DEFAULT_ENDPOINT
from qrbatch.cams.models import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from qrbatch.cams.models import AccountNumber, Answer, Qrdl
from qrbatch.cams.signer import acs_date, canonical_query, new_nonce, sign
from qrbatch.errors import (
    AccountError,
    CamsError,
    OutcomeUnknownError,
    QrbatchError,
    ThrottledError,
    TransientError,
)

# aiohttp adds these unless told not to; with an empty body no content-type is sent.
SKIP_AUTO_HEADERS = ("Content-Type",)
MAX_ERROR_BODY = 1 << 20  # an error body larger than this is not parsed


def _user_agent() -> str:
    try:
        return f"qrbatch/{version('qrbatch')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "qrbatch"


USER_AGENT = _user_agent()
log = logging.getLogger("qrbatch")


class Pacer(Protocol):
    """What the client needs of a pacer: a slot before each send, and feedback."""

    async def acquire(self) -> None: ...

    def release(self, latency: float | None) -> None: ...

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None: ...

    def on_success(self) -> None: ...


class UnpacedPacer:
    """A pacer that never waits (for the sandbox's own tests and overhead benchmarks)."""

    async def acquire(self) -> None:
        return None

    def release(self, latency: float | None) -> None:
        return None

    def on_throttled(self, retry_after: float | None, sent_at: float | None = None) -> None:
        return None

    def on_success(self) -> None:
        return None


@dataclass(slots=True)
class CallStats:
    """Counts of what the client sent and what came back."""

    calls: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    accepted_at: list[float] = field(default_factory=list)  # loop time of each OK answer

    def timeline(self) -> list[tuple[int, int]]:
        """(whole second since the first accepted call, calls accepted in it), gaps as 0:
        the pace of the run, for the Summary's chart."""
        if not self.accepted_at:
            return []
        first = min(self.accepted_at)
        counts: dict[int, int] = {}
        for moment in self.accepted_at:
            second = int(moment - first)
            counts[second] = counts.get(second, 0) + 1
        return [(second, counts.get(second, 0)) for second in range(max(counts) + 1)]

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def utc_now() -> datetime:
    return datetime.now(UTC)


class CamsClient:
    """Async client for CreatePhoneMessageQrdl, its List/Update/Delete siblings, and
    QueryChatappPhoneNumbers."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        pacer: Pacer,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = DEFAULT_TIMEOUT,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], datetime] = utc_now,
        max_connections: int = 64,
        refresh_credentials: Callable[[], Credentials] | None = None,
    ) -> None:
        """``refresh_credentials`` is called (in a worker thread) when the gateway refuses
        the STS token; the call is retried once with what it returns. Without it, a
        refused token is an AccountError at once."""
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = f"{parts.scheme}://{parts.netloc}"
        self._host = parts.netloc
        self._credentials = credentials
        self._pacer = pacer
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._owns_session = session is None
        self._clock = clock
        self._max_connections = max_connections
        self._refresh_credentials = refresh_credentials
        self._refresh_lock = anyio.Lock()
        self._unrefreshable: Credentials | None = None  # re-read already, nothing newer
        self.stats = CallStats()

    def __repr__(self) -> str:
        return f"CamsClient(endpoint={self.endpoint!r}, key_id={self._credentials.access_key_id!r})"

    async def __aenter__(self) -> CamsClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                headers={"User-Agent": USER_AGENT},
                skip_auto_headers=SKIP_AUTO_HEADERS,
            )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    # The four actions -----------------------------------------------------------------

    async def create(
        self, *, phone: str, message: str, image_type: str, cust_space_id: str | None = None
    ) -> Answer:
        """Create one message QR code. Not idempotent: see OutcomeUnknownError."""
        params = {"PhoneNumber": phone, "PrefilledMessage": message, "GenerateQrImage": image_type}
        request_id, data = await self._call("CreatePhoneMessageQrdl", params, cust_space_id)
        return Answer(request_id, qrdl=Qrdl.from_api(_as_object(data)))

    async def list(self, *, phone: str, cust_space_id: str | None = None) -> Answer:
        """List the live QR codes of one business number."""
        request_id, data = await self._call(
            "ListPhoneMessageQrdl", {"PhoneNumber": phone}, cust_space_id
        )
        items = data if isinstance(data, list) else []
        return Answer(request_id, qrdls=tuple(Qrdl.from_api(item) for item in items))

    async def update(
        self,
        *,
        phone: str,
        code: str,
        message: str,
        image_type: str,
        cust_space_id: str | None = None,
    ) -> Answer:
        """Change the message of a code (the printed QR image changes too)."""
        params = {
            "PhoneNumber": phone,
            "QrdlCode": code,
            "PrefilledMessage": message,
            "GenerateQrImage": image_type,
        }
        request_id, data = await self._call("UpdatePhoneMessageQrdl", params, cust_space_id)
        return Answer(request_id, qrdl=Qrdl.from_api(_as_object(data)))

    async def delete(self, *, phone: str, code: str, cust_space_id: str | None = None) -> Answer:
        """Delete one code of a business number."""
        request_id, _ = await self._call(
            "DeletePhoneMessageQrdl", {"PhoneNumber": phone, "QrdlCode": code}, cust_space_id
        )
        return Answer(request_id)

    # The account's numbers --------------------------------------------------------------

    async def query_numbers(self, *, cust_space_id: str | None = None) -> Answer:
        """List the account's WhatsApp business numbers with their names, statuses and
        quality ratings (all statuses: no ``Status`` filter is sent).

        The list is the answer's top-level ``PhoneNumbers`` (not ``Data``), as in the
        official SDK's ``QueryChatappPhoneNumbersResponseBody``. The call shares the QR
        actions' pacer, signing, credential refresh and error translation; an account
        that may not call it gets an AccountError whose ``action`` is this one.
        """
        request_id, items = await self._call(
            "QueryChatappPhoneNumbers", {}, cust_space_id, payload="PhoneNumbers"
        )
        numbers = (
            AccountNumber.from_api(item)
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict)
        )
        return Answer(request_id, numbers=tuple(numbers))

    # One attempt ----------------------------------------------------------------------

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use 'async with CamsClient(...)' before calling it")
        return self._session

    async def _call(
        self,
        action: str,
        params: dict[str, str],
        cust_space_id: str | None,
        *,
        payload: str = "Data",
    ) -> tuple[str, Any]:
        """Send one action; return its request id and the answer's ``payload`` field."""
        if cust_space_id:
            params = {**params, "CustSpaceId": cust_space_id}
        credentials = self._credentials
        try:
            return await self._attempt(action, params, credentials, payload)
        except AccountError as error:
            if not is_token_refused(error) or not await self._refreshed(credentials, error):
                raise
        # One retry with the credentials read afresh; a second refusal stops the run.
        return await self._attempt(action, params, self._credentials, payload)

    async def _refreshed(self, used: Credentials, error: AccountError) -> bool:
        """Re-read credentials once for every call refused with ``used``; True if new."""
        if self._refresh_credentials is None:
            return False
        async with self._refresh_lock:
            if self._credentials is not used:
                return True  # another call already refreshed them
            if self._unrefreshable is used:
                return False  # another call re-read them and found nothing newer
            self._unrefreshable = used
            try:
                fresh = await anyio.to_thread.run_sync(self._refresh_credentials)
            except (QrbatchError, OSError) as exc:
                log.warning("could not re-read credentials after %s: %s", error.code, exc)
                return False
            if (fresh.access_key_id, fresh.security_token) == (
                used.access_key_id,
                used.security_token,
            ):
                log.warning("the STS token was refused (%s) and no newer one was found", error.code)
                return False
            log.info(
                "STS token refused (%s); retrying with credentials from %s",
                error.code,
                fresh.source,
            )
            self._credentials = fresh
            return True

    async def _attempt(
        self, action: str, params: dict[str, str], credentials: Credentials, payload: str
    ) -> tuple[str, Any]:
        session = self._require_session()
        query = canonical_query(params)
        url = URL(f"{self.endpoint}/?{query}", encoded=True)
        await self._pacer.acquire()
        date = acs_date(self._clock())
        headers = sign(
            credentials=credentials,
            method="POST",
            host=self._host,
            action=action,
            query=query,
            date=date,
            nonce=new_nonce(),
            user_agent=USER_AGENT,
        )
        self._count_send(action)
        sent = anyio.current_time()
        latency: float | None = None
        try:
            async with session.post(
                url, headers=headers, timeout=self._timeout, skip_auto_headers=SKIP_AUTO_HEADERS
            ) as response:
                status = response.status
                retry_after = _retry_after(response.headers.get("x-acs-retry-after"))
                content_type = response.headers.get("Content-Type", "")
                raw = await response.read()
            latency = anyio.current_time() - sent
        except aiohttp.ClientConnectorError as exc:
            # The connection was never made: the server cannot have acted.
            raise self._record(
                TransientError(
                    f"cannot connect to {self.endpoint}: {exc.os_error!r}",
                    code="ConnectionError",
                    action=action,
                )
            ) from exc
        except TimeoutError as exc:
            raise self._record(
                OutcomeUnknownError(
                    f"no answer within {self._timeout.total:g} s",
                    code="RequestTimeout",
                    action=action,
                )
            ) from exc
        except aiohttp.ClientError as exc:
            raise self._record(
                OutcomeUnknownError(
                    f"connection failed mid-request: {type(exc).__name__}",
                    code="ConnectionError",
                    action=action,
                )
            ) from exc
        finally:
            self._pacer.release(latency)
        answer = _Answer(status, raw, content_type, retry_after)
        return self._parse(action, answer, sent, credentials.access_key_id, date, payload)

    def _count_send(self, action: str) -> None:
        stats = self.stats
        stats.calls[action] = stats.calls.get(action, 0) + 1

    def _record(self, error: CamsError, sent_at: float | None = None) -> CamsError:
        self.stats.errors[error.code] = self.stats.errors.get(error.code, 0) + 1
        if isinstance(error, ThrottledError):
            self.stats.throttled += 1
            self._pacer.on_throttled(error.retry_after, sent_at)
        return error

    def _parse(
        self,
        action: str,
        answer: _Answer,
        sent_at: float,
        key_id: str,
        date: str,
        payload: str = "Data",
    ) -> tuple[str, Any]:
        status, retry_after = answer.status, answer.retry_after
        envelope = _envelope(answer.raw, answer.content_type)
        if envelope is None:
            if retry_after is not None:
                raise self._record(
                    ThrottledError(
                        f"HTTP {status} with x-acs-retry-after",
                        code=f"HTTP{status}",
                        action=action,
                        http_status=status,
                        retry_after=retry_after,
                    ),
                    sent_at,
                )
            if status in (401, 403):
                raise self._record(
                    classify(
                        code=f"HTTP{status}",
                        message=f"HTTP {status} without a CAMS answer",
                        action=action,
                        http_status=status,
                        key_id=key_id,
                        date=date,
                    )
                )
            if status >= 500:
                raise self._record(
                    OutcomeUnknownError(
                        f"HTTP {status} without a CAMS answer",
                        code="InternalError",
                        action=action,
                        http_status=status,
                    )
                )
            raise self._record(
                OutcomeUnknownError(
                    f"HTTP {status}: the answer is not CAMS JSON",
                    code="BadResponse",
                    action=action,
                    http_status=status,
                )
            )
        request_id = _text(envelope.get("RequestId"))
        code = _text(envelope.get("Code")) or ("OK" if status < 400 else f"HTTP{status}")
        if status < 400 and code == "OK":
            self._pacer.on_success()
            self.stats.accepted_at.append(anyio.current_time())
            return request_id, envelope.get(payload)
        message = _text(envelope.get("Message")) or f"HTTP {status}"
        raise self._record(
            classify(
                code=code,
                message=message,
                action=action,
                http_status=status,
                request_id=request_id,
                retry_after=retry_after,
                recommend=_text(envelope.get("Recommend")),
                access_denied_detail=_denied_detail(envelope.get("AccessDeniedDetail")),
                host_id=_text(envelope.get("HostId")),
                key_id=key_id,
                date=date,
            ),
            sent_at,
        )


@dataclass(frozen=True, slots=True)
class _Answer:
    """What came back from one attempt, before it is understood."""

    status: int
    raw: bytes
    content_type: str
    retry_after: float | None


def _envelope(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """The answer's envelope from JSON, or from an XML ``<Error>`` body; None if neither."""
    if not raw:
        return {}
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    if "xml" in content_type.lower() or raw.lstrip().startswith(b"<?xml"):
        return _xml_envelope(raw)
    return None


def _xml_envelope(raw: bytes) -> dict[str, Any] | None:
    """Read ``<Error><Code>..</Code>..</Error>`` (the gateway's XML error form)."""
    if len(raw) > MAX_ERROR_BODY or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return None  # never expand entities from a network answer
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        return None
    error = root if root.tag == "Error" else root.find("Error")
    if error is None:
        error = root
    fields: dict[str, Any] = {child.tag: child.text or "" for child in error if len(child) == 0}
    detail = error.find("AccessDeniedDetail")
    if detail is not None and len(detail):
        fields["AccessDeniedDetail"] = {child.tag: child.text or "" for child in detail}
    return fields if "Code" in fields else None


def _text(value: Any) -> str:
    # The doc's sample RequestId ends in a stray newline: strip every field.
    return "" if value is None else str(value).strip()


# The readable parts of a RAM refusal; EncodedDiagnosticMessage is long and opaque.
_DETAIL_FIELDS = (
    "AuthAction",
    "NoPermissionType",
    "PolicyType",
    "AuthPrincipalType",
    "AuthPrincipalDisplayName",
    "AuthPrincipalOwnerId",
)


def _denied_detail(value: Any) -> str:
    """AccessDeniedDetail as one line: which action was denied, to whom, by what policy."""
    if isinstance(value, dict):
        return "; ".join(f"{name}={value[name]}" for name in _DETAIL_FIELDS if value.get(name))
    return _text(value)


def _as_object(data: Any) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


def _retry_after(value: str | None) -> float | None:
    """``x-acs-retry-after`` is in milliseconds; only a positive number counts."""
    if not value:
        return None
    try:
        millis = float(value)
    except ValueError:
        return None
    return millis / 1000.0 if millis > 0 else None
