"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters: registration authority (1), organisation type (1), administrative division (6),
the GB 11714 organisation code (9, with its own check character) and a check character (1).
"""

from __future__ import annotations

import re

# GB 32100 alphabet: digits and 21 capitals, without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code: 8 body characters (digits or capitals) and a check character.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
PATTERN = re.compile(rf"^[{ALPHABET}]{{18}}$")


class CreditCodeError(ValueError):
    """A code that is not a valid unified social credit code; the message says why."""


def check_character(first17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(body8: str) -> str:
    def value(char: str) -> int:
        return int(char) if char.isdigit() else ord(char) - ord("A") + 10

    remainder = 11 - sum(value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError with a message in Chinese."""
    code = code.strip().upper()
    if len(code) != 18:
        raise CreditCodeError("统一社会信用代码应为18位。")
    if not PATTERN.match(code):
        raise CreditCodeError("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位应为行政区划代码。")
    if org_code_check_character(code[8:16]) != code[16]:
        raise CreditCodeError("统一社会信用代码中的组织机构代码校验位不正确。")
    if check_character(code[:17]) != code[17]:
        raise CreditCodeError("统一社会信用代码校验位不正确。")
    return code


def make(prefix8: str, org_body8: str) -> str:
    """Build a valid code from its first eight characters and an organisation-code body."""
    first17 = prefix8 + org_body8 + org_code_check_character(org_body8)
    return first17 + check_character(first17)
