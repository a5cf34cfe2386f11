"""Masking of personal data for display, logs and the audit trail (`138****5678`)."""

from __future__ import annotations

import re

# Mainland mobile numbers, 18-character resident ID numbers and 15-digit old ones, landlines.
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
OLD_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# House numbers: "12号楼3单元502室", "8栋1202", "5号院".
# Self-introductions and contact lines: "我叫张三", "本人李四", "姓名：王五", "联系人赵先生".
NAME_RE = re.compile(
    r"(我叫|我是|本人叫|本人是|本人|姓名[:：]?|联系人[:：]?|户主[:：]?)\s*([\u4e00-\u9fff]{2,4})"
    r"(?=[，,。.；;、\s\d(（]|$|先生|女士|电话|手机|身份证|住)"
)
HOUSE_RE = re.compile(
    r"\d+\s*(?:号楼|栋|幢|座)(?:\s*\d+\s*(?:单元))?(?:\s*\d+\s*(?:室|号|户)?)?"
    r"|\d+\s*单元\s*\d+\s*(?:室|号)?|\d{3,4}\s*室"
)


def mask_phone(phone: str) -> str:
    phone = phone.strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_email(email: str) -> str:
    local, sep, domain = email.partition("@")
    if not sep:
        return mask_name(email)
    return (local[:1] + "***" if local else "") + "@" + domain


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; keeps the surname, as public notices do."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_text(text: str) -> str:
    """Mask phone numbers, ID numbers, e-mail addresses, self-introduced names and house
    numbers inside free text (what the public wall shows)."""
    text = ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    text = MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = OLD_ID_RE.sub(lambda m: m.group(1) + "******" + m.group(3), text)
    text = LANDLINE_RE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)
    text = EMAIL_RE.sub(lambda m: m.group(1) + "***" + m.group(3), text)
    text = NAME_RE.sub(lambda m: m.group(1) + mask_name(m.group(2)), text)
    return HOUSE_RE.sub("**", text)
