"""Generate two years of appeals on PostgreSQL for the hub benchmarks (bench/bench_appeals.py).

    .venv/bin/python bench/generate_appeals.py \
        --database-url postgres://postgres@127.0.0.1:5432/zhengwu_bench --appeals 1000000

Creates the database if it is missing, migrates, loads the demo (`manage.py load_demo`), then
writes N appeals received over the last two years. Each appeal is planned through the workflow
(accept, dispatch, sign, reply, review, evaluate, with returns, reopenings, merges, rejections,
pauses, extensions, urges and supervision at realistic rates) and only the steps dated before now
are applied, so statuses, timestamps, assignments and the timeline agree with the appeal's age.
Deadlines come from the SLA policies over the platform calendar (`get_calendar()`), cached per day.

Rows go in through COPY (psycopg 3) from a writer thread while the next batch is generated, with
explicit ids; sequences and the daily number counters are moved past them at the end. Foreign-key
triggers are off while loading (session_replication_role = replica), so orphans are checked with
anti-joins afterwards. Texts are invented from templates (bench/texts.py); query codes and
evaluation tokens are a constant dummy hash. Audit rows and notification messages are not
generated. The database named `test` (the test suite's) is refused.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import io
import itertools
import json
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

import _django
from texts import Texts

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai: no DST since 1991
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
DUMMY_HASH = "0" * 64

CHANNELS = {
    "hotline": 55,
    "portal": 20,
    "mailbox": 8,
    "app": 7,
    "microblog": 4,
    "partner": 3,
    "sms": 3,
}
TYPES = {"complaint": 45, "help": 20, "consultation": 20, "suggestion": 10, "report": 5}
URGENCIES = {"normal": 93, "urgent": 6, "immediate": 1}
# Resident population (10 000s, rounded) by county code: where appeals come from.
POPULATION = {
    "410102": 120,
    "410103": 100,
    "410104": 80,
    "410105": 170,
    "410106": 15,
    "410108": 60,
    "410122": 80,
    "410181": 75,
    "410182": 70,
    "410183": 80,
    "410184": 110,
    "410185": 70,
    "410171": 60,
    "410172": 70,
    "410173": 75,
    "410190": 90,
}
# The usual head of a 12345 hotline's popularity list; the other leaves follow in random order.
HOT = [
    "物业服务质量",
    "施工噪声",
    "拖欠工资",
    "垃圾清运",
    "违章停车",
    "集中供暖",
    "供水",
    "商品房交付",
    "夜间施工",
    "社会生活噪声",
    "餐饮油烟",
    "流动摊贩",
    "道路破损",
    "物业服务收费",
    "私搭乱建",
    "入学划片",
    "医保报销",
    "公积金提取",
    "排水防涝",
    "路灯不亮",
    "停车收费",
    "共享单车",
    "公交线路",
    "店外经营",
]
ZIPF_EXPONENT = 0.8
# Appeals received per hour of the day (relative; the hotline answers around the clock).
HOURS = [2, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 14, 10, 12, 15, 15, 14, 12, 10, 9, 8, 6, 4, 3]

COLUMNS = {
    "appeals_appeal": (
        "id number query_code_hash channel external_id appeal_type urgency title content address"
        " contact_name contact_phone contact_email is_anonymous is_confidential submitter_ip"
        " status version received_at accepted_at dispatched_at response_due deadline paused_at"
        " replied_at closed_at published_at outcome resolution satisfaction evaluation_token_hash"
        " evaluation_expires_at urge_count supervision_level return_count reopen_count"
        " is_malicious updated_at category_id citizen_id division_id entered_by_id"
        " lead_department_id merged_into_id mailbox_id rejection_reason_id"
    ),
    "appeals_appealevent": (
        "id appeal_id kind actor_id from_status to_status public_note internal_note data created_at"
    ),
    "appeals_assignment": (
        "id appeal_id organisation_id role state dispatched_at dispatched_by_id response_due due"
        " signed_at signed_by_id return_reason return_note returned_at opinion opinion_at ended_at"
    ),
    "appeals_reply": (
        "id appeal_id organisation_id author_id text internal_remarks outcome submitted_at review"
        " reviewed_by_id reviewed_at review_note"
    ),
    "appeals_evaluation": (
        "id appeal_id source resolution satisfaction comment recorded_by_id created_at"
    ),
    "appeals_urge": "id appeal_id organisation_id kind deadline note created_by_id created_at",
    "appeals_supervision": (
        "id appeal_id organisation_id level notice due issued_by_id issued_at state answer"
        " answered_by_id answered_at"
    ),
    "appeals_extension": (
        "id appeal_id organisation_id days reason requested_by_id requested_at decision"
        " decided_by_id decided_at decision_note old_deadline new_deadline"
    ),
}
TABLES = list(COLUMNS)


# --- Reference data: the demo city and catalogue --------------------------------------------


@dataclass(frozen=True)
class Leaf:
    id: int
    keywords: tuple[str, ...]
    lead: int | None  # None: 属地 — the district government of the place leads
    co: tuple[int, ...]


@dataclass(frozen=True)
class District:
    division: int
    government: int
    name: str
    streets: tuple[tuple[int, int, str], ...]  # (division, street office, name)


class Weighted:
    """Draw from a fixed weighted list with one random number and a bisect."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


@dataclass
class City:
    leaves: Weighted
    districts: Weighted
    handlers: dict[int, int]
    users: dict[str, int]
    centre: int
    bodies: list[int]
    names: dict[int, str]
    reasons: list[tuple[int, str]]
    mailboxes: Weighted


def _responsible(categories: dict[int, Any], node: Any) -> Any:
    while node is not None and node.lead_department_id is None:
        node = categories.get(node.parent_id)
    return node


def load_leaves(rng: random.Random) -> Weighted:
    from zhengwu.dispatch.models import Category

    categories = {c.pk: c for c in Category.objects.prefetch_related("co_handlers")}
    leaves = [c for c in categories.values() if c.level == Category.MAX_LEVEL and c.is_active]
    rest = sorted((c for c in leaves if c.name not in HOT), key=lambda c: c.path)
    rng.shuffle(rest)
    ordered = sorted((c for c in leaves if c.name in HOT), key=lambda c: HOT.index(c.name)) + rest
    items = []
    for node in ordered:
        owner = _responsible(categories, node)
        co = tuple(o.pk for o in owner.co_handlers.all()) if owner else ()
        lead = owner.lead_department_id if owner else None
        items.append(Leaf(node.pk, tuple(node.keywords.split()) or (node.name,), lead, co))
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, len(items) + 1)]
    return Weighted(items, weights)


