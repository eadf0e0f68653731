"""Personal data: validation, normalisation and masking of phone and ID numbers."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def phone_normalise(raw: str) -> str:
    """Digits only, without +86/0086 and separators. Raises InvalidInput for a malformed number."""
    text = (raw or "").strip()
    if not text:
        return ""
    digits = re.sub(r"[\s\-()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise InvalidInput(_("电话号码格式不正确：请填写11位手机号或带区号的固定电话。"), code="invalid_phone")
    return digits


def id_number_normalise(raw: str) -> str:
    """An 18-digit resident ID number with a valid check digit (upper-case X)."""
    text = (raw or "").strip().upper()
    if not text:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise InvalidInput(_("身份证号码格式不正确：应为18位。"), code="invalid_id_number")
    total = sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17]:
        raise InvalidInput(_("身份证号码校验位不正确。"), code="invalid_id_number")
    return text


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone[:3] + "****"
    return "*" * len(phone)


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dXx])(\d{3})\d{11}(\d{3}[\dXx])(?![\dXx])")


def mask_text(text: str) -> str:
    """Mask phone and ID numbers written inside free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)
