"""A faithful CAMS simulator on aiohttp.web: signatures, nonces, clock skew, the four
QR actions with their business rules, QueryChatappPhoneNumbers (the account's numbers
with their names, statuses and quality ratings), a per-account rate limit and
injectable faults.

It is as strict as the gateway wherever the gateway's behaviour is known, so a client
that passes here does not fail there: the V3 headers must be present and agree with the
request, STS keys need their live token, and account-level refusals (RAM, inactive key,
wrong version, unknown action) answer with the gateway's codes, ``Recommend``, ``HostId``
and ``AccessDeniedDetail``. Where the real service is unconfirmed (lowercase image type,
errors as HTTP 200, XML error bodies, ``x-acs-retry-after``, the spelling of the
not-found and cap codes), ``SandboxConfig`` offers both behaviours, strict by default.

Refusals, in the order the gateway checks them (HTTP status, code):

- Authorization missing or not ACS3 form: 400 IncompleteSignature
- ``x-acs-action`` or ``x-acs-content-sha256`` missing: 400 MissingParameter (the
  gateway's exact code here is unconfirmed; the POP pattern for a missing input)
- ``Action`` query parameter disagrees with ``x-acs-action``: 400 InvalidParameter
- unknown AccessKey ID: 404 InvalidAccessKeyId.NotFound; inactive key: 400
  InvalidAccessKeyId.Inactive
- ``x-acs-date`` malformed: 400 InvalidTimeStamp.Format; > 15 min off: 400
  InvalidTimeStamp.Expired
- host or an ``x-acs-*`` header unsigned, or a signed header absent: 400
  IncompleteSignature; body hash or signature wrong: 400 SignatureDoesNotMatch
- nonce missing: 400 MissingParameter; reused: 400 SignatureNonceUsed
- STS key without token: 400 MissingSecurityToken; another key's token: 400
  InvalidSecurityToken.MismatchWithAccessKey; expired: 400 InvalidSecurityToken.Expired
- disabled key: 403 Forbidden.AccessKeyDisabled
- wrong ``x-acs-version``: 400 InvalidVersion; unknown or unoffered action: 404
  InvalidAction.NotFound (``numbers_query="unknown"``: QueryChatappPhoneNumbers too)
- RAM policy lacks ``cams:<Action>``: 403 Forbidden.RAM or NoPermission, with
  AccessDeniedDetail (``numbers_query="denied"``: for QueryChatappPhoneNumbers whatever
  the key's actions); CAMS not activated: 400 Product.Unsubscript
- over the account's rate: 400 System.LimitControl (optionally ``x-acs-retry-after``);
  QueryChatappPhoneNumbers has its own limit (10 calls/s per user, ``numbers_qps``),
  refused as 400 Throttling.User (the real code there is unconfirmed)
- business rules (optionally as HTTP 200): missing value 400 MissingParameter;
  malformed phone, whitespace-only or > 140-character message, image type other than
  ``PNG``/``SVG`` (lowercase too, unless allowed) 400 InvalidParameter; well-formed
  number or CustSpaceId not the account's 400 Unknown.ResourceOwnerId; 2,000 codes
  400 QrdlLimitExceeded; code not live 404 NotFound (dotted spellings as an option)

QueryChatappPhoneNumbers answers the envelope with a top-level ``PhoneNumbers`` list
(every field of the official SDK's ``QueryChatappPhoneNumbersResponseBodyPhoneNumbers``),
sorted by phone, filtered by ``Status`` when given; a CustSpaceId not the account's is
400 Unknown.ResourceOwnerId, as for the QR actions. Each account counts its signed query
calls (``Account.number_queries``), refused ones included.

It never imports the client: it verifies signatures with its own code (verify.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import random
import time
import uuid
from calendar import timegm
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.sax.saxutils import escape

import anyio
from aiohttp import web

from qrbatch.sandbox import qr
from qrbatch.sandbox.limiters import Limiter, LimiterKind, make_limiter
from qrbatch.sandbox.state import (
    ALL_ACTIONS,
    QUERY_NUMBERS,
    AccessKey,
    ActionRefused,
    BusinessNumber,
    Code,
    World,
)
from qrbatch.sandbox.verify import SignatureProblem, parse_authorization, verify

API_VERSION = "2020-06-06"
MAX_SKEW_SECONDS = 15 * 60
HOST_ID = "cams.ap-southeast-1.aliyuncs.com"
# The two spellings of the undocumented codes: plain (default) and dotted.
DOTTED_CODES = {"NotFound": "QrdlCode.NotFound", "QrdlLimitExceeded": "QrdlCode.LimitExceeded"}
ErrorFormat = Literal["json", "xml"]
RamDenialCode = Literal["Forbidden.RAM", "NoPermission"]
# May the account call QueryChatappPhoneNumbers: yes; no (RAM refusal); or the gateway
# does not know the action (InvalidAction.NotFound).
NumbersQuery = Literal["allowed", "denied", "unknown"]
NUMBERS_QPS = 10.0  # QueryChatappPhoneNumbers' own limit, separate from the QR actions'


@dataclass(frozen=True, slots=True)
class Faults:
    """Probabilities (0..1) of each injected fault, drawn per accepted call."""

    unavailable: float = 0.0  # HTTP 503 ServiceUnavailable before acting
    internal_after_commit: float = 0.0  # HTTP 500 InternalError after acting
    drop_before_commit: float = 0.0  # connection closed, nothing done
    drop_after_commit: float = 0.0  # connection closed after acting
    slow: float = 0.0  # answer after ``slow_seconds`` (after acting)
    slow_seconds: float = 30.0
    actions: frozenset[str] = frozenset({"CreatePhoneMessageQrdl"})


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How the simulated CAMS behaves."""

    qps: float = 5.0
    limiter: LimiterKind = "sliding"
    latency: tuple[float, float] = (0.0, 0.0)  # seconds before answering
    jitter: tuple[float, float] = (0.0, 0.0)  # seconds of arrival delay before the limiter
    retry_after_ms: int | None = None  # send x-acs-retry-after on throttling
    foreign_qps: float = 0.0  # another program using the same account's quota
    faults: Faults = field(default_factory=Faults)
    seed: int | None = None
    # Unconfirmed behaviours of the real service, both available; the default is strict.
    accept_lowercase_image_type: bool = False  # "png" refused with InvalidParameter
    errors_as_http_200: bool = False  # business refusals as HTTP 200 with Code != "OK"
    error_format: ErrorFormat = "json"  # "xml": <Error> bodies, text/xml;charset=utf-8
    dotted_codes: bool = False  # QrdlCode.NotFound / QrdlCode.LimitExceeded
    # Account-level refusal modes, to test what a client does with them.
    ram_denial_code: RamDenialCode = "Forbidden.RAM"  # or NoPermission (403)
    api_version: str = API_VERSION  # another value: every request gets InvalidVersion
    missing_actions: frozenset[str] = frozenset()  # these answer InvalidAction.NotFound
    host_id: str = HOST_ID
    # QueryChatappPhoneNumbers only (the QR actions are unaffected): "denied" answers it
    # 403 ``ram_denial_code`` (Forbidden.RAM by default) naming cams:QueryChatappPhoneNumbers;
    # "unknown" answers it 404 InvalidAction.NotFound.
    numbers_query: NumbersQuery = "allowed"
    numbers_qps: float = NUMBERS_QPS