def load_districts() -> Weighted:
    from zhengwu.org.models import Division, Organisation

    governments = {
        o.division_id: o.pk
        for o in Organisation.objects.filter(kind__in=["district", "dev_zone"], is_active=True)
    }
    offices = {o.division_id: o.pk for o in Organisation.objects.filter(kind="street")}
    items, weights = [], []
    for county in Division.objects.filter(level=Division.Level.COUNTY).order_by("code"):
        streets = tuple(
            (s.pk, offices[s.pk], s.name)
            for s in county.children.order_by("code")
            if s.pk in offices
        )
        items.append(District(county.pk, governments[county.pk], county.short_name, streets))
        weights.append(POPULATION.get(county.code[:6], 50))
    return Weighted(items, weights)


def load_city(rng: random.Random) -> City:
    from zhengwu.appeals.models import Mailbox, RejectionReason
    from zhengwu.org.models import Membership, Organisation, User

    handlers: dict[int, int] = {}
    for m in Membership.objects.filter(role="handler", is_active=True).order_by("pk"):
        handlers.setdefault(m.organisation_id, m.user_id)
    users = {u.username: u.pk for u in User.objects.all()}
    orgs = list(Organisation.objects.filter(is_active=True))
    boxes = list(Mailbox.objects.filter(is_active=True))
    return City(
        leaves=load_leaves(rng),
        districts=load_districts(),
        handlers=handlers,
        users={
            "intake": users["intake"],
            "dispatcher": users["dispatcher"],
            "supervisor": users["supervisor"],
            "citizen": users["13900001111"],
        },
        centre=next(o.pk for o in orgs if o.kind == "centre"),
        bodies=[o.pk for o in orgs if o.kind in ("municipal", "enterprise", "vertical")],
        names={o.pk: o.name for o in orgs},
        reasons=[
            (r.pk, f"{r.label}：{r.citizen_text}")
            for r in RejectionReason.objects.filter(is_active=True)
        ],
        mailboxes=Weighted(
            [(b.pk, b.name) for b in boxes], [5 if b.kind == "mayor" else 1 for b in boxes]
        ),
    )


# --- Time limits over the platform calendar, cached -----------------------------------------


@dataclass(frozen=True)
class Limits:
    response_due: dt.datetime
    deadline: dt.datetime
    co_due: dt.datetime
    max_extension: int


