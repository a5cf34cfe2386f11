"""Shortcuts for the open-interface tests: partners, keys and authenticated clients."""

from __future__ import annotations

from typing import Any

from django.test import Client

from zhengwu.api.actions import PartnerDraft, do_issue_key, do_register_partner
from zhengwu.api.models import Operation, Partner

ALL_PARTNER_OPERATIONS = [Operation.SUBMIT, Operation.READ, Operation.EVALUATE, Operation.WEBHOOKS]


def partner(slug: str = "dahe", **overrides: Any) -> tuple[Partner, str]:
    fields = {"name": "大河网", "operations": ALL_PARTNER_OPERATIONS, "rate_limit": 1000}
    fields.update(overrides)
    return do_register_partner(PartnerDraft(slug=slug, **fields))


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def token_for(user: Any) -> str:
    return do_issue_key(user=user, label="test")[1]


class KeyClient:
    """A test client that sends one key with every request, as a program would."""

    def __init__(self, key: str) -> None:
        self.client, self.headers = Client(), bearer(key)

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, body: Any = None):
        return self.client.post(path, body or {}, content_type="application/json", **self.headers)

    def delete(self, path: str):
        return self.client.delete(path, **self.headers)


APPEAL = {
    "appeal_type": "complaint",
    "title": "路灯不亮",
    "content": "小区门口的路灯已经坏了两个星期，晚上出行很不方便，请尽快修复。",
    "contact_phone": "13700001111",
    "contact_name": "王五",
    "address": "金水区经八路12号院",
}
