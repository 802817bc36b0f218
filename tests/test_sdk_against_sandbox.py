"""The official SDK client (alibabacloud-cams20200606) works against the sandbox:
proof that the sandbox speaks CAMS as the real SDK does, signatures included."""

from __future__ import annotations

import pytest
from alibabacloud_cams20200606 import models as cams_models
from alibabacloud_cams20200606.client import Client as SdkClient
from alibabacloud_tea_openapi import models as openapi_models

from qrbatch.sandbox import (
    DEMO_KEY_ID,
    DEMO_KEY_SECRET,
    NumbersQuery,
    Sandbox,
    SandboxConfig,
    SandboxThread,
    World,
)

PHONE = "6281234567890"


def sdk_client(
    url: str,
    secret: str = DEMO_KEY_SECRET,
    *,
    key_id: str = DEMO_KEY_ID,
    token: str | None = None,
) -> SdkClient:
    config = openapi_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=url.removeprefix("http://"),
        protocol="HTTP",
        region_id="ap-southeast-1",
    )
    return SdkClient(config)


def test_official_sdk_creates_lists_and_deletes_a_code(sandbox_thread: SandboxThread) -> None:
    client = sdk_client(sandbox_thread.url)
    message = "Hello + welcome & 你好 🎉 ~*/="
    created = client.create_phone_message_qrdl(
        cams_models.CreatePhoneMessageQrdlRequest(
            phone_number=PHONE, prefilled_message=message, generate_qr_image="PNG"
        )
    )
    data = created.body.data
    assert created.body.code == "OK"
    assert data.prefilled_message == message
    assert data.deep_link_url == f"https://wa.me/message/{data.qrdl_code}"
    assert len(data.qrdl_code) == 14

    listed = client.list_phone_message_qrdl(
        cams_models.ListPhoneMessageQrdlRequest(phone_number=PHONE)
    )
    assert [item.qrdl_code for item in listed.body.data] == [data.qrdl_code]

    deleted = client.delete_phone_message_qrdl(
        cams_models.DeletePhoneMessageQrdlRequest(phone_number=PHONE, qrdl_code=data.qrdl_code)
    )
    assert deleted.body.code == "OK"
    assert sandbox_thread.sandbox.world.accounts["demo"].codes[PHONE] == {}


def test_official_sdk_with_a_wrong_secret_is_refused(sandbox_thread: SandboxThread) -> None:
    client = sdk_client(sandbox_thread.url, secret="not-the-secret")
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        client.list_phone_message_qrdl(cams_models.ListPhoneMessageQrdlRequest(phone_number=PHONE))


def test_official_sdk_update_gets_a_new_code_and_the_old_one_is_gone(
    sandbox_thread: SandboxThread,
) -> None:
    client = sdk_client(sandbox_thread.url)
    old = client.create_phone_message_qrdl(
        cams_models.CreatePhoneMessageQrdlRequest(
            phone_number=PHONE, prefilled_message="first", generate_qr_image="PNG"
        )
    ).body.data.qrdl_code
    updated = client.update_phone_message_qrdl(
        cams_models.UpdatePhoneMessageQrdlRequest(
            phone_number=PHONE, qrdl_code=old, prefilled_message="second", generate_qr_image="SVG"
        )
    ).body.data
    assert updated.qrdl_code != old
    assert updated.deep_link_url == f"https://wa.me/message/{updated.qrdl_code}"
    listed = client.list_phone_message_qrdl(
        cams_models.ListPhoneMessageQrdlRequest(phone_number=PHONE)
    )
    assert [item.qrdl_code for item in listed.body.data] == [updated.qrdl_code]
    with pytest.raises(Exception, match="NotFound"):
        client.delete_phone_message_qrdl(
            cams_models.DeletePhoneMessageQrdlRequest(phone_number=PHONE, qrdl_code=old)
        )


def test_official_sdk_with_an_sts_token_passes_and_an_expired_one_is_refused() -> None:
    world = World.demo()
    world.add_key("STS.live", "s-live", "demo", security_token="tok-live")
    world.add_key("STS.gone", "s-gone", "demo", security_token="tok-gone", expires_at=1.0)
    request = cams_models.ListPhoneMessageQrdlRequest(phone_number=PHONE)
    with SandboxThread(Sandbox(world, SandboxConfig(qps=100))) as server:
        live = sdk_client(server.url, key_id="STS.live", secret="s-live", token="tok-live")
        assert live.list_phone_message_qrdl(request).body.code == "OK"
        gone = sdk_client(server.url, key_id="STS.gone", secret="s-gone", token="tok-gone")
        with pytest.raises(Exception, match="InvalidSecurityToken.Expired"):
            gone.list_phone_message_qrdl(request)


def test_official_sdk_reads_the_sandbox_xml_errors() -> None:
    config = SandboxConfig(qps=100, error_format="xml")
    with SandboxThread(Sandbox(config=config)) as server:
        client = sdk_client(server.url)
        with pytest.raises(Exception, match="Unknown.ResourceOwnerId"):
            client.list_phone_message_qrdl(
                cams_models.ListPhoneMessageQrdlRequest(phone_number="6599999999")
            )


def test_official_sdk_queries_the_accounts_numbers_with_their_details() -> None:
    world = World.demo(
        numbers=(PHONE, ("6591234567", "FLAGGED", "Kedai Kopi"), ("14155550123", "BANNED", ""))
    )
    with SandboxThread(Sandbox(world, SandboxConfig(qps=100))) as server:
        client = sdk_client(server.url)
        every = client.query_chatapp_phone_numbers(
            cams_models.QueryChatappPhoneNumbersRequest()
        ).body
        flagged = client.query_chatapp_phone_numbers(
            cams_models.QueryChatappPhoneNumbersRequest(
                status="FLAGGED", cust_space_id="cams-demo-space"
            )
        ).body
    assert (every.code, every.message) == ("OK", "OK")
    assert [
        (n.phone_number, n.verified_name, n.status, n.quality_rating) for n in every.phone_numbers
    ] == [
        ("14155550123", "Demo Store 0123", "BANNED", "GREEN"),
        (PHONE, "Demo Store 7890", "CONNECTED", "GREEN"),
        ("6591234567", "Kedai Kopi", "FLAGGED", "GREEN"),
    ]
    first = every.phone_numbers[0]
    assert (first.messaging_limit_tier, first.code_verification_status) == ("TIER_1K", "VERIFIED")
    assert (first.name_status, first.is_official, first.up_callback_url) == (
        "APPROVED",
        "false",
        "",
    )
    assert first.calling_configure is not None
    assert [n.phone_number for n in flagged.phone_numbers] == ["6591234567"]
    assert server.sandbox.world.accounts["demo"].number_queries == 2


@pytest.mark.parametrize(
    ("numbers_query", "code"),
    [("denied", "Forbidden.RAM"), ("unknown", "InvalidAction.NotFound")],
)
def test_official_sdk_is_refused_the_query_by_the_switches(
    numbers_query: NumbersQuery, code: str
) -> None:
    config = SandboxConfig(qps=100, numbers_query=numbers_query)
    with SandboxThread(Sandbox(config=config)) as server:
        client = sdk_client(server.url)
        with pytest.raises(Exception, match=code):
            client.query_chatapp_phone_numbers(cams_models.QueryChatappPhoneNumbersRequest())
        listed = client.list_phone_message_qrdl(
            cams_models.ListPhoneMessageQrdlRequest(phone_number=PHONE)
        )
    assert listed.body.code == "OK"
