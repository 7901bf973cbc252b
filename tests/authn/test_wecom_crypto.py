"""WeChat Work callback crypto, against WeChat Work's own published sample and a sender."""

from __future__ import annotations

import pytest

from authn.dingtalk import sign, verify
from authn.wecom import CallbackRejected, WeComCrypto, signature

# The sample of WeChat Work's documentation (WXBizMsgCrypt Sample.py, "假设企业在企业微信后台设置
# 的参数如下"): its URL check and its encrypted user message.
DOC = WeComCrypto(
    "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "ww1436e0e65a779aee",
)
DOC_ECHO = (
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
)
DOC_MESSAGE = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGz"
    "BhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3J"
    "WcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQH"
    "E7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYu"
    "PDGOCI8jmnKiypE+"
)


def test_the_documentation_url_check() -> None:
    echo = DOC.open("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", DOC_ECHO)
    assert echo == "1288432023552776189"


def test_the_documentation_message() -> None:
    plain = DOC.open(
        "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", DOC_MESSAGE
    )
    assert "<FromUserName>ChenJiaShun</FromUserName>" in plain
    assert "<Content>你好</Content>" in plain
    assert "<MsgId>1456453720</MsgId>" in plain


def test_a_wrong_signature_token_or_corp_is_refused() -> None:
    with pytest.raises(CallbackRejected):
        DOC.open("0" * 40, "1476416373", "47744683", DOC_ECHO)
    other_token = WeComCrypto("other", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "x")
    with pytest.raises(CallbackRejected):
        other_token.open(
            "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", DOC_ECHO
        )
    other_corp = WeComCrypto(
        "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
        "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
        "ww0000000000000000",
    )
    with pytest.raises(CallbackRejected, match="corp"):
        other_corp.decrypt(DOC_ECHO)


def test_round_trip_with_a_sender_and_tampering() -> None:
    text = "<xml><Content>你好，我想了解报价</Content></xml>" * 3
    envelope = DOC.encrypt(text)
    assert DOC.decrypt(envelope) == text
    sig = signature(DOC.token, "1", "2", envelope)
    assert DOC.open(sig, "1", "2", envelope) == text
    for broken in ("not base64!", envelope[:-8] + "AAAAAAA=", ""):
        with pytest.raises(CallbackRejected):
            DOC.decrypt(broken)


def test_a_bad_encoding_aes_key_fails_loudly() -> None:
    with pytest.raises(ValueError, match="AES"):
        WeComCrypto("t", "short", "c")


def test_dingtalk_sign_and_age() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    stamp = str(int(now.timestamp() * 1000))
    verify("secret", stamp, sign("secret", stamp), now + timedelta(minutes=59))
    with pytest.raises(CallbackRejected, match="hour"):
        verify("secret", stamp, sign("secret", stamp), now + timedelta(minutes=61))
    with pytest.raises(CallbackRejected):
        verify("secret", stamp, sign("other", stamp), now)
    with pytest.raises(CallbackRejected):
        verify("secret", None, None, now)
