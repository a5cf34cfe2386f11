"""Daily rollups: the hub's events counted per day and per dimension, so that reports and the
dashboard sum a few hundred rows a day instead of scanning the event history.

`refresh()` recounts only the days touched since the last run (every appeal change appends an
AppealEvent, so their dates say which days moved), from the source tables, replacing those
days' rows in one transaction. It runs from the periodic checks; `refresh_rollups --all`
rebuilds everything.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zhengwu.appeals.models import (
    Appeal,
    AppealEvent,
    Assignment,
    Evaluation,
    Reply,
    Supervision,
    Urge,
)
from zhengwu.dispatch.models import Category
from zhengwu.lib.workdays import SHANGHAI
from zhengwu.org.models import Division, Organisation
from zhengwu.reports.metrics import bucket, empty
from zhengwu.reports.models import DailyRollup, Dimension, RollupState

# Events committed by a transaction that started before the last run but committed after it
# carry an earlier timestamp; recounting this far back catches them.
SAFETY_MARGIN = dt.timedelta(minutes=15)
CLOSE_KINDS = ("reply_approved", "answered_directly")
APPEAL_FIELDS = ("division_id", "category_id", "channel", "appeal_type")


@dataclass
class Lookups:
    """Small tables read once per refresh: division → county code, category → first level."""

    county: dict[int, str] = field(default_factory=dict)
    root: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        county = {
            pk: code[:6]
            for pk, code, level in Division.objects.values_list("pk", "code", "level")
            if level >= Division.Level.COUNTY
        }
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        return cls(county, {pk: _root(pk, parents) for pk in parents})


def _root(pk: int, parents: dict[int, int | None]) -> int:
    seen = 0
    while parents.get(pk) is not None and seen < 5:
        pk, seen = parents[pk], seen + 1
    return pk


@dataclass
class Tally:
    lookups: Lookups
    cells: dict[tuple[str, str], dict] = field(default_factory=lambda: defaultdict(_new_cell))

    def keys(self, appeal: dict, organisation_id: int | None) -> Iterator[tuple[str, str]]:
        yield Dimension.ALL, ""
        county = self.lookups.county.get(appeal.get("division_id"))
        if county:
            yield Dimension.COUNTY, county
        root = self.lookups.root.get(appeal.get("category_id"))
        if root:
            yield Dimension.CATEGORY, str(root)
        yield Dimension.CHANNEL, appeal["channel"]
        yield Dimension.TYPE, appeal["appeal_type"]
        if organisation_id:
            yield Dimension.ORGANISATION, str(organisation_id)

    def add(
        self, appeal: dict, organisation_id: int | None, counter: str, amount: float = 1
    ) -> None:
        for key in self.keys(appeal, organisation_id):
            self.cells[key][counter] += amount

    def add_close(self, appeal: dict, organisation_id: int | None, facts: dict) -> None:
        days = float(facts.get("handling_days") or 0)
        for key in self.keys(appeal, organisation_id):
            cell = self.cells[key]
            cell["closed"] += 1
            cell["closed_on_time"] += 1 if facts.get("on_time", True) else 0
            cell["handling_days"] += days
            cell["handling_histogram"][bucket(days)] += 1


def _new_cell() -> dict:
    cell = empty()
    cell["handling_histogram"] = defaultdict(int)
    return cell


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
    return start, start + dt.timedelta(days=1)


def _grouped(queryset: QuerySet, prefix: str, org: str | None) -> Iterable[dict]:
    """Rows grouped by the appeal's dimensions (and the body), with a count `n`."""
    names = {f"{prefix}{name}" for name in APPEAL_FIELDS}
    fields = {name: F(f"{prefix}{name}") for name in APPEAL_FIELDS} if prefix else {}
    group = list(fields) if prefix else list(names)
    if org:
        fields["org"] = F(org)
        group.append("org")
    return queryset.annotate(**fields).values(*group).annotate(n=Count("pk")).order_by()


def _count(
    tally: Tally,
    queryset: QuerySet,
    counter: str,
    *,
    prefix: str = "appeal__",
    org: str | None = None,
) -> None:
    for row in _grouped(queryset, prefix, org):
        tally.add(row, row.get("org"), counter, row["n"])


def count_day(day: dt.date, lookups: Lookups) -> Tally:
    """Every counter of one day, recounted from the source tables."""
    start, end = day_bounds(day)
    tally = Tally(lookups)
    events = AppealEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    _count(
        tally,
        Appeal.objects.filter(received_at__gte=start, received_at__lt=end),
        "received",
        prefix="",
    )
    _count(
        tally,
        Appeal.objects.filter(accepted_at__gte=start, accepted_at__lt=end),
        "accepted",
        prefix="",
    )
    _count(tally, events.filter(kind="rejected"), "rejected")
    _count(tally, events.filter(kind="merged"), "merged")
    _count_dispatches(tally, start, end)
    _count(
        tally,
        Reply.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(
            organisation__kind=Organisation.Kind.CENTRE
        ),
        "replied",
        org="organisation_id",
    )
    _count_closes(tally, events.filter(kind__in=CLOSE_KINDS))
    _count(tally, events.filter(kind="reopened"), "reopened", org="data__previous_lead")
    _count_evaluations(tally, start, end)
    urges = Urge.objects.filter(created_at__gte=start, created_at__lt=end)
    _count(tally, urges, "urged", org="organisation_id")
    _count(tally, urges.filter(kind=Urge.Kind.OVERDUE), "overdue", org="organisation_id")
    _count(
        tally,
        Supervision.objects.filter(issued_at__gte=start, issued_at__lt=end),
        "supervised",
        org="organisation_id",
    )
    _count(
        tally,
        Assignment.objects.filter(
            returned_at__gte=start, returned_at__lt=end, role=Assignment.Role.LEAD
        ),
        "returned",
        org="organisation_id",
    )
    return tally


