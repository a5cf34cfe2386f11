"""Where SMS go: the console in development, an HTTP gateway in production (`SMS_BACKEND`)."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from zhengwu.lib.masking import mask_phone, mask_text

logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT_SECONDS = 10


class SmsDeliveryError(Exception):
    """The gateway did not accept the message; the outbox retries it later."""


class SmsBackend(ABC):
    @abstractmethod
    def send(self, phone: str, content: str) -> None:
        """Hand one SMS over for delivery, or raise SmsDeliveryError."""


class ConsoleSmsBackend(SmsBackend):
    """Development: log the message instead of sending it. Logs are not a place for personal
    data, so the number and the text are masked."""

    def send(self, phone: str, content: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), mask_text(content))


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the bearer token to wherever the gateway points; treat it as an error.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class HttpSmsGateway(SmsBackend):
    """POST `{"phone", "content", "signature"}` as JSON with a bearer token; any 2xx is accepted."""

    def __init__(self, url: str, token: str, signature: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                "SMS_BACKEND=http needs SMS_GATEWAY_URL (http:// or https://)."
            )
        self.url, self.token, self.signature = url, token, signature

    def send(self, phone: str, content: str) -> None:
        payload = {"phone": phone, "content": content, "signature": self.signature}
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=self._headers(),
            method="POST",
        )
        opener = urllib.request.build_opener(_RefuseRedirects)
        try:
            with opener.open(request, timeout=GATEWAY_TIMEOUT_SECONDS) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(
                _("短信网关返回 HTTP %(status)s。") % {"status": exc.code}
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise SmsDeliveryError(_("无法连接短信网关：%(error)s") % {"error": exc}) from exc
        if not 200 <= status < 300:
            raise SmsDeliveryError(_("短信网关返回 HTTP %(status)s。") % {"status": status})

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def get_sms_backend() -> SmsBackend:
    """The backend `settings.SMS_BACKEND` names, read on each call so settings changes apply."""
    if settings.SMS_BACKEND == "console":
        return ConsoleSmsBackend()
    if settings.SMS_BACKEND == "http":
        return HttpSmsGateway(
            settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_SIGNATURE
        )
    raise ImproperlyConfigured(
        f"SMS_BACKEND must be 'console' or 'http', not {settings.SMS_BACKEND!r}."
    )