class Clockwork:
    """The real working-day functions over get_calendar(), memoised per day where they depend
    only on the day (deadlines in working days end at the end of a day)."""

    def __init__(self) -> None:
        from zhengwu.dispatch.models import SLAPolicy
        from zhengwu.lib import workdays
        from zhengwu.org.calendar import get_calendar

        calendar = get_calendar()
        self.workdays = workdays
        self.calendar = workdays.WorkCalendar(
            overrides=calendar.overrides,
            bundled=functools.cache(_weekdays_beyond(calendar.bundled)),
            hours=calendar.hours,
        )
        self._days: dict[tuple[dt.date, int], dt.datetime] = {}
        self._policies: dict[tuple[int | None, str, str], Any] = {}
        self._by_category = SLAPolicy.objects.filter(category__isnull=False).exists()

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        key = (start.date(), days)
        due = self._days.get(key)
        if due is None:
            due = self.workdays.add_working_days(self.calendar, start, days).astimezone(TZ)
            self._days[key] = due
        return due

    def add_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.workdays.add_working_hours(self.calendar, start, hours).astimezone(TZ)

    def working_days(self, since: dt.datetime, until: dt.datetime) -> float:
        return self.workdays.working_days_between(self.calendar, since, until)

    def paused_days(self, since: dt.datetime, until: dt.datetime) -> int:
        elapsed = self.workdays.working_days_between(self.calendar, since, until)
        return max(0, -int(-round(elapsed, 6) // 1))

    def previous_workday_start(self, deadline: dt.datetime) -> dt.datetime:
        day = deadline.date() - DAY
        while not self.calendar.is_workday(day):
            day -= DAY
        return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)

    def policy(self, category: int | None, appeal_type: str, urgency: str) -> Any:
        # Without per-category policies the category cannot change the answer.
        key = (category if self._by_category else None, appeal_type, urgency)
        policy = self._policies.get(key)
        if policy is None:
            from zhengwu.dispatch.catalogue import policy_for
            from zhengwu.dispatch.models import Category

            node = Category.objects.filter(pk=key[0]).first() if key[0] else None
            policy = self._policies[key] = policy_for(node, appeal_type, urgency)
        return policy

    def limits(self, start: dt.datetime, category: int | None, kind: str, urgency: str) -> Limits:
        policy = self.policy(category, kind, urgency)
        response_due = self.add_hours(start, policy.response_hours)
        if policy.is_in_hours():
            deadline = co_due = self.add_hours(start, policy.completion_limit)
        else:
            deadline = self.add_days(start, policy.completion_limit)
            co_days = max(1, policy.completion_limit - policy.co_handler_lead_days)
            co_due = self.add_days(start, co_days)
        return Limits(min(response_due, deadline), deadline, co_due, policy.max_extension_days)


def _weekdays_beyond(bundled: Callable[[dt.date], bool]) -> Callable[[dt.date], bool]:
    """The bundled calendar, or plain weekdays for a year it does not know yet (only the planned
    future of open appeals can reach there; the platform itself would refuse such a deadline)."""
    from zhengwu.lib.workdays import CalendarYearUnknown

    def is_workday(day: dt.date) -> bool:
        try:
            return bundled(day)
        except CalendarYearUnknown:
            return day.weekday() < 5

    return is_workday


# --- One appeal, planned then applied up to now ----------------------------------------------


@dataclass(eq=False)
class Case:
    """An appeal under construction; fields mirror the appeals_appeal columns."""

    id: int
    number: str
    channel: str
    appeal_type: str
    urgency: str
    leaf: Leaf
    district: District | None
    division: int | None
    place: str
    received_at: dt.datetime
    status: str = "received"
    version: int = 0
    updated_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    dispatched_at: dt.datetime | None = None
    response_due: dt.datetime | None = None
    deadline: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    outcome: str = ""
    resolution: str = ""
    satisfaction: str = ""
    evaluation_token_hash: str = ""
    evaluation_expires_at: dt.datetime | None = None
    urge_count: int = 0
    supervision_level: int = 0
    return_count: int = 0
    reopen_count: int = 0
    is_malicious: bool = False
    is_confidential: bool = False
    lead: int | None = None
    merged_into: int | None = None
    rejection_reason: int | None = None
    plan: list[tuple[dt.datetime, int, Callable, tuple]] = field(default_factory=list)
    records: list[tuple[str, list]] = field(default_factory=list)
    urged: set[tuple[str, dt.datetime]] = field(default_factory=set)


@dataclass
class Round:
    """One dispatch round: the bodies, their assignment rows (filled in when it happens) and the
    time limits from the dispatch instant."""

    kind: str
    at: dt.datetime
    lead: int
    co: tuple[int, ...]
    limits: Limits
    assignments: list[list] = field(default_factory=list)


# Assignment row positions (see COLUMNS["appeals_assignment"]).
A_ORG, A_STATE, A_DUE, A_SIGNED_AT, A_SIGNED_BY = 2, 4, 8, 9, 10
A_RETURN_REASON, A_RETURN_NOTE, A_RETURNED_AT = 11, 12, 13
A_OPINION, A_OPINION_AT, A_ENDED_AT = 14, 15, 16


class Generator:
    def __init__(self, city: City, clock: Clockwork, now: dt.datetime, seed: int) -> None:
        self.city, self.clock, self.now = city, clock, now
        self.rng = random.Random(seed)
        self.texts = Texts(self.rng)
        self.out: dict[str, list[tuple]] = {table: [] for table in TABLES}
        self.next_id: dict[str, int] = {}
        self.seq = itertools.count()
        self.channels = Weighted(list(CHANNELS), list(CHANNELS.values()))
        self.types = Weighted(list(TYPES), list(TYPES.values()))
        self.urgencies = Weighted(list(URGENCIES), list(URGENCIES.values()))
        self.masters: dict[int, tuple[int, str]] = {}
        self.phones = [self._phone() for _ in range(50_000)]

    # -- ids and output

    def take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def event(self, c: Case, at: dt.datetime, kind: str, actor: int | None, **f: Any) -> None:
        self.out["appeals_appealevent"].append(
            (
                self.take("appeals_appealevent"),
                f.get("appeal", c.id),
                kind,
                actor,
                f.get("source", ""),
                f.get("target", ""),
                f.get("public", ""),
                f.get("internal", ""),
                f.get("data", "{}"),
                at,
            )
        )

    def move(self, c: Case, at: dt.datetime, kind: str, target: str, actor: Any, **f) -> None:
        self.event(c, at, kind, actor, source=c.status, target=target, **f)
        c.status = target

    def record(self, c: Case, table: str, row: list) -> list:
        row[0] = self.take(table)
        c.records.append((table, row))
        return row

    # -- planning helpers

    def at(self, c: Case, when: dt.datetime, step: Callable, *args: Any) -> None:
        c.plan.append((when, next(self.seq), step, args))

    def hours(self, median: float, sigma: float = 0.8) -> dt.timedelta:
        return dt.timedelta(hours=self.rng.lognormvariate(0, sigma) * median)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def handler(self, org: int) -> int | None:
        return self.city.handlers.get(org)

    def _ip(self) -> str:
        rng = self.rng
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def _phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    # -- one appeal

    def appeal(self, appeal_id: int, number: str, received: dt.datetime) -> None:
        c = self.new_case(appeal_id, number, received)
        self.plan(c)
        c.plan.sort(key=lambda item: (item[0], item[1]))
        c.updated_at = received
        for when, _seq, step, args in c.plan:
            if when > self.now:
                break
            step(c, when, *args)
            c.version += 1
            c.updated_at = when
        self.finish(c)

    def new_case(self, appeal_id: int, number: str, received: dt.datetime) -> Case:
        rng = self.rng
        district = self.city.districts.draw(rng) if self.chance(0.88) else None
        division, place = None, ""
        if district is not None:
            division, place = district.division, district.name
            if district.streets and self.chance(0.7):
                street = rng.choice(district.streets)
                division, place = street[0], place + street[2]
        return Case(
            id=appeal_id,
            number=number,
            channel=self.channels.draw(rng),
            appeal_type=self.types.draw(rng),
            urgency=self.urgencies.draw(rng),
            leaf=self.city.leaves.draw(rng),
            district=district,
            division=division,
            place=place,
            received_at=received,
            is_confidential=self.chance(0.03),
        )

    def plan(self, c: Case) -> None:
        hotline = c.channel == "hotline"
        self.at(c, c.received_at, self.submit)
        if hotline:
            accepted = c.received_at + MINUTE * self.rng.uniform(1, 5)
        else:
            accepted = c.received_at + self.hours(1.5, 1.0)
        fate = self.rng.random()
        if fate < 0.03:
            self.at(c, accepted, self.reject, self.rng.choice(self.city.reasons))
            return
        user = self.city.users["intake" if hotline else "dispatcher"]
        self.at(c, accepted, self.accept, user)
        master = self.masters.get(c.leaf.id)
        if fate < 0.05 and master:
            self.at(c, accepted + self.hours(2), self.merge, master)
            return
        self.masters[c.leaf.id] = (c.id, c.number)
        lead, co = self.route(c)
        if fate < 0.12 and c.appeal_type == "consultation":  # 直办 by the centre
            closed = accepted + self.hours(1)
            self.at(c, closed, self.answer_directly)
            self.plan_evaluation(c, closed, lead, 0)
            return
        if self.chance(0.001):
            self.at(c, accepted + self.hours(24), self.flag)
        self.plan_round(c, accepted + self.hours(1.5, 1.0), lead, co, "dispatched", 0)

    def route(self, c: Case) -> tuple[int, tuple[int, ...]]:
        leaf, rng = c.leaf, self.rng
        if leaf.lead is None:
            district = c.district or self.city.districts.draw(rng)
            co = ()
            if district.streets and self.chance(0.3):
                co = (rng.choice(district.streets)[1],)
            return district.government, co
        co = leaf.co if leaf.co and self.chance(0.5) else ()
        if not co and self.chance(0.03):
            other = rng.choice(self.city.bodies)
            co = (other,) if other != leaf.lead else ()
        return leaf.lead, tuple(o for o in co if o != leaf.lead)

    # -- planning a dispatch round and what follows

    def plan_round(
        self, c: Case, at: dt.datetime, lead: int, co: tuple[int, ...], kind: str, depth: int
    ) -> None:
        rnd = Round(kind, at, lead, co, self.clock.limits(at, c.leaf.id, c.appeal_type, c.urgency))
        self.at(c, at, self.dispatch, rnd)
        signed = since = at + self.hours(1.2, 1.0)
        returned = depth < 2 and self.chance(0.03)
        sign_first = not returned or self.chance(0.4)
        if sign_first:
            self.plan_sign(c, rnd, signed)
        if returned:
            decided = self.plan_return(c, rnd, signed if sign_first else at, depth)
            if decided is None:
                return
            if not sign_first:
                signed = decided + self.hours(1)
                self.plan_sign(c, rnd, signed)
            since = max(decided, signed)
        last = self.plan_co_handlers(c, rnd)
        self.plan_handling(c, rnd, max(since, last), depth)

    def plan_sign(self, c: Case, rnd: Round, signed: dt.datetime) -> None:
        due = rnd.limits.response_due
        if signed > due:
            self.at(c, due + MINUTE * 2, self.urge, "sign_overdue", due, None)
        self.at(c, signed, self.sign, rnd, 0)

    def plan_return(
        self, c: Case, rnd: Round, since: dt.datetime, depth: int
    ) -> dt.datetime | None:
        """退单 by the lead body; the centre re-dispatches (None) or refuses (the decision time)."""
        returned = since + self.hours(3)
        reason = self.rng.choice(["not_our_duty", "wrong_area", "unclear"])
        self.at(c, returned, self.return_, rnd, reason)
        decided = returned + self.hours(3)
        if self.chance(0.8):
            other = self.rng.choice([b for b in self.city.bodies if b != rnd.lead])
            self.plan_round(c, decided, other, (), "redispatched", depth + 1)
            return None
        self.at(c, decided, self.refuse_return, rnd)
        return decided

    def plan_co_handlers(self, c: Case, rnd: Round) -> dt.datetime:
        last = rnd.at
        span = max((rnd.limits.co_due - rnd.at).total_seconds(), 3600)
        for index in range(1, len(rnd.co) + 1):
            signed = rnd.at + self.hours(2)
            opinion = rnd.at + dt.timedelta(seconds=span * self.rng.uniform(0.3, 0.95))
            opinion = max(opinion, signed + MINUTE * 30)
            self.at(c, signed, self.sign, rnd, index)
            self.at(c, opinion, self.co_opinion, rnd, index)
            last = max(last, opinion)
        return last

    def plan_handling(self, c: Case, rnd: Round, since: dt.datetime, depth: int) -> None:
        deadline, changed = rnd.limits.deadline, since
        if self.chance(0.03):
            deadline, since = self.plan_pause(c, rnd, since, deadline)
            changed = since
        if self.chance(0.015) and since < deadline - HOUR:
            deadline, changed = self.plan_extension(c, rnd, since, deadline)
            since = max(since, changed)
        replied = self.reply_time(rnd.at, since, deadline)
        self.plan_urges(c, rnd, changed, deadline, replied)
        self.at(c, replied, self.reply, rnd)
        reviewed = replied + self.hours(5)
        if self.chance(0.08):
            self.at(c, reviewed, self.review, False)
            replied = reviewed + self.hours(20)
            self.at(c, replied, self.reply, rnd)
            reviewed = replied + self.hours(5)
        self.at(c, reviewed, self.review, True)
        self.plan_evaluation(c, reviewed, rnd.lead, depth)

    def reply_time(self, dispatched: dt.datetime, since: dt.datetime, deadline: dt.datetime):
        span = max((deadline - dispatched).total_seconds(), 3600)
        draw = self.rng.random()
        if draw < 0.002:  # stalled: months late
            replied = deadline + DAY * self.rng.uniform(20, 400)
        elif draw < 0.025:  # late
            replied = dispatched + dt.timedelta(seconds=span * self.rng.uniform(1.02, 1.8))
        else:
            replied = dispatched + dt.timedelta(seconds=span * self.rng.betavariate(2, 3.5))
        return max(replied, since + MINUTE * 20)

    def plan_pause(self, c: Case, rnd: Round, since: dt.datetime, deadline: dt.datetime):
        asked = since + self.hours(10)
        supplied = self.chance(0.7)
        resumed = asked + (self.hours(30) if supplied else DAY * 7)
        days = self.clock.paused_days(asked, resumed)
        new = self.clock.add_days(deadline, days) if days else deadline
        self.at(c, asked, self.ask_citizen)
        self.at(c, resumed, self.resume, supplied, deadline, new, days)
        return new, resumed

    def plan_extension(self, c: Case, rnd: Round, since: dt.datetime, deadline: dt.datetime):
        gap = (deadline - since).total_seconds()
        asked = since + dt.timedelta(seconds=gap * self.rng.uniform(0.2, 0.8))
        decided = asked + self.hours(8)
        days = self.rng.randint(3, min(10, rnd.limits.max_extension))
        approve = self.chance(0.85)
        new = self.clock.add_days(deadline, days) if approve else deadline
        reason = "需要协调多个单位，申请延期。"
        extension = [0, c.id, rnd.lead, days, reason, self.handler(rnd.lead)]
        self.at(c, asked, self.ask_extension, extension)
        self.at(c, decided, self.decide_extension, extension, approve, deadline, new)
        return new, decided

    def plan_urges(
        self, c: Case, rnd: Round, since: dt.datetime, deadline: dt.datetime, replied: dt.datetime
    ) -> None:
        if rnd.limits.deadline.time() != dt.time(23, 59, 59):
            near = None  # limits in hours: no day-ahead reminder
        else:
            near = self.clock.previous_workday_start(deadline) + MINUTE
        if near and since < near < replied:
            self.at(c, near, self.urge, "before_deadline", deadline, None)
        if replied > deadline > since:
            self.at(c, deadline + MINUTE * 2, self.urge, "overdue", deadline, None)
            if replied - deadline > DAY * 15 and self.chance(0.5):
                self.plan_supervision(c, rnd, deadline + DAY * self.rng.uniform(5, 15), replied)
        elif self.chance(0.004) and replied - since > DAY:
            self.plan_supervision(c, rnd, since + (replied - since) / 3, replied)
        if self.chance(0.01) and replied - since > DAY:
            who = self.city.users[self.rng.choice(["dispatcher", "supervisor"])]
            self.at(c, since + (replied - since) / 2, self.urge, "manual", deadline, who)

    def plan_supervision(self, c: Case, rnd: Round, issued: dt.datetime, replied: dt.datetime):
        level = self.rng.choice([1, 1, 1, 2, 2, 3])
        notice, due = "请高度重视，限期办结并反馈。", self.clock.add_days(issued, 3)
        row = [0, c.id, rnd.lead, level, notice, due]
        self.at(c, issued, self.supervise, row)
        answered = issued + self.hours(30)
        if answered < replied:
            self.at(c, answered, self.answer_supervision, row)

    def plan_evaluation(self, c: Case, closed: dt.datetime, lead: int, depth: int) -> None:
        expires = self.clock.add_days(closed, 10)
        draw = self.rng.random()
        if draw < 0.5:
            when, source = min(closed + self.hours(20), expires - MINUTE), "citizen"
        elif draw < 0.65:
            when, source = min(closed + self.hours(48, 0.5), expires - MINUTE), "callback"
        else:
            self.at(c, expires + MINUTE * 2, self.expire)
            return
        unhappy = self.chance(0.12)
        self.at(c, when, self.evaluate, source, unhappy)
        if not unhappy:
            return
        decided = when + self.hours(24)
        if depth < 2 and self.chance(0.5):
            self.plan_round(c, decided, lead, (), "reopened", depth + 1)
        else:
            self.at(c, decided, self.deny_reopen)

    # -- applying the steps (each mirrors a use case in zhengwu.appeals.actions)

    def submit(self, c: Case, at: dt.datetime) -> None:
        actor = self.city.users["intake"] if c.channel == "hotline" else None
        self.event(c, at, "submitted", actor, target="received", public="诉求已提交，等待受理。")

    def reject(self, c: Case, at: dt.datetime, reason: tuple[int, str]) -> None:
        c.rejection_reason, c.closed_at = reason[0], at
        self.move(c, at, "rejected", "rejected", self.city.users["dispatcher"], public=reason[1])

    def accept(self, c: Case, at: dt.datetime, user: int) -> None:
        c.accepted_at = at
        self.move(c, at, "accepted", "accepted", user, public="诉求已受理，正在转交承办单位。")

    def merge(self, c: Case, at: dt.datetime, master: tuple[int, str]) -> None:
        user = self.city.users["dispatcher"]
        c.merged_into, c.outcome = master[0], "merged"
        note = f"与编号{master[1]}的诉求合并办理，办理结果将一并告知您。"
        self.move(c, at, "merged", "merged", user, public=note)
        internal = f"并入编号{c.number}。"
        self.event(c, at, "merge_received", user, appeal=master[0], internal=internal)

    def answer_directly(self, c: Case, at: dt.datetime) -> None:
        user = self.city.users["intake"]
        reply = [0, c.id, self.city.centre, user, self.texts.reply(), "", "answered", at]
        self.record(c, "appeals_reply", [*reply, "approved", user, at, ""])
        c.lead, c.replied_at = self.city.centre, at
        self.close(c, at, "answered_directly", user, "answered")

    def close(self, c: Case, at: dt.datetime, kind: str, user: int, outcome: str) -> None:
        c.closed_at, c.outcome = at, outcome
        c.published_at = None if c.is_confidential else at
        c.evaluation_token_hash = DUMMY_HASH
        c.evaluation_expires_at = self.clock.add_days(at, 10)
        # The facts the platform records on a close (appeals.actions._closing_facts).
        facts = {
            "organisation": c.lead,
            "deadline": c.deadline.isoformat() if c.deadline else None,
            "on_time": c.deadline is None or at <= c.deadline,
            "handling_days": round(
                self.clock.working_days(c.dispatched_at or c.received_at, at), 3
            ),
        }
        self.move(
            c, at, kind, "closed", user, public="答复已审核通过，诉求办结。", data=json.dumps(facts)
        )

    def flag(self, c: Case, at: dt.datetime) -> None:
        c.is_malicious = True
        self.event(c, at, "flagged", self.city.users["dispatcher"], internal="多次恶意拨打。")

    def dispatch(self, c: Case, at: dt.datetime, rnd: Round) -> None:
        for table, row in c.records:
            if table == "appeals_assignment" and row[A_ENDED_AT] is None:
                row[A_ENDED_AT] = at
                row[A_STATE] = "returned" if row[A_STATE] == "returned" else "ended"
        user, limits = self.city.users["dispatcher"], rnd.limits
        rnd.assignments = [
            self.record(c, "appeals_assignment", self.assignment(c, at, rnd, org, role))
            for org, role in [(rnd.lead, "lead"), *((o, "co") for o in rnd.co)]
        ]
        previous_lead = c.lead
        c.lead, c.dispatched_at, c.paused_at = rnd.lead, at, None
        c.response_due, c.deadline = limits.response_due, limits.deadline
        if rnd.kind == "reopened":
            c.reopen_count += 1
            c.closed_at = c.published_at = None
        names = "、".join(self.city.names[o] for o in rnd.co)
        public = "已转交{}办理{}，办理期限至{:%Y-%m-%d}。".format(
            self.city.names[rnd.lead], f"（协办：{names}）" if names else "", limits.deadline
        )
        data = json.dumps({"lead": rnd.lead, "co": list(rnd.co), "previous_lead": previous_lead})
        self.move(c, at, rnd.kind, "dispatched", user, public=public, data=data)

    def assignment(self, c: Case, at: dt.datetime, rnd: Round, org: int, role: str) -> list:
        due = rnd.limits.deadline if role == "lead" else rnd.limits.co_due
        user = self.city.users["dispatcher"]
        head = [0, c.id, org, role, "pending", at, user, rnd.limits.response_due, due]
        return [*head, None, None, "", "", None, "", None, None]

    def sign(self, c: Case, at: dt.datetime, rnd: Round, index: int) -> None:
        row = rnd.assignments[index]
        org = row[A_ORG]
        row[A_STATE], row[A_SIGNED_AT], row[A_SIGNED_BY] = "signed", at, self.handler(org)
        name = self.city.names[org]
        if index == 0 and c.status == "dispatched":
            public = f"{name}已签收，正在办理。"
            self.move(c, at, "signed", "in_progress", self.handler(org), public=public)
        else:
            self.event(c, at, "co_signed", self.handler(org), internal=f"{name}已签收（协办）。")

    def co_opinion(self, c: Case, at: dt.datetime, rnd: Round, index: int) -> None:
        row = rnd.assignments[index]
        row[A_STATE], row[A_OPINION], row[A_OPINION_AT] = "submitted", "同意主办单位意见。", at
        data = json.dumps({"organisation": row[A_ORG]})
        user = self.handler(row[A_ORG])
        self.event(c, at, "co_opinion", user, internal=row[A_OPINION], data=data)

    def return_(self, c: Case, at: dt.datetime, rnd: Round, reason: str) -> None:
        row = rnd.assignments[0]
        row[A_STATE], row[A_RETURNED_AT] = "returned", at
        row[A_RETURN_REASON], row[A_RETURN_NOTE] = reason, "请改派相关单位办理。"
        c.return_count += 1
        data = json.dumps({"organisation": row[A_ORG], "reason": reason})
        public = "承办单位申请退回，督办中心正在审核并重新派单。"
        user = self.handler(row[A_ORG])
        self.move(c, at, "returned", "return_requested", user, public=public, data=data)

    def refuse_return(self, c: Case, at: dt.datetime, rnd: Round) -> None:
        row = rnd.assignments[0]
        row[A_STATE] = "signed" if row[A_SIGNED_AT] else "pending"
        target = "in_progress" if row[A_SIGNED_AT] else "dispatched"
        public = f"经审核，仍由{self.city.names[row[A_ORG]]}办理。"
        self.move(c, at, "return_refused", target, self.city.users["dispatcher"], public=public)

    def ask_citizen(self, c: Case, at: dt.datetime) -> None:
        c.paused_at = at
        public = "请补充具体位置和现场照片。"
        self.move(c, at, "info_requested", "awaiting_citizen", self.handler(c.lead), public=public)

    def resume(self, c: Case, at: dt.datetime, supplied: bool, old, new, days: int) -> None:
        c.deadline, c.paused_at = new, None
        self._lead_due(c, new)
        data = json.dumps(
            {"paused_days": days, "old_deadline": old.isoformat(), "new_deadline": new.isoformat()}
        )
        kind, actor = ("info_supplied", None) if supplied else ("resumed", None)
        public = "市民已补充材料，继续办理。" if supplied else "恢复办理。"
        self.move(c, at, kind, "in_progress", actor, public=public, data=data)

    def _lead_due(self, c: Case, due: dt.datetime) -> None:
        for table, row in c.records:
            if table == "appeals_assignment" and row[3] == "lead" and row[A_ENDED_AT] is None:
                row[A_DUE] = due

    def ask_extension(self, c: Case, at: dt.datetime, row: list) -> None:
        self.record(c, "appeals_extension", row)
        row.extend([at, "pending", None, None, "", None, None])
        internal = f"+{row[3]}：{row[4]}"
        self.event(c, at, "extension_requested", row[5], internal=internal)

    def decide_extension(self, c, at: dt.datetime, row: list, approve: bool, old, new) -> None:
        user = self.city.users["dispatcher"]
        row[7:13] = ["approved", user, at, "", old, new]
        if not approve:
            row[7], row[11], row[12] = "refused", None, None
            self.event(c, at, "extension_refused", user)
            return
        c.deadline = new
        self._lead_due(c, new)
        self.event(c, at, "extension_approved", user, public=f"办理期限延长至{new:%Y-%m-%d}。")

    def urge(self, c: Case, at: dt.datetime, kind: str, deadline, user: int | None) -> None:
        if kind != "manual":  # automatic urges: once per kind and deadline, as actions.urge
            if (kind, deadline) in c.urged:
                return
            c.urged.add((kind, deadline))
        note = self.texts.note()
        row = (self.take("appeals_urge"), c.id, c.lead, kind, deadline, note, user, at)
        self.out["appeals_urge"].append(row)
        c.urge_count += 1
        data = json.dumps({"kind": kind})
        self.event(c, at, "urged", user, internal=note, public="督办中心已催办。", data=data)

    def supervise(self, c: Case, at: dt.datetime, row: list) -> None:
        self.record(c, "appeals_supervision", row)
        row.extend([self.city.users["supervisor"], at, "open", "", None, None])
        c.supervision_level = max(c.supervision_level, row[3])
        label = {1: "一般督办", 2: "重点督办", 3: "挂牌督办"}[row[3]]
        self.event(c, at, "supervised", row[6], internal=row[4], public=f"督办中心已发出{label}。")

    def answer_supervision(self, c: Case, at: dt.datetime, row: list) -> None:
        user = self.handler(row[2])
        row[8:12] = ["answered", "已按要求办理，正在加快推进。", user, at]
        self.event(c, at, "supervision_answered", user, internal=row[9])

    def reply(self, c: Case, at: dt.datetime, rnd: Round) -> None:
        user = self.handler(rnd.lead)
        outcome = self.rng.choice(["resolved", "resolved", "resolved", "answered", "unable"])
        row = [0, c.id, rnd.lead, user, self.texts.reply(), "", outcome, at, "pending", None]
        self.record(c, "appeals_reply", [*row, None, ""])
        c.replied_at = at
        self.move(c, at, "replied", "replied", user, public="承办单位已答复，督办中心正在审核。")

    def review(self, c: Case, at: dt.datetime, approve: bool) -> None:
        row = next(r for t, r in reversed(c.records) if t == "appeals_reply")
        user = self.city.users["dispatcher"]
        note = "" if approve else "请补充办理细节。"
        row[8:12] = ["approved" if approve else "rejected", user, at, note]
        if approve:
            self.close(c, at, "reply_approved", user, row[6])
        else:
            self.move(c, at, "reply_rejected", "in_progress", user, internal=row[11])

    def evaluate(self, c: Case, at: dt.datetime, source: str, unhappy: bool) -> None:
        if unhappy:
            resolution = self.rng.choice(["unresolved", "partly"])
            satisfaction = "dissatisfied"
        else:
            resolution = "resolved" if self.chance(0.85) else "partly"
            satisfaction = "satisfied" if self.chance(0.78) else "basically"
        user = self.city.users["intake"] if source == "callback" else None
        comment = self.texts.comment()
        row = (self.take("appeals_evaluation"), c.id, source, resolution, satisfaction, comment)
        self.out["appeals_evaluation"].append((*row, user, at))
        c.resolution, c.satisfaction = resolution, satisfaction
        c.evaluation_token_hash, c.evaluation_expires_at = "", None
        labels = {"resolved": "已解决", "partly": "部分解决", "unresolved": "未解决"}
        feel = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}
        label = f"{labels[resolution]}，{feel[satisfaction]}"
        target = "reopen_requested" if unhappy else "evaluated"
        self.move(c, at, "evaluated", target, user, public=label, internal=comment)

    def expire(self, c: Case, at: dt.datetime) -> None:
        row = (self.take("appeals_evaluation"), c.id, "expired", "", "none", "", None, at)
        self.out["appeals_evaluation"].append(row)
        c.satisfaction, c.evaluation_token_hash, c.evaluation_expires_at = "none", "", None
        self.move(c, at, "evaluation_expired", "evaluated", None, public="评价期已过，未评价。")

    def deny_reopen(self, c: Case, at: dt.datetime) -> None:
        public = "经核实，承办单位已按政策答复，维持办结。"
        self.move(c, at, "reopen_denied", "evaluated", self.city.users["dispatcher"], public=public)

    # -- the appeal row

    def finish(self, c: Case) -> None:
        for table, row in c.records:
            self.out[table].append(tuple(row))
        self.out["appeals_appeal"].append(self.appeal_row(c))

    def appeal_row(self, c: Case) -> tuple:
        rng, texts = self.rng, self.texts
        keyword = rng.choice(c.leaf.keywords)
        road = texts.road()
        category = c.leaf.id
        if c.status in ("received", "accepted", "rejected", "merged") and c.channel != "hotline":
            category = None if self.chance(0.4) else category
        anonymous = self.chance(0.05)
        phone = "" if anonymous and self.chance(0.5) else rng.choice(self.phones)
        email = f"user{rng.randrange(10**6)}@example.com" if self.chance(0.08) else ""
        web = c.channel in ("portal", "mailbox", "app")
        mailbox = self.city.mailboxes.draw(rng)[0] if c.channel == "mailbox" else None
        external = f"{c.channel}-{c.id}" if c.channel in ("partner", "microblog") else ""
        citizen = self.city.users["citizen"] if web and c.id % 20011 == 0 else None
        return (
            c.id,
            c.number,
            DUMMY_HASH,
            c.channel,
            external,
            c.appeal_type,
            c.urgency,
            texts.title(c.appeal_type, keyword, c.place),
            texts.content(c.appeal_type, keyword, c.place, road),
            f"{road}{rng.randint(1, 300)}号" if self.chance(0.6) else "",
            texts.person(),
            phone,
            email,
            anonymous,
            c.is_confidential,
            self._ip() if web else None,
            c.status,
            c.version,
            c.received_at,
            c.accepted_at,
            c.dispatched_at,
            c.response_due,
            c.deadline,
            c.paused_at,
            c.replied_at,
            c.closed_at,
            c.published_at,
            c.outcome,
            c.resolution,
            c.satisfaction,
            c.evaluation_token_hash,
            c.evaluation_expires_at,
            c.urge_count,
            c.supervision_level,
            c.return_count,
            c.reopen_count,
            c.is_malicious,
            c.updated_at,
            category,
            citizen,
            c.division,
            self.city.users["intake"] if c.channel == "hotline" else None,
            c.lead,
            c.merged_into,
            mailbox,
            c.rejection_reason,
        )

    def drain(self) -> dict[str, list[tuple]]:
        batch, self.out = self.out, {table: [] for table in TABLES}
        return batch


