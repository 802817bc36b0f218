"""The sandbox behaves like CAMS: signatures, nonces, clock skew, limits, rules, faults."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import aiohttp
import anyio
import pytest
import zxingcpp
from PIL import Image

from qrbatch.cams.credentials import Credentials
from qrbatch.sandbox import DEMO_KEY_ID, Faults, Sandbox, SandboxConfig, World
from qrbatch.sandbox.limiters import FixedWindow, SlidingWindow, TokenBucket
from qrbatch.sandbox.server import running_sandbox
from qrbatch.sandbox.state import MAX_CODES_PER_NUMBER, Code
from tests.support.signed_calls import call, create_params

pytestmark = pytest.mark.anyio

PHONE = "6281234567890"


async def test_a_good_request_creates_a_code() -> None:
    async with running_sandbox(Sandbox()) as (sandbox, url):
        status, body = await call(url, "CreatePhoneMessageQrdl", create_params())
    assert (status, body["Code"]) == (200, "OK")
    assert body["Data"]["DeepLinkUrl"] == f"https://wa.me/message/{body['Data']['QrdlCode']}"
    assert sandbox.world.accounts["demo"].created == 1


async def test_a_reused_nonce_is_refused() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        first, _ = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": PHONE}, nonce="abc")
        second, body = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": PHONE}, nonce="abc")
    assert first == 200
    assert (second, body["Code"]) == (400, "SignatureNonceUsed")


@pytest.mark.parametrize(
    ("skew_minutes", "code"),
    [(14, "OK"), (-14, "OK"), (16, "InvalidTimeStamp.Expired"), (-16, "InvalidTimeStamp.Expired")],
)
async def test_dates_more_than_15_minutes_off_are_refused(skew_minutes: int, code: str) -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        date = datetime.now(UTC) + timedelta(minutes=skew_minutes)
        _, body = await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": PHONE}, date=date)
    assert body["Code"] == code


async def test_wrong_secret_unknown_key_and_unsigned_headers_are_refused() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        params = {"PhoneNumber": PHONE}
        _, wrong = await call(
            url, "ListPhoneMessageQrdl", params, creds=Credentials(DEMO_KEY_ID, "nope")
        )
        status, unknown = await call(
            url, "ListPhoneMessageQrdl", params, creds=Credentials("LTAInobody", "x")
        )
        _, unsigned = await call(
            url, "ListPhoneMessageQrdl", params, extra_headers={"x-acs-extra": "1"}
        )
        _, tampered = await call(
            url,
            "ListPhoneMessageQrdl",
            params,
            extra_headers={"x-acs-action": "CreatePhoneMessageQrdl"},
        )
    assert wrong["Code"] == "SignatureDoesNotMatch"
    assert (status, unknown["Code"]) == (404, "InvalidAccessKeyId.NotFound")
    assert unsigned["Code"] == "IncompleteSignature"
    assert tampered["Code"] == "SignatureDoesNotMatch"


async def test_parameters_in_a_form_body_are_accepted() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        status, body = await call(
            url, "CreatePhoneMessageQrdl", create_params("a b+c"), as_form=True
        )
    assert (status, body["Data"]["PrefilledMessage"]) == (200, "a b+c")


async def test_more_than_5_calls_in_a_second_get_limit_control() -> None:
    async with running_sandbox(Sandbox(config=SandboxConfig(qps=5))) as (sandbox, url):
        codes = [
            (await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": PHONE}))[1]["Code"]
            for _ in range(8)
        ]
    assert codes[:5] == ["OK"] * 5
    assert set(codes[5:]) == {"System.LimitControl"}
    assert sandbox.stats.throttled == 3


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (create_params("x" * 141), "InvalidParameter"),
        (create_params(""), "MissingParameter"),
        (create_params(image="JPG"), "InvalidParameter"),
        (create_params(phone="6599999999"), "Unknown.ResourceOwnerId"),
        ({**create_params(), "CustSpaceId": "not-mine"}, "Unknown.ResourceOwnerId"),
    ],
)
async def test_business_rules(params: dict[str, str], code: str) -> None:
    async with running_sandbox(Sandbox()) as (sandbox, url):
        _, body = await call(url, "CreatePhoneMessageQrdl", params)
    assert body["Code"] == code
    assert sandbox.world.accounts["demo"].created == 0


async def test_140_characters_is_allowed_and_the_2000th_code_is_the_last() -> None:
    async with running_sandbox(Sandbox()) as (sandbox, url):
        account = sandbox.world.accounts["demo"]
        _, ok = await call(url, "CreatePhoneMessageQrdl", create_params("é" * 140))
        account.codes[PHONE] = {
            f"C{i:013d}": Code(f"C{i:013d}", PHONE, f"m{i}", "PNG", "")
            for i in range(MAX_CODES_PER_NUMBER)
        }
        _, full = await call(url, "CreatePhoneMessageQrdl", create_params("one more"))
    assert ok["Code"] == "OK"
    assert full["Code"] == "QrdlLimitExceeded"


async def test_account_level_refusals() -> None:
    world = World.demo()
    world.add_key("LTAIdisabled", "s1", "demo", enabled=False)
    world.add_key("LTAIlistonly", "s2", "demo", actions={"ListPhoneMessageQrdl"})
    world.add_account("unsubscribed", numbers=[PHONE], subscribed=False)
    world.add_key("LTAIunsub", "s3", "unsubscribed")
    async with running_sandbox(Sandbox(world)) as (_, url):
        _, disabled = await call(
            url,
            "ListPhoneMessageQrdl",
            {"PhoneNumber": PHONE},
            creds=Credentials("LTAIdisabled", "s1"),
        )
        _, denied = await call(
            url, "CreatePhoneMessageQrdl", create_params(), creds=Credentials("LTAIlistonly", "s2")
        )
        _, unsub = await call(
            url,
            "ListPhoneMessageQrdl",
            {"PhoneNumber": PHONE},
            creds=Credentials("LTAIunsub", "s3"),
        )
    assert disabled["Code"] == "Forbidden.AccessKeyDisabled"
    assert denied["Code"] == "Forbidden.RAM" and "cams:CreatePhoneMessageQrdl" in denied["Message"]
    assert unsub["Code"] == "Product.Unsubscript"


async def test_qr_image_urls_serve_a_real_qr_of_the_deep_link() -> None:
    async with running_sandbox(Sandbox()) as (_, url):
        _, png = await call(url, "CreatePhoneMessageQrdl", create_params("png"))
        _, svg = await call(url, "CreatePhoneMessageQrdl", create_params("svg", image="SVG"))
        async with aiohttp.ClientSession() as session:
            async with session.get(png["Data"]["QrImageUrl"]) as response:
                png_bytes = await response.read()
                png_type = response.content_type
            async with session.get(svg["Data"]["QrImageUrl"]) as response:
                svg_text = await response.text()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))
    assert png_type == "image/png"
    assert [code.text for code in decoded] == [png["Data"]["DeepLinkUrl"]]
    assert svg_text.lstrip().startswith("<?xml") and "<svg" in svg_text


async def test_a_connection_dropped_after_commit_still_created_the_code() -> None:
    config = SandboxConfig(faults=Faults(drop_after_commit=1.0))
    async with running_sandbox(Sandbox(config=config)) as (sandbox, url):
        with pytest.raises(aiohttp.ClientError):
            await call(url, "CreatePhoneMessageQrdl", create_params())
    assert sandbox.world.accounts["demo"].created == 1


def test_sliding_window_allows_limit_in_any_second() -> None:
    limiter = SlidingWindow(5)
    assert [limiter.try_acquire(t) for t in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.99)] == [True] * 5 + [
        False
    ] * 2
    assert limiter.try_acquire(1.0) is True  # the call at 0.0 left the window
    assert limiter.try_acquire(1.05) is False


def test_fixed_window_resets_each_second() -> None:
    limiter = FixedWindow(5)
    assert [limiter.try_acquire(0.9) for _ in range(6)] == [True] * 5 + [False]
    assert [limiter.try_acquire(1.0) for _ in range(5)] == [True] * 5  # 10 in 0.1 s: legal here


def test_token_bucket_refills_at_the_rate() -> None:
    limiter = TokenBucket(5, 5)
    assert [limiter.try_acquire(0.0) for _ in range(6)] == [True] * 5 + [False]
    assert limiter.try_acquire(0.1) is False
    assert limiter.try_acquire(0.2) is True


def test_the_sandbox_does_not_import_the_client_signer() -> None:
    import pathlib

    import qrbatch.sandbox

    folder = pathlib.Path(qrbatch.sandbox.__file__).parent
    sources = "".join(p.read_text() for p in folder.glob("*.py"))
    assert "qrbatch.cams" not in sources


async def test_a_foreign_consumer_takes_part_of_the_account_quota() -> None:
    config = SandboxConfig(qps=5, foreign_qps=1.0)
    async with running_sandbox(Sandbox(config=config)) as (sandbox, url):
        await anyio.sleep(0.05)  # the foreign program has made its first call
        codes = [
            (await call(url, "ListPhoneMessageQrdl", {"PhoneNumber": PHONE}))[1]["Code"]
            for _ in range(6)
        ]
    assert sandbox.stats.foreign_accepted >= 1
    assert codes.count("OK") == 4  # 5 per second, minus the foreign program's call
