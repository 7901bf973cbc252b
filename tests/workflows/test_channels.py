"""CONTRACT §9, channels over real HTTP: web forms, WeChat Work and DingTalk callbacks."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from authn.dingtalk import sign
from authn.wecom import WeComCrypto, signature
from domain.clock import ManualClock
from prism.app import create_app
from prism.settings import Settings
from tests import factories as f
from tests.conftest import Api
from tests.workflows.lead_world import MONDAY_10, create_rule, data, gid, scalar, team

TOKEN, AES_KEY, CORP = "prismtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "ww0prism0corp"
SECRET = "SEC-dingtalk-secret"
SENDER = WeComCrypto(TOKEN, AES_KEY, CORP)  # plays WeChat Work in these tests


@pytest.fixture
async def channels(
    db: AsyncEngine, database_url: str, settings: Settings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    configured = dataclasses.replace(
        settings,
        wecom_token=TOKEN,
        wecom_aes_key=AES_KEY,
        wecom_corp_id=CORP,
        dingtalk_secret=SECRET,
    )
    app = create_app(configured, database_url, clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://prism.test") as client:
        yield client
    await app.state.prism.reads.aclose()
    await app.state.prism.engine.dispose()


async def rows(api: Api) -> tuple[int, int]:
    leads = await scalar(api, "SELECT count(*) FROM lead")
    touches = await scalar(api, "SELECT count(*) FROM interaction")
    return int(leads), int(touches)


CREATE_FORM = """
mutation($input: CreateWebFormInput!) {
  createWebForm(input: $input) { formKey webForm { id name formKey campaignId }
    userErrors { field message code } }
}"""


async def _form(api: Api) -> str:
    campaign = gid("Campaign", await f.campaign(api.engine))
    body = await api.query(
        CREATE_FORM, {"input": {"name": "官网咨询", "campaignId": campaign}}, sub="admin"
    )
    created = data(body, "createWebForm")
    assert created["userErrors"] == []
    assert created["webForm"]["campaignId"] == campaign
    return str(created["formKey"])


async def test_web_form_leads_are_routed_and_merged_within_24_hours(
    api: Api, channels: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(MONDAY_10)
    people = await team(api)
    await create_rule(api, name="web", strategy="ROUND_ROBIN", assigneeIds=people.rep_ids[:2])
    key = await _form(api)
    first = {"company": "杭州云帆科技", "name": "张伟", "phone": "13912345678", "message": "报价"}
    response = await channels.post(f"/channels/web-form/{key}", json=first)
    assert response.status_code == 202, response.text
    assert response.json()["merged"] is False
    assert await rows(api) == (1, 1)
    lead = await scalar(api, "SELECT status || ' ' || source FROM lead")
    assert lead == "ASSIGNED WEB_FORM"
    # The same phone within 24 hours, form-encoded this time: a touchpoint, not a new lead.
    clock.advance(timedelta(hours=23))
    again = await channels.post(
        f"/channels/web-form/{key}",
        content="phone=13912345678&message=%E5%86%8D%E6%AC%A1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert again.status_code == 202
    assert again.json()["merged"] is True
    assert await rows(api) == (1, 2)
    clock.advance(timedelta(hours=2))
    later = await channels.post(f"/channels/web-form/{key}", json=first)
    assert later.json()["merged"] is False
    assert await rows(api) == (2, 3)
    kinds = await scalar(api, "SELECT string_agg(DISTINCT kind::text, ',') FROM interaction")
    assert kinds == "FORM_SUBMISSION"


async def test_web_form_refusals_write_nothing(api: Api, channels: httpx.AsyncClient) -> None:
    await team(api, reps=1)
    key = await _form(api)
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("nope", {"json": {"phone": "13912345678"}}, 404),
        (key, {"json": {"name": "没有联系方式"}}, 400),
        (key, {"json": {"phone": "12"}}, 400),
        (key, {"json": {"phone": ["13912345678"]}}, 400),
        (key, {"json": [1, 2]}, 400),
        (key, {"content": "x", "headers": {"content-type": "text/plain"}}, 400),
        (key, {"content": b"{" * 70_000, "headers": {"content-type": "application/json"}}, 413),
    ]
    for form_key, kwargs, status in cases:
        response = await channels.post(f"/channels/web-form/{form_key}", **kwargs)
        assert response.status_code == status, (kwargs, response.text)
        assert "Traceback" not in response.text
    assert await rows(api) == (0, 0)


def _wecom_post(
    message_id: str, sender: str, text: str, crypto: WeComCrypto = SENDER
) -> dict[str, Any]:
    inner = (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName>"
        f"<FromUserName><![CDATA[{sender}]]></FromUserName><CreateTime>1476422779</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        f"<MsgId>{message_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )
    envelope = crypto.encrypt(inner)
    stamp, nonce = str(int(time.time())), "1597212914"
    return {
        "params": {
            "msg_signature": signature(TOKEN, stamp, nonce, envelope),
            "timestamp": stamp,
            "nonce": nonce,
        },
        "content": f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName>"
        f"<Encrypt><![CDATA[{envelope}]]></Encrypt><AgentID>1000002</AgentID></xml>",
    }


async def test_wechat_work_url_check(channels: httpx.AsyncClient) -> None:
    echo = SENDER.encrypt("8203749182374")
    params = {"timestamp": "1476416373", "nonce": "47744683", "echostr": echo}
    good = {**params, "msg_signature": signature(TOKEN, "1476416373", "47744683", echo)}
    response = await channels.get("/channels/wechat-work", params=good)
    assert response.status_code == 200
    assert response.text == "8203749182374"
    bad = await channels.get("/channels/wechat-work", params={**params, "msg_signature": "0" * 40})
    assert bad.status_code == 401


async def test_wechat_work_messages(api: Api, channels: httpx.AsyncClient) -> None:
    await team(api, reps=1)
    first = await channels.post("/channels/wechat-work", **_wecom_post("m1", "LiLei", "你好"))
    assert first.status_code == 200, first.text
    assert first.text == "success"
    assert await rows(api) == (1, 1)
    assert await scalar(api, "SELECT source FROM lead") == "WECHAT_WORK"
    # Delivered twice: recorded once. Another message: the same lead.
    await channels.post("/channels/wechat-work", **_wecom_post("m1", "LiLei", "你好"))
    await channels.post("/channels/wechat-work", **_wecom_post("m2", "LiLei", "报价多少"))
    assert await rows(api) == (1, 2)
    # A known contact's message lands on the customer's timeline.
    customer = await f.customer(api.engine)
    contact = await f.contact(api.engine, customer, wecom_user_id="HanMeimei")
    await channels.post("/channels/wechat-work", **_wecom_post("m3", "HanMeimei", "设备报警"))
    on_timeline = await scalar(
        api,
        "SELECT count(*) FROM interaction WHERE contact_id = :c AND customer_id = :k",
        c=contact,
        k=customer,
    )
    assert on_timeline == 1
    assert await rows(api) == (1, 3)


async def test_wechat_work_refusals_write_nothing(api: Api, channels: httpx.AsyncClient) -> None:
    forged = _wecom_post("m9", "Mallory", "hi")
    forged["params"]["msg_signature"] = "0" * 40
    other_corp = WeComCrypto(TOKEN, AES_KEY, "ww0someone0else")
    tampered = _wecom_post("m9", "Mallory", "hi")
    tampered["content"] = tampered["content"].replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[A")
    entity = _wecom_post("m9", "Mallory", "hi")
    entity["content"] = '<!DOCTYPE x [<!ENTITY e "e">]>' + entity["content"]
    for attempt in (forged, _wecom_post("m9", "Mallory", "hi", other_corp), tampered, entity):
        response = await channels.post("/channels/wechat-work", **attempt)
        assert response.status_code == 401, response.text
    missing = await channels.post("/channels/wechat-work", content="<xml/>")
    assert missing.status_code == 401
    assert await rows(api) == (0, 0)


def _dingtalk(message_id: str, sender: str, text: str, stamp: str | None = None) -> dict[str, Any]:
    stamp = stamp or str(int(MONDAY_10.timestamp() * 1000))
    return {
        "headers": {"timestamp": stamp, "sign": sign(SECRET, stamp)},
        "json": {
            "msgtype": "text",
            "text": {"content": text},
            "msgId": message_id,
            "senderStaffId": sender,
            "senderNick": "王总",
        },
    }


async def test_dingtalk_messages(api: Api, channels: httpx.AsyncClient, clock: ManualClock) -> None:
    clock.set(MONDAY_10)
    await team(api, reps=1)
    customer = await f.customer(api.engine)
    await f.contact(api.engine, customer, dingtalk_user_id="staff-7")
    response = await channels.post("/channels/dingtalk", **_dingtalk("d1", "staff-7", "续约"))
    assert response.status_code == 200, response.text
    assert await rows(api) == (0, 1)
    await channels.post("/channels/dingtalk", **_dingtalk("d1", "staff-7", "续约"))
    assert await rows(api) == (0, 1)
    await channels.post("/channels/dingtalk", **_dingtalk("d2", "stranger", "想买设备"))
    assert await rows(api) == (1, 2)
    assert await scalar(api, "SELECT source FROM lead") == "DINGTALK"


async def test_dingtalk_refusals_write_nothing(
    api: Api, channels: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(MONDAY_10)
    old = str(int((MONDAY_10 - timedelta(minutes=61)).timestamp() * 1000))
    stale = _dingtalk("d1", "x", "hi", stamp=old)
    forged = _dingtalk("d1", "x", "hi")
    forged["headers"]["sign"] = sign("wrong", forged["headers"]["timestamp"])
    unsigned = _dingtalk("d1", "x", "hi")
    unsigned["headers"] = {}
    for attempt in (stale, forged, unsigned):
        response = await channels.post("/channels/dingtalk", **attempt)
        assert response.status_code == 401
    assert await rows(api) == (0, 0)