# --- Days, numbers and the loading pipeline -------------------------------------------------


def day_counts(
    total: int, now: dt.datetime, years: int, is_workday: Callable[[dt.date], bool]
) -> list[tuple[dt.date, int]]:
    """Spread `total` over the days up to today: fewer on days off, a little growth over the
    period, more in summer (noise, water, heat) and the heating season; today only so far."""
    today = now.date()
    days = [today - DAY * i for i in range(365 * years, -1, -1)]
    weights = []
    for index, day in enumerate(days):
        weight = (1.0 if is_workday(day) else 0.7) * (0.85 + 0.3 * index / len(days))
        weight *= 1.15 if day.month in (6, 7, 8) else 1.1 if day.month in (11, 12, 1) else 1.0
        weights.append(weight)
    elapsed = sum(HOURS[: now.hour]) + HOURS[now.hour] * now.minute / 60
    weights[-1] *= elapsed / sum(HOURS)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    by_remainder = sorted(range(len(days)), key=lambda i: weights[i] * scale - counts[i])
    for i in by_remainder[len(days) - (total - sum(counts)) :]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def receipt_times(
    rng: random.Random, day: dt.date, count: int, now: dt.datetime
) -> list[dt.datetime]:
    hours = Weighted(list(range(24)), HOURS)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=TZ)
    times = []
    while len(times) < count:
        instant = start + dt.timedelta(hours=hours.draw(rng), seconds=rng.randrange(3600))
        if instant < now:
            times.append(instant)
    return sorted(times)


