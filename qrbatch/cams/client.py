"""The CAMS QR-code client: four actions on one shared aiohttp session.

Every attempt first takes a slot from the injected pacer, is signed afresh (new date,
new nonce) and is sent with a per-request timeout. aiohttp errors become qrbatch errors
here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import anyio
from yarl import URL

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.errors import classify
from qrbatch.cams.models import Answer, Qrdl
from qrbatch.cams.signer import acs_date, canonical_query, new_nonce, sign
from qrbatch.errors import (
    CamsError,
    OutcomeUnknownError,
    ThrottledError,
    TransientError,
)

DEFAULT_ENDPOINT = "https://cams.ap-southeast-1.aliyuncs.com"
DEFAULT_TIMEOUT = 10.0
USER_AGENT = "qrbatch"


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

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def utc_now() -> datetime:
    return datetime.now(UTC)


class CamsClient:
    """Async client for CreatePhoneMessageQrdl and its List/Update/Delete siblings."""

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
    ) -> None:
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
        self.stats = CallStats()

    def __repr__(self) -> str:
        return f"CamsClient(endpoint={self.endpoint!r}, key_id={self._credentials.access_key_id!r})"

    async def __aenter__(self) -> CamsClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                headers={"User-Agent": USER_AGENT},
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

    async def download(self, url: str) -> bytes:
        """Fetch a QR image (not paced: it is a CDN, not the API)."""
        session = self._require_session()
        try:
            async with session.get(url, timeout=self._timeout) as response:
                response.raise_for_status()
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(
                f"could not download {url}: {exc!r}", code="ImageDownloadFailed"
            ) from exc

    # One attempt ----------------------------------------------------------------------

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use 'async with CamsClient(...)' before calling it")
        return self._session

    async def _call(
        self, action: str, params: dict[str, str], cust_space_id: str | None
    ) -> tuple[str, Any]:
        session = self._require_session()
        if cust_space_id:
            params = {**params, "CustSpaceId": cust_space_id}
        query = canonical_query(params)
        url = URL(f"{self.endpoint}/?{query}", encoded=True)
        await self._pacer.acquire()
        headers = sign(
            credentials=self._credentials,
            method="POST",
            host=self._host,
            action=action,
            query=query,
            date=acs_date(self._clock()),
            nonce=new_nonce(),
        )
        self._count_send(action)
        sent = anyio.current_time()
        latency: float | None = None
        try:
            async with session.post(url, headers=headers, timeout=self._timeout) as response:
                status = response.status
                retry_after = _retry_after(response.headers.get("x-acs-retry-after"))
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
        return self._parse(action, status, raw, retry_after, sent)

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
        self, action: str, status: int, raw: bytes, retry_after: float | None, sent_at: float
    ) -> tuple[str, Any]:
        try:
            envelope = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, ValueError):
            envelope = None
        if not isinstance(envelope, dict):
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
        request_id = str(envelope.get("RequestId") or "").strip()
        code = str(envelope.get("Code") or ("OK" if status < 400 else f"HTTP{status}"))
        if status < 400 and code == "OK":
            self._pacer.on_success()
            return request_id, envelope.get("Data")
        message = str(envelope.get("Message") or "").strip() or f"HTTP {status}"
        raise self._record(
            classify(
                code=code,
                message=message,
                action=action,
                http_status=status,
                request_id=request_id,
                retry_after=retry_after,
            ),
            sent_at,
        )


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
