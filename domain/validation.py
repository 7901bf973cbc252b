"""Field rules for Chinese B2B data: USCC tax IDs, mainland phone numbers, e-mail addresses.

Each validator returns the normalised value or raises `InvalidValue` with a message a client
developer can show; the caller knows the field name and turns it into a `userErrors` entry.
"""

from __future__ import annotations

import re

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)  # noqa: E501


class InvalidValue(ValueError):
    """A value breaks a field rule; the message is safe to show to a client."""


def uscc_check_digit(first17: str) -> str:
    """The 18th character of a Unified Social Credit Code for its first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise InvalidValue("taxId must be an 18-character Unified Social Credit Code")
    if any(c not in USCC_CHARSET for c in code):
        raise InvalidValue("taxId may only contain digits and the letters A-H, J-N, P-R, T, U, W-Y")
    if uscc_check_digit(code[:17]) != code[17]:
        raise InvalidValue("taxId check digit does not match (GB 32100-2015)")
    return code


def validate_phone(value: str) -> str:
    """Mainland mobile (11 digits, optional +86), landline with area code, or E.164."""
    compact = re.sub(r"[\s()]", "", value)
    if m := _MOBILE.match(compact.replace("-", "")):
        return m.group(1)
    if m := _LANDLINE.match(compact):
        return f"{m.group(1)}-{m.group(2)}"
    if _INTERNATIONAL.match(compact.replace("-", "")):
        return compact.replace("-", "")
    raise InvalidValue(
        "phone must be a mainland mobile number (13800138000), a landline with area code "
        "(010-12345678) or an international number (+44…)"
    )


def validate_email(value: str) -> str:
    email = value.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValue("email must be an address like name@example.com")
    return email


def required_text(value: str, *, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidValue("must not be blank")
    if len(text) > max_length:
        raise InvalidValue(f"must be at most {max_length} characters")
    if "\x00" in text:
        raise InvalidValue("must not contain NUL characters")
    return text
