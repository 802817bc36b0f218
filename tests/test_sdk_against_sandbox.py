"""The official SDK client (alibabacloud-cams20200606) works against the sandbox:
proof that the sandbox speaks CAMS as the real SDK does, signatures included."""

from __future__ import annotations

import pytest
from alibabacloud_cams20200606 import models as cams_models
from alibabacloud_cams20200606.client import Client as SdkClient
from alibabacloud_tea_openapi import models as openapi_models

from qrbatch.sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, SandboxThread

PHONE = "6281234567890"


def sdk_client(url: str, secret: str = DEMO_KEY_SECRET) -> SdkClient:
    config = openapi_models.Config(
        access_key_id=DEMO_KEY_ID,
        access_key_secret=secret,
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