def _count_dispatches(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    leads = Assignment.objects.filter(
        dispatched_at__gte=start, dispatched_at__lt=end, role=Assignment.Role.LEAD
    )
    _count(tally, leads, "dispatched", org="organisation_id")
    in_time = leads.filter(signed_at__isnull=False, signed_at__lte=F("response_due"))
    _count(tally, in_time, "responded", org="organisation_id")


def _count_closes(tally: Tally, closes: QuerySet) -> None:
    fields = [f"appeal__{name}" for name in APPEAL_FIELDS]
    for row in closes.values("data", *fields):
        appeal = {name: row[f"appeal__{name}"] for name in APPEAL_FIELDS}
        facts = row["data"] or {}
        tally.add_close(appeal, facts.get("organisation"), facts)


EVALUATION_COUNTERS = {
    "resolution": {"resolved": "resolved", "partly": "partly", "unresolved": "unresolved"},
    "satisfaction": {
        "satisfied": "satisfied",
        "basically": "basically",
        "dissatisfied": "dissatisfied",
        "none": "not_evaluated",
    },
}


def _count_evaluations(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    evaluations = Evaluation.objects.filter(created_at__gte=start, created_at__lt=end)
    fields = {name: F(f"appeal__{name}") for name in APPEAL_FIELDS}
    rows = (
        evaluations.annotate(org=F("appeal__lead_department_id"), **fields)
        .values(*fields, "org", "source", "resolution", "satisfaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["source"] != Evaluation.Source.EXPIRED:
            tally.add(row, row["org"], "evaluated", row["n"])
        for attribute, mapping in EVALUATION_COUNTERS.items():
            counter = mapping.get(row[attribute])
            if counter:
                tally.add(row, row["org"], counter, row["n"])


def _rows(day: dt.date, tally: Tally) -> list[DailyRollup]:
    rows = []
    for (dimension, key), cell in tally.cells.items():
        histogram = cell.pop("handling_histogram")
        dense = [histogram.get(i, 0) for i in range(max(histogram, default=-1) + 1)]
        rows.append(
            DailyRollup(day=day, dimension=dimension, key=key, handling_histogram=dense, **cell)
        )
    return rows


def rebuild_day(day: dt.date, lookups: Lookups | None = None) -> int:
    tally = count_day(day, lookups or Lookups.load())
    rows = _rows(day, tally)
    with transaction.atomic():
        DailyRollup.objects.filter(day=day).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(SHANGHAI).date()


def touched_days(since: dt.datetime) -> set[dt.date]:
    """Days whose counts changed since `since`: the days of the new events, and the dispatch
    days of assignments signed since then (响应率 is counted on the dispatch day)."""
    days = {
        local_day(at)
        for at in AppealEvent.objects.filter(created_at__gte=since)
        .values_list("created_at", flat=True)
        .distinct()
    }
    signed = Assignment.objects.filter(signed_at__gte=since, role=Assignment.Role.LEAD)
    days |= {local_day(at) for at in signed.values_list("dispatched_at", flat=True).distinct()}
    return days


def first_event_day() -> dt.date | None:
    first = AppealEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return local_day(first) if first else None


@transaction.atomic
def _claim(now: dt.datetime) -> dt.datetime | None:
    """Take the refresh for this run (the row lock makes a second worker wait, then see the
    new watermark); return where counting resumes, None on the first run."""
    state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
    previous = state.counted_until
    state.counted_until = now
    state.save(update_fields=["counted_until"])
    return previous


def refresh(now: dt.datetime | None = None, *, rebuild: bool = False) -> dict:
    """Bring the rollups up to date; returns what it did (days, rows, milliseconds)."""
    started = time.monotonic()
    now = now or timezone.now()
    previous = _claim(now)
    if rebuild or previous is None:
        first = first_event_day()
        days = _span(first, local_day(now)) if first else set()
    else:
        days = touched_days(previous - SAFETY_MARGIN)
    lookups = Lookups.load()
    rows = sum(rebuild_day(day, lookups) for day in sorted(days))
    elapsed = int((time.monotonic() - started) * 1000)
    RollupState.objects.filter(pk=1).update(refreshed_at=timezone.now(), last_duration_ms=elapsed)
    return {"days": len(days), "rows": rows, "ms": elapsed}


def _span(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


def freshness() -> RollupState | None:
    return RollupState.objects.filter(pk=1).first()


def rollups(dimension: str, start: dt.date, end: dt.date) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(dimension=dimension, day__gte=start, day__lte=end)


def appeals_in(start: dt.date, end: dt.date) -> Q:
    lower, _ = day_bounds(start)
    _, upper = day_bounds(end)
    return Q(received_at__gte=lower, received_at__lt=upper)
