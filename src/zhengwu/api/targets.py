"""Where webhooks may be sent: not to the platform's own network, unless allowed (tests, demo).

A partner chooses its URL, so an unchecked URL would let it make the platform call internal
services (SSRF). The check runs at subscription and again before each delivery, because a name
can resolve elsewhere later.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _


def _addresses(host: str) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return set()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global and not ip.is_multicast


def check_webhook_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("回调地址须为 http(s) 网址。")}) from exc
    if not settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        addresses = _addresses(urlsplit(url).hostname or "")
        if not addresses or not all(_is_public(a) for a in addresses):
            raise ValidationError({"url": _("回调地址须为可公开访问的地址。")})
    return url