def ensure_handlers(city_names: dict[int, str]) -> int:
    """One 承办人 account in every body that receives work and has none (shared password hash;
    bench data only), so timeline rows name a person as the real use cases would."""
    from django.contrib.auth.hashers import make_password

    from zhengwu.org.demo import DEMO_PASSWORD
    from zhengwu.org.models import Membership, Organisation, User

    staffed = set(Membership.objects.filter(role="handler").values_list("organisation", flat=True))
    bodies = Organisation.objects.filter(is_active=True).exclude(kind__in=["centre", "government"])
    missing = [o for o in bodies if o.pk not in staffed]
    password = make_password(DEMO_PASSWORD)
    for org in missing:
        user = User.objects.create(
            username=f"bench_handler_{org.pk}",
            display_name=f"{org.short_name or org.name}承办人",
            password=password,
        )
        Membership.objects.create(user=user, organisation=org, role="handler")
    return len(missing)


class Writer(threading.Thread):
    """COPY batches on its own connection while the main thread generates the next one."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.batches: queue.Queue[dict[str, list[tuple]] | None] = queue.Queue(maxsize=2)
        self.rows: Counter[str] = Counter()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(self.url) as conn:
                conn.execute("SET session_replication_role = replica")
                conn.execute("SET synchronous_commit = off")
                while (batch := self.batches.get()) is not None:
                    self.copy(conn, batch)
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def copy(self, conn: psycopg.Connection, batch: dict[str, list[tuple]]) -> None:
        with conn.cursor() as cursor:
            for table, rows in batch.items():
                columns = ", ".join(COLUMNS[table].split())
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.rows[table] += len(rows)
        conn.commit()

    def put(self, batch: dict[str, list[tuple]] | None) -> None:
        while True:
            if self.error is not None:
                raise RuntimeError("COPY failed") from self.error
            try:
                self.batches.put(batch, timeout=1)
                return
            except queue.Full:
                continue


def start_ids(conn: psycopg.Connection) -> dict[str, int]:
    return {
        table: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]  # noqa: S608
        for table in TABLES
    }


def existing_counters(conn: psycopg.Connection) -> dict[dt.date, int]:
    return dict(conn.execute("SELECT day, last FROM appeals_dailycounter").fetchall())


def generate(gen: Generator, plan: list[tuple[dt.date, int]], counters, writer, batch: int):
    """Appeals in order of receipt (so ids follow time); numbers continue each day's counter."""
    appeal_id, done, started = gen.next_id["appeals_appeal"], 0, time.monotonic()
    last_serials: dict[dt.date, int] = {}
    for day, count in plan:
        serial = counters.get(day, 0)
        for received in receipt_times(gen.rng, day, count, gen.now):
            serial += 1
            gen.next_id["appeals_appeal"] = appeal_id + 1
            gen.appeal(appeal_id, f"ZW{day:%Y%m%d}{serial:06d}", received)
            appeal_id, done = appeal_id + 1, done + 1
            if done % batch == 0:
                writer.put(gen.drain())
                report(done, writer, started)
        last_serials[day] = serial
    writer.put(gen.drain())
    writer.put(None)
    writer.join()
    if writer.error is not None:
        raise RuntimeError("COPY failed") from writer.error
    report(done, writer, started)
    return last_serials


