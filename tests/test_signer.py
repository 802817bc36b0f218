"""The signer agrees with the official SDK's ACS3-HMAC-SHA256 code, byte for byte."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from alibabacloud_tea_openapi.utils import Utils as SdkUtils
from hypothesis import given, settings
from hypothesis import strategies as st

from qrbatch.cams.credentials import Credentials
from qrbatch.cams.signer import EMPTY_SHA256, canonical_query, percent_encode, sign

TRICKY = st.sampled_from(
    [
        " ",
        "+",
        "*",
        "~",
        "/",
        "&",
        "=",
        "%",
        "?",
        "#",
        "'",
        '"',
        "é",
        "你好",
        "🎉",
        "\n",
        "-",
        "_",
        ".",
    ]
)
MESSAGES = st.one_of(
    st.text(min_size=1, max_size=140),
    st.lists(TRICKY, min_size=1, max_size=140).map("".join),
    st.just("x" * 140),
)


def sdk_authorization(
    headers: dict[str, str], query: dict[str, str], secret: str, key_id: str
) -> str:
    request = SimpleNamespace(
        pathname="/",
        method="POST",
        query=query,
        headers={k: v for k, v in headers.items() if k != "Authorization"},
    )
    payload = hashlib.sha256(b"").hexdigest()
    return str(SdkUtils.get_authorization(request, "ACS3-HMAC-SHA256", payload, key_id, secret))


@settings(max_examples=300, deadline=None)
@given(
    message=MESSAGES,
    phone=st.from_regex(r"\A[1-9][0-9]{7,14}\Z"),
    image=st.sampled_from(["PNG", "SVG"]),
    space=st.one_of(st.none(), st.text(min_size=1, max_size=20)),
    secret=st.text(min_size=1, max_size=40),
    token=st.one_of(st.none(), st.text(alphabet="abcXYZ019+/=", min_size=1, max_size=30)),
)
def test_authorization_matches_the_official_sdk(
    message: str, phone: str, image: str, space: str | None, secret: str, token: str | None
) -> None:
    query = {"PhoneNumber": phone, "PrefilledMessage": message, "GenerateQrImage": image}
    if space is not None:
        query["CustSpaceId"] = space
    creds = Credentials("LTAI-test-key", secret, token)
    headers = sign(
        credentials=creds,
        method="POST",
        host="cams.ap-southeast-1.aliyuncs.com",
        action="CreatePhoneMessageQrdl",
        query=query,
        date="2026-11-27T10:00:00Z",
        nonce="3b1f0c3e9a3c4d2b",
    )
    assert headers["Authorization"] == sdk_authorization(headers, query, secret, "LTAI-test-key")


def test_signed_headers_are_host_and_every_x_acs_header() -> None:
    headers = sign(
        credentials=Credentials("id", "secret", "sts-token"),
        method="POST",
        host="h",
        action="ListPhoneMessageQrdl",
        query={"PhoneNumber": "1"},
        date="d",
        nonce="n",
    )
    signed = headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert signed == sorted(h for h in headers if h != "Authorization")
    assert "host" in signed and "x-acs-security-token" in signed
    assert headers["x-acs-content-sha256"] == EMPTY_SHA256
    assert headers["x-acs-version"] == "2020-06-06"


def test_canonical_query_encodes_like_rfc3986() -> None:
    assert canonical_query({"b": "a b", "a": "x+y*z~"}) == "a=x%2By%2Az~&b=a%20b"
    assert percent_encode("你") == "%E4%BD%A0"


def test_the_secret_never_shows_in_repr() -> None:
    creds = Credentials("LTAI-visible", "very-secret-value", "sts-secret-token")
    assert "very-secret-value" not in repr(creds)
    assert "sts-secret-token" not in repr(creds)
    assert "LTAI-visible" in repr(creds)
