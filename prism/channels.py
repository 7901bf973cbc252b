"""Inbound channels over HTTP (CONTRACT §9): web forms, WeChat Work and DingTalk callbacks.

Each route checks the caller first (WeChat Work's `msg_signature` and envelope, DingTalk's
`timestamp` + `sign`), answering 401 before any transaction opens, then hands the message to
the use case (`domain.inbound`) in one transaction with the channel's desk.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from authn import dingtalk
from authn.wecom import CallbackRejected, WeComCrypto
from domain import inbound
from domain.clock import Clock
from domain.enums import Channel
from domain.errors import Refused
from persistence.inbound_desk import InboundSql
from prism.errors import is_unavailable
from prism.settings import Settings

log = logging.getLogger("prism.channels")
MAX_BODY = 64 * 1024
#: CONTRACT §9's fields, and the optional `region` and `industry` a form may also ask for.
FORM_FIELDS = ("company", "name", "phone", "email", "message", "region", "industry")


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "code": code}]}, status_code=status)


UNAUTHORIZED = {
    "errors": [{"message": "the callback failed verification", "code": "UNAUTHENTICATED"}]
}


async def _body(request: Request) -> bytes | None:
    """The body, or None when it is larger than any callback or form needs."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _xml(text: str) -> ET.Element:
    """Parse a small XML document; DTDs and entities are refused outright."""
    if "<!" in text.replace("<![CDATA[", ""):
        raise ValueError("declarations are not accepted")
    return ET.fromstring(text)  # noqa: S314 - no DTD can reach here, see above


class Channels:
    def __init__(self, settings: Settings, engine: AsyncEngine, clock: Clock) -> None:
        self.settings, self.engine, self.clock = settings, engine, clock
        self.wecom = (
            WeComCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)
            if settings.wecom_token and settings.wecom_aes_key and settings.wecom_corp_id
            else None
        )

    def routes(self) -> list[Route]:
        return [
            Route("/channels/web-form/{formKey}", _guarded(self.web_form), methods=["POST"]),
            Route("/channels/wechat-work", _guarded(self.wechat_work), methods=["GET", "POST"]),
            Route("/channels/dingtalk", _guarded(self.dingtalk), methods=["POST"]),
        ]

    # --- web forms --------------------------------------------------------------------------

    async def web_form(self, request: Request) -> Response:
        body = await _body(request)
        if body is None:
            return _refused(413, "BAD_USER_INPUT", "the submission is too large")
        fields = _form_fields(request.headers.get("content-type", ""), body)
        if fields is None:
            return _refused(400, "BAD_USER_INPUT", "send JSON or a form-encoded body")
        async with self.engine.begin() as conn:
            desk = InboundSql(conn, self.clock)
            form = await desk.web_form(request.path_params["formKey"])
            if form is None:
                return _refused(404, "NOT_FOUND", "no web form with this key")
            try:
                _, merged = await inbound.receive_web_form(desk, form, fields)
            except Refused as refused:
                await conn.rollback()
                problems = [
                    {"field": p.field, "message": p.message, "code": p.code}
                    for p in refused.problems
                ]
                return JSONResponse({"errors": problems}, status_code=400)
        return JSONResponse({"status": "received", "merged": merged}, status_code=202)

    # --- WeChat Work --------------------------------------------------------------------------

    async def wechat_work(self, request: Request) -> Response:
        params = request.query_params
        signature, timestamp, nonce = (
            params.get(k, "") for k in ("msg_signature", "timestamp", "nonce")
        )
        if self.wecom is None or not (signature and timestamp and nonce):
            return JSONResponse(UNAUTHORIZED, status_code=401)
        try:
            if request.method == "GET":
                echo = self.wecom.open(signature, timestamp, nonce, params.get("echostr", ""))
                return PlainTextResponse(echo)
            body = await _body(request)
            if body is None:
                raise CallbackRejected("too large")
            encrypted = _xml(body.decode()).findtext("Encrypt") or ""
            plain = self.wecom.open(signature, timestamp, nonce, encrypted)
        except (CallbackRejected, ValueError, ET.ParseError, UnicodeDecodeError):
            return JSONResponse(UNAUTHORIZED, status_code=401)
        try:
            message = _wecom_message(_xml(plain))
        except (ValueError, ET.ParseError):
            return _refused(400, "BAD_USER_INPUT", "the message is not WeChat Work XML")
        if message is not None:
            await self._receive(message)
        return PlainTextResponse("success")

    # --- DingTalk -----------------------------------------------------------------------------

    async def dingtalk(self, request: Request) -> Response:
        secret = self.settings.dingtalk_secret
        timestamp = request.headers.get("timestamp") or request.query_params.get("timestamp")
        sign = request.headers.get("sign") or request.query_params.get("sign")
        try:
            if not secret:
                raise CallbackRejected("DingTalk is not configured")
            dingtalk.verify(secret, timestamp, sign, self.clock.now())
        except CallbackRejected:
            return JSONResponse(UNAUTHORIZED, status_code=401)
        body = await _body(request)
        try:
            payload = json.loads(body or b"")
            message = _dingtalk_message(payload)
        except (ValueError, TypeError, AttributeError):
            return _refused(400, "BAD_USER_INPUT", "the message is not DingTalk JSON")
        if message is not None:
            await self._receive(message)
        return JSONResponse({"msgtype": "empty"})

    async def _receive(self, message: inbound.Message) -> None:
        async with self.engine.begin() as conn:
            outcome = await inbound.receive_message(InboundSql(conn, self.clock), message)
        log.info("%s message %s: %s", message.channel.value, message.message_id, outcome)