@dataclass(slots=True)
class SandboxStats:
    """What the sandbox saw, for tests and benchmarks."""

    accepted: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    accepted_times: list[float] = field(default_factory=list)
    create_times: list[float] = field(default_factory=list)
    foreign_accepted: int = 0
    last_headers: dict[str, str] = field(default_factory=dict)  # of the last API request


class Sandbox:
    """The simulator's state and behaviour; ``app()`` wraps it for aiohttp.web."""

    def __init__(
        self,
        world: World | None = None,
        config: SandboxConfig | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.world = world or World.demo()
        self.config = config or SandboxConfig()
        self.stats = SandboxStats()
        self._wall = wall_clock
        self._mono = monotonic
        self._random = random.Random(self.config.seed)
        self._limiters: dict[str, Limiter] = {}
        self._numbers_limiters: dict[str, Limiter] = {}
        self._nonces: OrderedDict[str, float] = OrderedDict()

    # Plumbing ---------------------------------------------------------------------

    def app(self) -> web.Application:
        application = web.Application()
        application.router.add_route("POST", "/", self.handle_api)
        application.router.add_route("GET", "/", self.handle_api)
        application.router.add_get("/qr/{phone}/{code}.{ext}", self.handle_image)
        if self.config.foreign_qps > 0:
            application.cleanup_ctx.append(self._foreign_consumer)
        return application

    async def _foreign_consumer(self, _: web.Application) -> Any:
        """Another program on the same account, taking quota at ``foreign_qps``."""
        # aiohttp enters and leaves a cleanup context in different tasks, so a plain
        # asyncio task (the sandbox is an aiohttp.web app) rather than a task group.
        task = asyncio.get_running_loop().create_task(self._consume_foreign())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _consume_foreign(self) -> None:
        interval = 1.0 / self.config.foreign_qps
        while True:
            for name in self.world.accounts:
                if self.limiter(name).try_acquire(self._mono()):
                    self.stats.foreign_accepted += 1
            await anyio.sleep(interval)

    def limiter(self, account: str) -> Limiter:
        """The account's limiter for the QR actions (they share one quota)."""
        if account not in self._limiters:
            self._limiters[account] = make_limiter(self.config.limiter, self.config.qps)
        return self._limiters[account]

    def numbers_limiter(self, account: str) -> Limiter:
        """The account's limiter for QueryChatappPhoneNumbers (its own quota)."""
        if account not in self._numbers_limiters:
            self._numbers_limiters[account] = make_limiter(
                self.config.limiter, self.config.numbers_qps
            )
        return self._numbers_limiters[account]

    def _uniform(self, bounds: tuple[float, float]) -> float:
        low, high = bounds
        return self._random.uniform(low, high) if high > 0 else 0.0

    # Handlers ---------------------------------------------------------------------

    async def handle_api(self, request: web.Request) -> web.StreamResponse:
        request_id = str(uuid.uuid4()).upper()
        delay = self._uniform(self.config.jitter)
        if delay:
            await anyio.sleep(delay)
        body = await request.read()
        self.stats.last_headers = dict(request.headers)
        params: dict[str, str] = dict(request.query)
        if body and request.content_type == "application/x-www-form-urlencoded":
            params.update(await request.post())  # type: ignore[arg-type]
        action = request.headers.get("x-acs-action", params.get("Action", ""))
        try:
            account = self._authenticate(request, params, body, action)
        except SignatureProblem as problem:
            return self._error(request_id, problem.status, problem.code, problem.message)
        except ActionRefused as refused:
            return self._refusal(request_id, refused)
        querying = action == QUERY_NUMBERS
        limiter = self.numbers_limiter(account) if querying else self.limiter(account)
        if not limiter.try_acquire(self._mono()):
            self.stats.throttled += 1
            headers = {}
            if self.config.retry_after_ms:
                headers["x-acs-retry-after"] = str(self.config.retry_after_ms)
            code, message = (
                ("Throttling.User", "Request was denied due to user flow control.")
                if querying
                else ("System.LimitControl", "Request was denied due to flow control.")
            )
            return self._error(request_id, 400, code, message, headers)
        now = self._mono()
        self.stats.accepted[action] = self.stats.accepted.get(action, 0) + 1
        self.stats.accepted_times.append(now)
        faults = self.config.faults
        faulty = action in faults.actions
        roll = self._random.random
        if faulty and roll() < faults.unavailable:
            return self._error(request_id, 503, "ServiceUnavailable", "The service is unavailable.")
        if faulty and roll() < faults.drop_before_commit:
            return self._drop(request)
        try:
            with self.world.lock:
                fields = self._act(account, action, params, request)
        except ActionRefused as refused:
            self.stats.refused[refused.code] = self.stats.refused.get(refused.code, 0) + 1
            return self._refusal(request_id, refused)
        if action == "CreatePhoneMessageQrdl":
            self.stats.create_times.append(now)
        if faulty and roll() < faults.drop_after_commit:
            return self._drop(request)
        if faulty and roll() < faults.internal_after_commit:
            return self._error(
                request_id, 500, "InternalError", "The request processing has failed."
            )
        latency = self._uniform(self.config.latency)
        if faulty and roll() < faults.slow:
            latency = faults.slow_seconds
        if latency:
            await anyio.sleep(latency)
        return self._json(
            200, {"RequestId": request_id + "\n", "Code": "OK", "Message": "OK", **fields}
        )

    async def handle_image(self, request: web.Request) -> web.Response:
        code = request.match_info["code"]
        ext = request.match_info["ext"].upper()
        if ext not in ("PNG", "SVG") or len(code) != 14:
            raise web.HTTPNotFound()
        content = qr.render(f"https://wa.me/message/{code}", ext)
        return web.Response(
            body=content, content_type="image/png" if ext == "PNG" else "image/svg+xml"
        )

    # Rules ------------------------------------------------------------------------

    def _authenticate(
        self, request: web.Request, params: dict[str, str], body: bytes, action: str
    ) -> str:
        auth = parse_authorization(request.headers.get("Authorization"))
        self._check_v3_headers(request, params)
        key = self.world.keys.get(auth.access_key_id)
        if key is None:
            raise SignatureProblem(
                "InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404
            )
        if key.inactive:
            raise SignatureProblem(
                "InvalidAccessKeyId.Inactive", "Specified access key is disabled."
            )
        self._check_date(request.headers.get("x-acs-date", ""))
        verify(
            secret=key.secret,
            auth=auth,
            method=request.method,
            path=request.path,
            params=dict(request.query),  # a form body is covered by the body hash
            headers=request.headers,
            body=body,
        )
        self._check_nonce(request.headers.get("x-acs-signature-nonce", ""))
        if action == QUERY_NUMBERS:  # a signed, fresh call of this account's key
            self.world.accounts[key.account].number_queries += 1
        self._check_token(key, request.headers.get("x-acs-security-token"))
        if not key.enabled:
            raise SignatureProblem("Forbidden.AccessKeyDisabled", "The AccessKey is disabled.", 403)
        if request.headers.get("x-acs-version", params.get("Version")) != self.config.api_version:
            raise SignatureProblem(
                "InvalidVersion", "Specified parameter Version is not valid.", 400
            )
        numbers_query = self.config.numbers_query if action == QUERY_NUMBERS else "allowed"
        if (
            action not in ALL_ACTIONS
            or action in self.config.missing_actions
            or numbers_query == "unknown"
        ):
            raise SignatureProblem(
                "InvalidAction.NotFound", f"Specified api {action!r} is not found.", 404
            )
        if action not in key.actions or numbers_query == "denied":
            raise ActionRefused(
                self.config.ram_denial_code,
                f"User not authorized to operate on the specified resource: cams:{action}",
                403,
                detail={
                    "AuthAction": f"cams:{action}",
                    "AuthPrincipalType": "SubUser",
                    "AuthPrincipalDisplayName": key.key_id,
                    "AuthPrincipalOwnerId": key.account,
                    "PolicyType": "AccountLevelIdentityBasedPolicy",
                    "NoPermissionType": "ImplicitDeny",
                    "EncodedDiagnosticMessage": uuid.uuid4().hex,
                },
                business=False,
            )
        account = self.world.accounts[key.account]
        if not account.subscribed:
            raise SignatureProblem(
                "Product.Unsubscript", "You have not activated Chat App Message Service."
            )
        return key.account

    @staticmethod
    def _check_v3_headers(request: web.Request, params: dict[str, str]) -> None:
        """The ACS3 headers the gateway needs before it can even verify a signature."""
        headers = request.headers
        for name in ("x-acs-action", "x-acs-content-sha256"):
            if not headers.get(name):
                raise SignatureProblem(
                    "MissingParameter",
                    f"The input parameter {name} that is mandatory for processing this "
                    "request is not supplied.",
                )
        named = params.get("Action")
        if named and named != headers["x-acs-action"]:
            raise SignatureProblem(
                "InvalidParameter",
                f"The specified parameter Action ({named}) does not match x-acs-action "
                f"({headers['x-acs-action']}).",
            )

    def _check_token(self, key: AccessKey, token: str | None) -> None:
        """A temporary (STS) key needs its own token, before it expires."""
        if key.security_token is None:
            return
        if not token:
            raise SignatureProblem(
                "MissingSecurityToken", "SecurityToken is mandatory for this AccessKey."
            )
        if not _same_secret(token, key.security_token):
            raise SignatureProblem(
                "InvalidSecurityToken.MismatchWithAccessKey",
                "Specified SecurityToken mismatch with the AccessKey.",
            )
        if key.expires_at is not None and self._wall() >= key.expires_at:
            raise SignatureProblem(
                "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."
            )

    def _check_date(self, value: str) -> None:
        try:
            sent = timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            raise SignatureProblem(
                "InvalidTimeStamp.Format", "x-acs-date must be UTC like 2026-01-31T12:00:00Z"
            ) from None
        if abs(self._wall() - sent) > MAX_SKEW_SECONDS:
            raise SignatureProblem(
                "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
            )

    def _check_nonce(self, nonce: str) -> None:
        if not nonce:
            raise SignatureProblem("MissingParameter", "x-acs-signature-nonce is required")
        now = self._wall()
        # A nonce only needs remembering while its date is acceptable; the oldest come
        # first, so expiry is O(1) per request.
        cutoff = now - 2 * MAX_SKEW_SECONDS
        while self._nonces and next(iter(self._nonces.values())) < cutoff:
            self._nonces.popitem(last=False)
        if nonce in self._nonces:
            raise SignatureProblem(
                "SignatureNonceUsed", "Specified signature nonce was used already."
            )
        self._nonces[nonce] = now

    def _act(
        self, account_name: str, action: str, params: dict[str, str], request: web.Request
    ) -> dict[str, Any]:
        """Do the action; return the answer's fields beside the envelope (``Data`` for the
        QR actions, ``PhoneNumbers`` for QueryChatappPhoneNumbers)."""
        account = self.world.accounts[account_name]
        phone = params.get("PhoneNumber", "")
        space = params.get("CustSpaceId", "")
        message = params.get("PrefilledMessage", "")
        image = params.get("GenerateQrImage", "")
        if self.config.accept_lowercase_image_type:
            image = image.upper()
        base = f"{request.scheme}://{request.host}"
        if action == "CreatePhoneMessageQrdl":
            return {"Data": _describe(account.create(phone, message, image, space), base)}
        if action == "ListPhoneMessageQrdl":
            return {"Data": [_describe(code, base) for code in account.list(phone, space)]}
        if action == "UpdatePhoneMessageQrdl":
            code = params.get("QrdlCode", "")
            return {"Data": _describe(account.update(phone, code, message, image, space), base)}
        if action == "DeletePhoneMessageQrdl":
            account.delete(phone, params.get("QrdlCode", ""), space)
            return {"Data": None}
        if action == QUERY_NUMBERS:
            numbers = account.query_numbers(space, params.get("Status", ""))
            return {"PhoneNumbers": [_describe_number(number) for number in numbers]}
        raise ActionRefused(  # unreachable: _authenticate refuses unknown actions
            "InvalidAction.NotFound", f"Specified api {action!r} is not found.", 404
        )

    # Answers ----------------------------------------------------------------------

    @staticmethod
    def _json(
        status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> web.Response:
        return web.Response(
            status=status,
            text=json.dumps(payload, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )

    def _refusal(self, request_id: str, refused: ActionRefused) -> web.Response:
        code = refused.code
        if self.config.dotted_codes:
            code = DOTTED_CODES.get(code, code)
        status = 200 if refused.business and self.config.errors_as_http_200 else refused.status
        return self._error(request_id, status, code, refused.message, detail=refused.detail)

    def _error(
        self,
        request_id: str,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        detail: dict[str, str] | None = None,
    ) -> web.Response:
        """An error answer as the gateway writes it, in JSON or (an option) XML."""
        recommend = (
            f"https://api.alibabacloud.com/troubleshoot?q={code}&product=cams"
            f"&requestId={request_id}"
        )
        if self.config.error_format == "xml":
            fields = {
                "RequestId": request_id,
                "HostId": self.config.host_id,
                "Code": code,
                "Message": message,
                "Recommend": recommend,
            }
            inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
            if detail:
                inner += (
                    "<AccessDeniedDetail>"
                    + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in detail.items())
                    + "</AccessDeniedDetail>"
                )
            return web.Response(
                status=status,
                body=f"<?xml version='1.0' encoding='UTF-8'?><Error>{inner}</Error>".encode(),
                headers={**(headers or {}), "Content-Type": "text/xml;charset=utf-8"},
            )
        payload = {
            "RequestId": request_id,
            "HostId": self.config.host_id,
            "Code": code,
            "Message": message,
            "Recommend": recommend,
            "AccessDeniedDetail": detail,
        }
        return self._json(status, payload, headers)

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise web.HTTPServiceUnavailable()  # never reaches the client: the socket is gone


def _same_secret(given: str, expected: str) -> bool:
    """Compare a token in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _describe(code: Code, base: str) -> dict[str, str]:
    ext = code.image_type.lower()
    return {
        "QrdlCode": code.code,
        "PhoneNumber": code.phone,
        "PrefilledMessage": code.message,
        "GenerateQrImage": code.image_type,
        "DeepLinkUrl": f"https://wa.me/message/{code.code}",
        "QrImageUrl": f"{base}/qr/{code.phone}/{code.code}.{ext}",
    }


def _describe_number(number: BusinessNumber) -> dict[str, Any]:
    """One ``PhoneNumbers`` item with every field of the SDK's model; the callback and
    queue settings are blank (none configured), calling is disabled."""
    return {
        "PhoneNumber": number.phone,
        "VerifiedName": number.verified_name,
        "Status": number.status,
        "QualityRating": number.quality_rating,
        "MessagingLimitTier": number.messaging_limit_tier,
        "CodeVerificationStatus": number.code_verification_status,
        "NameStatus": number.name_status,
        "NewNameStatus": "NONE",
        "IsOfficial": "false",
        "UpCallbackUrl": "",
        "StatusCallbackUrl": "",
        "UpQueue": "",
        "StatusQueue": "",
        "CallingConfigure": {
            "Calling": {"Status": "DISABLED"},
            "CallingCallbackUrl": "",
            "MaxTalkTime": 0,
        },
    }
