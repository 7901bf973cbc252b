"""WeChat Work (企业微信) callback crypto: the `msg_signature` check and the AES envelope.

The callback protocol of WeChat Work's "接收消息与事件" (WXBizMsgCrypt):

- `msg_signature` = SHA-1 of the sorted concatenation of the token, `timestamp`, `nonce` and the
  encrypted text (`echostr` on the URL check, `<Encrypt>` on a message);
- the key is Base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with the key's first 16 bytes
  as IV; PKCS#7 padding to a 32-byte block;
- the plaintext is 16 random bytes, the message length (4 bytes, big-endian), the message, and
  the receiver id (the corp id), which must be ours.

Pure: no HTTP, no storage. A failed check raises `CallbackRejected` and nothing is decoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CallbackRejected(Exception):
    """A callback whose signature, key or receiver does not check out (HTTP 401)."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def aes_key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("PRISM_WECOM_AES_KEY is not a valid EncodingAESKey") from None
    if len(key) != 32:
        raise ValueError("PRISM_WECOM_AES_KEY must be 43 characters (a 32-byte key)")
    return key


class WeComCrypto:
    """One corp's callback crypto (token, EncodingAESKey, corp id)."""

    def __init__(self, token: str, encoding_aes_key: str, corp_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.corp_id = corp_id

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise CallbackRejected("msg_signature does not match")

    def decrypt(self, encrypted: str) -> str:
        """The message inside the envelope; refused unless it is addressed to our corp."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CallbackRejected("the envelope is not Base64") from None
        if not data or len(data) % 16:
            raise CallbackRejected("the envelope is not whole AES blocks")
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CallbackRejected("bad padding")
        body = plain[16:-pad]
        if len(body) < 4:
            raise CallbackRejected("the envelope is too short")
        (length,) = struct.unpack(">I", body[:4])
        message, receiver = body[4 : 4 + length], body[4 + length :]
        if len(message) != length or receiver.decode("utf-8", "replace") != self.corp_id:
            raise CallbackRejected("the envelope is not addressed to this corp")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise CallbackRejected("the message is not UTF-8") from None

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        """The sender's side (replies, and the tests' WeChat Work)."""
        raw = message.encode()
        body = (random_prefix or os.urandom(16)) + struct.pack(">I", len(raw)) + raw
        body += self.corp_id.encode()
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """Verify, then decrypt."""
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)
