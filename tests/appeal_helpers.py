"""Shortcuts for appeals tests: submit and move appeals through the real use cases."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from tests.factories import Actors, City
from zhengwu.appeals import actions
from zhengwu.appeals.models import Appeal, Channel
from zhengwu.org.models import Organisation

CONTENT = "小区门口的路灯已经坏了两个星期，晚上出行很不方便，请尽快修复。"


def submit(city: City, *, user: Any = None, phone: str = "13700001111", **overrides: Any) -> tuple:
    fields = {
        "appeal_type": "complaint",
        "title": "路灯不亮",
        "content": CONTENT,
        "division": city.street,
        "contact_phone": phone,
        "contact_name": "王五",
    }
    fields.update(overrides)
    return actions.do_submit_appeal(
        actions.Draft(**fields), channel=Channel.PORTAL, acting_user=user or AnonymousUser()
    )


def new_appeal(city: City, **overrides: Any) -> Appeal:
    return submit(city, **overrides)[0]


def analysed_appeal(city: City, **overrides: Any) -> Appeal:
    """A new appeal after its smart-dispatch analysis (which a worker runs after commit)."""
    appeal = new_appeal(city, **overrides)
    actions.do_analyse_new_appeal(appeal.pk)
    return reload(appeal)


def dispatched(
    city: City,
    actors: Actors,
    *,
    lead: Organisation | None = None,
    co: tuple[Organisation, ...] = (),
    **overrides: Any,
) -> Appeal:
    appeal = new_appeal(city, **overrides)
    route = actions.Route(lead or city.dept_a, co)
    return actions.do_dispatch(appeal, route, acting_user=actors.dispatcher)


def in_progress(city: City, actors: Actors, **kw: Any) -> Appeal:
    return actions.do_sign(dispatched(city, actors, **kw), acting_user=actors.handler_a)


def replied(city: City, actors: Actors, **kw: Any) -> Appeal:
    appeal = in_progress(city, actors, **kw)
    actions.do_submit_reply(
        appeal,
        actions.ReplyDraft("已经安排维修人员修复路灯，现已恢复照明。"),
        acting_user=actors.handler_a,
    )
    appeal.refresh_from_db()
    return appeal


def closed(city: City, actors: Actors, **kw: Any) -> Appeal:
    appeal = replied(city, actors, **kw)
    return actions.do_review_reply(appeal, True, acting_user=actors.dispatcher)


def reload(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)
