"""DingTalk (钉钉) callback signatures: `sign` = Base64(HMAC-SHA256(secret, "timestamp\\nsecret")),
`timestamp` in milliseconds, at most one hour from now (either way)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from authn.wecom import CallbackRejected

MAX_AGE_MS = 3_600_000


def sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(secret: str, timestamp: str | None, signature: str | None, now: datetime) -> None:
    if not timestamp or not signature or not timestamp.isdigit() or len(timestamp) > 16:
        raise CallbackRejected("timestamp and sign are required")
    if abs(int(now.timestamp() * 1000) - int(timestamp)) > MAX_AGE_MS:
        raise CallbackRejected("the callback is more than an hour old")
    if not hmac.compare_digest(sign(secret, timestamp), signature):
        raise CallbackRejected("sign does not match")
