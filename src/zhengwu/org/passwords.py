from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require letters, digits and a symbol (the usual rule for government systems under 等保)."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if not all(classes):
            raise ValidationError(
                _("密码必须同时包含字母、数字和符号。"), code="password_character_classes"
            )

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母、数字和符号。")
