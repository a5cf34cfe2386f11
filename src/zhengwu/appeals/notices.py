"""What the hub tells citizens and staff, through the platform's notification outbox.

Every function here is called inside the use case's transaction; the outbox sends after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.appeals.models import Appeal, Reply
from zhengwu.notifications.api import notify, notify_user
from zhengwu.org.access import staff_of
from zhengwu.org.models import Organisation, Role


def _link(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _to_citizen(appeal: Appeal, subject: str, body: str) -> None:
    if appeal.contact_phone:
        notify(channel="sms", to=appeal.contact_phone, body=body, about=appeal)
    if appeal.contact_email:
        notify(channel="email", to=appeal.contact_email, subject=subject, body=body, about=appeal)
    if appeal.citizen_id:
        notify(channel="site", recipient=appeal.citizen, subject=subject, body=body, about=appeal)


def received(appeal: Appeal, query_code: str) -> None:
    body = _("您的诉求已收到，编号%(n)s，查询码%(c)s。可在%(url)s查询办理进度。") % {
        "n": appeal.number,
        "c": query_code,
        "url": _link(reverse("appeals:track")),
    }
    _to_citizen(appeal, _("诉求已收到"), body)


def citizen_update(appeal: Appeal, text: str) -> None:
    body = _("您的诉求（编号%(n)s）：%(t)s") % {"n": appeal.number, "t": text}
    _to_citizen(appeal, _("诉求办理进度"), body)


def replied(appeal: Appeal, reply: Reply, token: str) -> None:
    url = _link(reverse("appeals:evaluate", args=[appeal.number, token]))
    body = _("您的诉求（编号%(n)s）已答复：%(r)s 请对办理结果评价：%(url)s") % {
        "n": appeal.number,
        "r": reply.text[:200],
        "url": url,
    }
    _to_citizen(appeal, _("诉求已答复，请评价"), body)


def to_body(
    appeal: Appeal, organisation: Organisation | None, text: str, *, leaders: bool = False
) -> None:
    """Tell a body's handlers (and, for urges and supervision, its leaders) about an appeal."""
    if organisation is None:
        return
    roles = [Role.HANDLER, Role.LEADER] if leaders else [Role.HANDLER]
    subject = _("诉求%(n)s：%(t)s") % {"n": appeal.number, "t": appeal.title[:30]}
    for user in staff_of(organisation, *roles):
        notify_user(user, subject=subject, body=text, about=appeal)


def new_work(
    appeal: Appeal, lead: Organisation, co_handlers: Iterable[Organisation], assignee: Any = None
) -> None:
    to_body(appeal, lead, _("新派单（主办）：%(t)s") % {"t": appeal.title})
    if assignee is not None:
        subject = _("诉求%(n)s：%(t)s") % {"n": appeal.number, "t": appeal.title[:30]}
        text = _("派单指定由您承办：%(t)s") % {"t": appeal.title}
        notify_user(assignee, subject=subject, body=text, about=appeal)
    for org in co_handlers:
        to_body(appeal, org, _("新派单（协办）：%(t)s") % {"t": appeal.title})
