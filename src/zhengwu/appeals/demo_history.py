"""Five weeks of demo history, produced by running the real use cases at past instants.

Every step (submit, dispatch, sign, return, reply, review, evaluate, the periodic checks at the
end of each day) is executed in time order with the clock moved to its instant (time-machine),
so timelines, deadlines, urges, audit rows and rollups are exactly what the platform would have
recorded. The texts are invented templates. Seeded: the same history every time.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhengwu.appeals import actions, numbers
from zhengwu.appeals.access import handlers_of
from zhengwu.appeals.models import Appeal, Channel, Mailbox, RejectionReason
from zhengwu.appeals.periodic import run_checks
from zhengwu.dispatch.models import Category
from zhengwu.lib.workdays import SHANGHAI
from zhengwu.org.models import Division, Organisation, User

log = logging.getLogger(__name__)

WEEKS = 5
PER_WEEKDAY = (6, 10)  # appeals a working day, fewer at weekends
MARKER = "history-"

MATTERS = [
    (
        "{place}附近施工夜间噪音扰民",
        "{place}附近工地晚上十点以后仍在施工，噪音很大，影响休息，请查处。",
    ),
    ("{place}路段路灯不亮", "{place}一段路灯已经好几天不亮了，晚上行人和车辆通行很不安全。"),
    ("{place}人行道井盖破损", "{place}人行道上有井盖破损下陷，已经有人绊倒，请尽快维修。"),
    ("{place}小区物业不作为", "{place}某小区物业对楼道堆放杂物、电梯故障长期不处理，请督促整改。"),
    ("{place}餐馆油烟扰民", "{place}沿街餐馆油烟直排，附近居民无法开窗，请环保部门处理。"),
    ("{place}占道经营", "{place}路口早晚有流动摊贩占道经营，造成拥堵，请城管部门管理。"),
    ("咨询{place}学校入学政策", "孩子今年上小学，户籍在{place}，想了解划片入学需要哪些材料。"),
    ("{place}公交站台缺少遮阳棚", "{place}公交站台没有遮阳设施，夏天候车很辛苦，建议增设。"),
    ("{place}停水未提前通知", "{place}今天突然停水，事先没有任何通知，请问何时恢复供水。"),
    ("{place}垃圾清运不及时", "{place}垃圾桶已经满溢两天无人清运，异味很大，请尽快处理。"),
]


@dataclass(order=True)
class Step:
    at: dt.datetime
    order: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class History:
    rng: random.Random
    now: dt.datetime
    steps: list[Step] = field(default_factory=list)
    counter: int = 0

    def schedule(self, at: dt.datetime, run: Callable[[], None]) -> None:
        if at < self.now:
            self.counter += 1
            heapq.heappush(self.steps, Step(at, self.counter, run))

    def play(self) -> None:
        while self.steps:
            step = heapq.heappop(self.steps)
            with time_machine.travel(step.at, tick=False):
                try:
                    step.run()
                except (ValidationError, PermissionDenied) as exc:
                    log.debug("demo step skipped: %s", exc)


def _people() -> dict[str, User]:
    return {
        u.username: u
        for u in User.objects.filter(username__in=["dispatcher", "intake", "supervisor"])
    }


def _handler(lead: Organisation) -> User | None:
    return handlers_of(lead).first()


def _leaves() -> list[Category]:
    leaves = [
        c
        for c in Category.objects.filter(level=3, is_active=True).select_related(
            "lead_department", "parent", "parent__parent"
        )
    ]
    return [
        c
        for c in leaves
        if (
            c.responsible()
            and c.responsible().lead_department
            and _handler(c.responsible().lead_department)
        )
    ]


@dataclass
class Plan:
    history: History
    people: dict[str, User]
    leaves: list[Category]
    streets: list[Division]
    mailboxes: list[Mailbox]
    serial: int = 0

    def add(self, received: dt.datetime) -> None:
        self.serial += 1
        self.history.schedule(received, lambda serial=self.serial: self._submit(serial))

    def _submit(self, serial: int) -> None:
        rng = self.history.rng
        street = rng.choice(self.streets)
        title, content = rng.choice(MATTERS)
        leaf = rng.choice(self.leaves)
        draft = actions.Draft(
            appeal_type=rng.choice(
                ["complaint"] * 5 + ["help"] * 2 + ["consultation"] * 2 + ["suggestion"]
            ),
            title=title.format(place=street.name),
            content=content.format(place=street.name),
            division=street,
            contact_phone=f"138{rng.randrange(10**8):08d}",
            external_id=f"{MARKER}{serial}",
            category=leaf,
        )
        channel = rng.choice(
            [Channel.HOTLINE] * 5 + [Channel.PORTAL] * 3 + [Channel.MAILBOX, Channel.APP]
        )
        draft.mailbox = rng.choice(self.mailboxes) if channel == Channel.MAILBOX else None
        if channel == Channel.MAILBOX and draft.mailbox is None:
            channel = Channel.PORTAL
        agent = self.people["intake"] if channel == Channel.HOTLINE else AnonymousUser()
        appeal, _code = actions.do_submit_appeal(draft, channel=channel, acting_user=agent)
        self._later(appeal, leaf, hours=rng.uniform(0.5, 3))

    def _later(self, appeal: Appeal, leaf: Category, *, hours: float) -> None:
        at = timezone.now() + dt.timedelta(hours=hours)
        self.history.schedule(at, lambda: self._dispatch(appeal.pk, leaf))

    def _dispatch(self, pk: int, leaf: Category) -> None:
        appeal, rng = Appeal.objects.get(pk=pk), self.history.rng
        if rng.random() < 0.05:
            reason = RejectionReason.objects.filter(is_active=True).order_by("?").first()
            actions.do_reject(appeal, reason, acting_user=self.people["dispatcher"])
            return
        lead = leaf.responsible().lead_department
        actions.do_dispatch(appeal, actions.Route(lead), acting_user=self.people["dispatcher"])
        late = rng.random() < 0.12
        self._at(pk, rng.uniform(5, 30) if late else rng.uniform(0.2, 3), self._sign)

    def _at(self, pk: int, hours: float, run: Callable[[int], None]) -> None:
        self.history.schedule(timezone.now() + dt.timedelta(hours=hours), lambda: run(pk))

    def _sign(self, pk: int) -> None:
        appeal, rng = Appeal.objects.get(pk=pk), self.history.rng
        handler = _handler(appeal.lead_department)
        if rng.random() < 0.04:
            actions.do_return(
                appeal, "not_our_duty", "经核查不属于本单位职责，建议改派。", acting_user=handler
            )
            return
        actions.do_sign(appeal, acting_user=handler)
        days = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 18])
        self._at(pk, days * 24 + rng.uniform(0, 8), self._reply)

    def _reply(self, pk: int) -> None:
        appeal = Appeal.objects.get(pk=pk)
        actions.do_submit_reply(
            appeal,
            actions.ReplyDraft("经现场核查，已督促相关责任单位整改到位，感谢您的监督。"),
            acting_user=_handler(appeal.lead_department),
        )
        self._at(pk, self.history.rng.uniform(1, 20), self._review)

    def _review(self, pk: int) -> None:
        actions.do_review_reply(
            Appeal.objects.get(pk=pk), True, acting_user=self.people["dispatcher"]
        )
        if self.history.rng.random() < 0.75:
            self._at(pk, self.history.rng.uniform(4, 60), self._evaluate)

    def _evaluate(self, pk: int) -> None:
        appeal, rng = Appeal.objects.get(pk=pk), self.history.rng
        roll = rng.random()
        satisfaction = (
            "satisfied" if roll < 0.68 else ("basically" if roll < 0.9 else "dissatisfied")
        )
        resolution = (
            "resolved" if satisfaction != "dissatisfied" else rng.choice(["partly", "unresolved"])
        )
        token = numbers.new_token()
        Appeal.objects.filter(pk=pk).update(
            evaluation_token_hash=numbers.digest(appeal.number, token)
        )
        actions.do_evaluate(
            Appeal.objects.get(pk=pk),
            actions.Verdict(resolution, satisfaction),
            acting_user=AnonymousUser(),
            token=token,
        )


def _receipt_times(rng: random.Random, start: dt.date, days: int) -> list[dt.datetime]:
    times = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        low, high = PER_WEEKDAY if day.weekday() < 5 else (2, 4)
        for _ in range(rng.randint(low, high)):
            minute = rng.randint(8 * 60, 21 * 60)
            times.append(
                dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=SHANGHAI)
            )
    return times


def load_history(weeks: int = WEEKS, seed: int = 20261127) -> int:
    """Play `weeks` of history ending now; nothing happens if it was loaded before."""
    if Appeal.objects.filter(external_id__startswith=MARKER).exists():
        return 0
    now = timezone.now()
    history = History(random.Random(seed), now)
    streets = list(Division.objects.filter(level=Division.Level.TOWNSHIP))
    plan = Plan(
        history, _people(), _leaves(), streets, list(Mailbox.objects.filter(is_active=True))
    )
    start = timezone.localdate() - dt.timedelta(days=7 * weeks)
    for received in _receipt_times(history.rng, start, 7 * weeks):
        plan.add(received)
    for offset in range(7 * weeks):
        end_of_day = dt.datetime.combine(
            start + dt.timedelta(days=offset), dt.time(23, 30), tzinfo=SHANGHAI
        )
        history.schedule(end_of_day, run_checks)
    history.play()
    return plan.serial