def report(done: int, writer: Writer, started: float) -> None:
    elapsed = time.monotonic() - started
    rows = sum(writer.rows.values())
    print(
        f"  {done:>9,} appeals generated, {rows:>11,} rows written,"
        f" {elapsed:7.1f} s, {rows / max(elapsed, 1e-9):,.0f} rows/s",
        flush=True,
    )


def finish(conn: psycopg.Connection, serials: dict[dt.date, int]) -> None:
    for table in TABLES:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
            f" (SELECT max(id) FROM {table}))"
        )
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO appeals_dailycounter (day, last) VALUES (%s, %s) ON CONFLICT (day)"
            " DO UPDATE SET last = greatest(appeals_dailycounter.last, excluded.last)",
            [(day, last) for day, last in serials.items() if last],
        )
    conn.commit()


ORPHANS = [
    ("appeals_appealevent", "appeal_id", "appeals_appeal"),
    ("appeals_assignment", "appeal_id", "appeals_appeal"),
    ("appeals_assignment", "organisation_id", "org_organisation"),
    ("appeals_reply", "appeal_id", "appeals_appeal"),
    ("appeals_evaluation", "appeal_id", "appeals_appeal"),
    ("appeals_urge", "appeal_id", "appeals_appeal"),
    ("appeals_supervision", "appeal_id", "appeals_appeal"),
    ("appeals_extension", "appeal_id", "appeals_appeal"),
    ("appeals_appeal", "merged_into_id", "appeals_appeal"),
    ("appeals_appeal", "category_id", "dispatch_category"),
    ("appeals_appeal", "division_id", "org_division"),
    ("appeals_appeal", "lead_department_id", "org_organisation"),
    ("appeals_appealevent", "actor_id", "org_user"),
]