def _guarded(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """An outage is 503 UNAVAILABLE (the channel retries); anything else a bare 500 with no
    detail. Either way the transaction rolled back: nothing was written."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as exc:  # noqa: BLE001 - the last line before the client
            if is_unavailable(exc):
                log.warning("channel %s: database unavailable: %r", request.url.path, exc)
                return _refused(503, "UNAVAILABLE", "temporarily unavailable; retry shortly")
            log.error("channel %s failed", request.url.path, exc_info=exc)
            return _refused(500, "INTERNAL_SERVER_ERROR", "internal server error")

    return guarded


def _form_fields(content_type: str, body: bytes) -> Mapping[str, Any] | None:
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            raw = json.loads(body or b"{}")
            if not isinstance(raw, dict):
                return None
        elif kind == "application/x-www-form-urlencoded":
            raw = dict(parse_qsl(body.decode(), keep_blank_values=False))
        else:
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    fields = {k: raw.get(k) for k in FORM_FIELDS}
    if any(v is not None and not isinstance(v, str) for v in fields.values()):
        return None
    return {k: (v.strip() or None) if isinstance(v, str) else None for k, v in fields.items()}


def _wecom_message(root: ET.Element) -> inbound.Message | None:
    """A text (or other) message from a user; events without a MsgId are not touchpoints."""
    message_id = root.findtext("MsgId")
    sender = root.findtext("FromUserName")
    if not message_id or not sender:
        return None
    kind = root.findtext("MsgType") or "text"
    text = root.findtext("Content") if kind == "text" else f"[{kind}]"
    return inbound.Message(Channel.WECHAT_WORK, message_id[:128], sender[:64], (text or "").strip())


def _dingtalk_message(payload: Any) -> inbound.Message | None:
    message_id = payload.get("msgId")
    sender = payload.get("senderStaffId") or payload.get("senderId")
    if not isinstance(message_id, str) or not isinstance(sender, str) or not message_id:
        return None
    content = payload.get("text", {}).get("content") if payload.get("msgtype") == "text" else None
    text = content if isinstance(content, str) else f"[{payload.get('msgtype', 'message')}]"
    nick = payload.get("senderNick")
    return inbound.Message(
        Channel.DINGTALK,
        message_id[:128],
        sender[:64],
        text.strip(),
        nick if isinstance(nick, str) else None,
    )
