"""Reads of the hub: the workbench queues, the detail page, the public wall."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from zhengwu.appeals import access
from zhengwu.appeals.models import (
    AnswerTemplate,
    Appeal,
    AppealEvent,
    Assignment,
    Attachment,
    Extension,
    Reply,
    Supervision,
)
from zhengwu.appeals.workflow import FINISHED, HANDLING, Status
from zhengwu.org.access import AnyUser, has_role, posts
from zhengwu.org.models import Role

NUMBER_RE = re.compile(r"^ZW\d{14}$", re.IGNORECASE)
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Clock:
    now: dt.datetime
    near: dt.datetime


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: tuple[str, ...]
    select: Callable[[QuerySet[Appeal], AnyUser, Clock], QuerySet[Appeal]]
    order: str = "deadline"


def _status(*statuses: str) -> Callable:
    return lambda qs, user, clock: qs.filter(status__in=statuses)


def _mine(qs: QuerySet[Appeal], user: AnyUser) -> QuerySet[Appeal]:
    """For a body's staff, the appeals their body leads now."""
    if access.is_centre(user):
        return qs
    return qs.filter(lead_department__in=access.handling_ids(user) | access.body_ids(user))


def _near(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
    return _mine(qs, user).filter(
        status__in=HANDLING, deadline__gt=clock.now, deadline__lte=clock.near
    )


def _overdue(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
    return _mine(qs, user).filter(status__in=HANDLING, deadline__lt=clock.now)


def _pending_extension(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
    pending = Extension.objects.filter(appeal=OuterRef("pk"), decision=Extension.Decision.PENDING)
    return qs.filter(Exists(pending))


def _assigned(state: str, role: str | None = None) -> Callable:
    def select(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
        mine = Assignment.objects.filter(
            appeal=OuterRef("pk"),
            organisation__in=access.handling_ids(user),
            ended_at__isnull=True,
            state=state,
        )
        if role:
            mine = mine.filter(role=role)
        return qs.filter(Exists(mine))

    return select


def _handling(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
    statuses = [Status.IN_PROGRESS, Status.AWAITING_CITIZEN, Status.RETURN_REQUESTED]
    return qs.filter(lead_department__in=access.handling_ids(user), status__in=statuses)


def _supervised(qs: QuerySet[Appeal], user: AnyUser, clock: Clock) -> QuerySet[Appeal]:
    open_notices = Supervision.objects.filter(appeal=OuterRef("pk"), state=Supervision.State.OPEN)
    if not access.is_centre(user):
        open_notices = open_notices.filter(organisation__in=access.body_ids(user))
    return qs.filter(Exists(open_notices))


CENTRE = (Role.INTAKE_AGENT, Role.DISPATCHER, Role.SUPERVISOR)
DISPATCH = (Role.INTAKE_AGENT, Role.DISPATCHER)
BODY = (Role.HANDLER,)
ANY_STAFF = (*CENTRE, Role.HANDLER, Role.DEPT_ADMIN, Role.LEADER)

QUEUES = [
    Queue("received", _("待受理"), DISPATCH, _status(Status.RECEIVED), "received_at"),
    Queue("to_dispatch", _("待派单"), (Role.DISPATCHER,), _status(Status.ACCEPTED), "received_at"),
    Queue("to_sign", _("待签收"), BODY, _assigned(Assignment.State.PENDING)),
    Queue("handling", _("办理中"), BODY, _handling),
    Queue("co_handling", _("协办"), BODY, _assigned(Assignment.State.SIGNED, Assignment.Role.CO)),
    Queue("near", _("即将超期"), ANY_STAFF, _near),
    Queue("overdue", _("已超期"), ANY_STAFF, _overdue),
    Queue(
        "returns", _("退单审核"), (Role.DISPATCHER,), _status(Status.RETURN_REQUESTED), "updated_at"
    ),
    Queue("extensions", _("延期审核"), (Role.DISPATCHER,), _pending_extension),
    Queue("replies", _("待审核答复"), (Role.DISPATCHER,), _status(Status.REPLIED), "replied_at"),
    Queue(
        "reopen", _("重办审核"), (Role.DISPATCHER,), _status(Status.REOPEN_REQUESTED), "updated_at"
    ),
    Queue("supervised", _("督办中"), (Role.SUPERVISOR, Role.HANDLER, Role.LEADER), _supervised),
    Queue("all", _("全部"), ANY_STAFF, lambda qs, user, clock: qs, "-received_at"),
]
QUEUE_BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user: AnyUser) -> list[Queue]:
    return [queue for queue in QUEUES if has_role(user, *queue.roles)]


def queue_appeals(user: AnyUser, queue: Queue, clock: Clock) -> QuerySet[Appeal]:
    return queue.select(access.appeals_visible_to(user), user, clock)


def queue_counts(user: AnyUser, clock: Clock) -> list[tuple[Queue, int]]:
    """One indexed count per queue (the "all" queue is not counted: it is the whole table)."""
    return [
        (queue, queue_appeals(user, queue, clock).count() if queue.key != "all" else -1)
        for queue in queues_for(user)
    ]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    appeal_type: str = ""
    channel: str = ""
    category: int | None = None
    division_prefix: str = ""
    sort: str = ""


SORTS = {
    "deadline": "deadline",
    "-deadline": "-deadline",
    "received_at": "received_at",
    "-received_at": "-received_at",
}


def search(appeals: QuerySet[Appeal], filters: Filters, default_order: str) -> QuerySet[Appeal]:
    q = filters.q.strip()
    if NUMBER_RE.match(q):
        appeals = appeals.filter(number=q.upper())
    elif PHONE_RE.match(q):
        appeals = appeals.filter(contact_phone=q)
    elif q:
        appeals = appeals.filter(Q(title__contains=q) | Q(content__contains=q))
    if filters.appeal_type:
        appeals = appeals.filter(appeal_type=filters.appeal_type)
    if filters.channel:
        appeals = appeals.filter(channel=filters.channel)
    if filters.category:
        appeals = appeals.filter(
            Q(category=filters.category)
            | Q(category__parent=filters.category)
            | Q(category__parent__parent=filters.category)
        )
    if filters.division_prefix:
        appeals = appeals.filter(division__code__startswith=filters.division_prefix)
    order = SORTS.get(filters.sort, default_order)
    # Ties follow the sort's direction, so one index serves both (newest first: highest pk first).
    tie = "-pk" if order.startswith("-") else "pk"
    return appeals.select_related("lead_department", "category", "division").order_by(order, tie)


def appeal_detail(appeal: Appeal) -> dict:
    """Everything the detail page shows, in a fixed number of queries."""
    events = AppealEvent.objects.filter(appeal=appeal).select_related("actor")
    prefetch_related_objects([appeal], access.assignments_prefetch())  # unless already read
    assignments = appeal.assignments.all()
    replies = appeal.replies.select_related("organisation", "author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.all())
    )
    return {
        "events": list(events),
        "assignments": list(assignments),
        "replies": list(replies),
        "attachments": list(appeal.attachments.filter(reply__isnull=True)),
        "extensions": list(appeal.extensions.select_related("organisation", "requested_by")),
        "urges": list(appeal.urges.select_related("organisation")),
        "supervisions": list(appeal.supervisions.select_related("organisation", "issued_by")),
        "evaluations": list(appeal.evaluations.select_related("recorded_by")),
        "merged": list(appeal.merged_appeals.only("pk", "number", "title", "status")),
    }


# Public timeline: the events a citizen sees, without internal notes or staff names.
def public_events(appeal: Appeal) -> list[AppealEvent]:
    return list(appeal.events.exclude(public_note="").only("kind", "public_note", "created_at"))


def published_reply(appeal: Appeal) -> Reply | None:
    source = appeal.merged_into if appeal.status == Status.MERGED and appeal.merged_into else appeal
    if source.status not in FINISHED:
        return None
    return (
        source.replies.filter(review=Reply.Review.APPROVED)
        .select_related("organisation")
        .prefetch_related("attachments")
        .first()
    )


def wall(q: str = "") -> QuerySet[Appeal]:
    """Published replies for the public wall; confidential appeals never appear."""
    appeals = Appeal.objects.filter(
        published_at__isnull=False, is_confidential=False, status__in=FINISHED
    )
    if q.strip():
        appeals = appeals.filter(Q(title__contains=q.strip()) | Q(content__contains=q.strip()))
    return appeals.select_related("lead_department", "category", "division").order_by(
        "-published_at", "-pk"
    )


def named_to(user: AnyUser, appeal_ids: list[int]) -> set[int]:
    """Which of these appeals a dispatch named this handler for (指定承办人), now."""
    if not appeal_ids or not has_role(user, Role.HANDLER):
        return set()
    return set(
        Assignment.objects.filter(
            appeal_id__in=appeal_ids, assignee=user, ended_at__isnull=True
        ).values_list("appeal_id", flat=True)
    )


def answer_templates(
    kind: str, user: AnyUser, appeal: Appeal | None = None
) -> QuerySet[AnswerTemplate]:
    """Templates of one kind this user may use: city-wide or their body's; for an appeal, those
    of its category (or any ancestor category) or of no category; for several appeals at once
    (bulk actions), all of them."""
    own = {post.organisation_id for post in posts(user)}
    templates = AnswerTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=own),
        is_active=True,
        kind=kind,
    )
    if appeal is not None:
        chain = [appeal.category, *appeal.category.ancestors()] if appeal.category else []
        templates = templates.filter(
            Q(category__isnull=True) | Q(category__in=[c.pk for c in chain])
        )
    return templates.order_by("category", "title")