def check_orphans(conn: psycopg.Connection) -> None:
    """Foreign keys were not checked while loading (replica role): check them now."""
    for table, column, parent in ORPHANS:
        count = conn.execute(
            f"SELECT count(*) FROM {table} c WHERE c.{column} IS NOT NULL AND NOT EXISTS"  # noqa: S608
            f" (SELECT 1 FROM {parent} p WHERE p.id = c.{column})"
        ).fetchone()[0]
        if count:
            raise SystemExit(f"{count} rows of {table}.{column} point to no {parent}")


def summary(conn: psycopg.Connection) -> None:
    print("rows:")
    for table in TABLES:
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        print(f"  {table:<22} {count:>11,}")
    print("appeals by status:")
    rows = conn.execute("SELECT status, count(*) FROM appeals_appeal GROUP BY 1 ORDER BY 2 DESC")
    for status, count in rows:
        print(f"  {status:<22} {count:>11,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=_django.DEFAULT_URL)
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    started = time.monotonic()
    if _django.ensure_database(args.database_url):
        print(f"created database {_django.database_name(args.database_url)}")
    _django.setup(args.database_url)
    prepare(args)
    load(args)
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)


def prepare(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from zhengwu.appeals.models import Appeal

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-history", stdout=io.StringIO())
    existing = Appeal.objects.count()
    if existing > 100:
        raise SystemExit(
            f"the database already holds {existing} appeals; drop it first"
            " (dropdb -h 127.0.0.1 -U postgres <name>)"
        )


def load(args: argparse.Namespace) -> None:
    from django.db import connection

    rng = random.Random(args.seed)
    city = load_city(rng)
    created = ensure_handlers(city.names)
    city = load_city(rng)
    clock = Clockwork()
    now = dt.datetime.now(TZ).replace(microsecond=0)
    connection.close()
    with psycopg.connect(args.database_url) as conn:
        gen = Generator(city, clock, now, args.seed)
        gen.next_id = start_ids(conn)
        counters = existing_counters(conn)
    plan = day_counts(args.appeals, now, args.years, clock.calendar.is_workday)
    print(f"{created} handler accounts added; generating {args.appeals:,} appeals", flush=True)
    writer = Writer(args.database_url)
    writer.start()
    load_started = time.monotonic()
    serials = generate(gen, plan, counters, writer, args.batch)
    print(f"loaded in {time.monotonic() - load_started:.0f} s", flush=True)
    with psycopg.connect(args.database_url) as conn:
        finish(conn, serials)
        check_orphans(conn)
        conn.commit()
        conn.autocommit = True
        step = time.monotonic()
        conn.execute("VACUUM (ANALYZE)")
        print(f"VACUUM ANALYZE in {time.monotonic() - step:.0f} s", flush=True)
        summary(conn)


if __name__ == "__main__":
    main()
