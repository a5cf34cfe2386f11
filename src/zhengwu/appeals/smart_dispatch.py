"""The hub's side of smart dispatch: it hands appeals to the dispatch layer as plain data and
keeps what comes back (suggestions, duplicate candidates, hot spots, training rows).

Dispatch knows nothing of appeals; everything that reads appeals lives here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from zhengwu.appeals.models import Appeal
from zhengwu.appeals.workflow import FINISHED, OPEN, Status
from zhengwu.dispatch import hotspots, routing, similarity
from zhengwu.dispatch.models import DispatchSettings, Suggestion
from zhengwu.dispatch.versions import TrainingRow

# The most recent open appeals of the county in the window: a busy county's few days. Older
# duplicates are still found by the dispatcher's search; intake must stay cheap.
MAX_DUPLICATE_CANDIDATES = 200
MERGEABLE = {Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED}


def message_of(appeal: Any, channel: str = "") -> routing.Message:
    """An appeal, or an intake draft not yet saved, as the dispatch layer reads it."""
    return routing.Message(
        title=appeal.title,
        text=appeal.content,
        place=appeal.address,
        division_code=appeal.division.code if appeal.division else "",
        category_id=appeal.category.pk if appeal.category else None,
        channel=channel or getattr(appeal, "channel", ""),
        received_at=getattr(appeal, "received_at", None),
    )


def _doc(appeal: Any) -> similarity.Doc:
    code = appeal.division.code if appeal.division else ""
    at = getattr(appeal, "received_at", None) or timezone.now()
    return similarity.Doc(getattr(appeal, "pk", None) or 0, appeal.title, appeal.content, code, at)


def duplicate_candidates(appeal: Any, settings: DispatchSettings | None = None) -> list:
    """Open appeals that look like the same matter as `appeal` (saved or a draft):
    [(appeal, score)], best first."""
    settings = settings or DispatchSettings.current()
    target = _doc(appeal)
    window = dt.timedelta(days=settings.duplicate_days)
    candidates = Appeal.objects.filter(
        status__in=OPEN,
        merged_into__isnull=True,
        received_at__gte=target.at - window,
        received_at__lte=target.at + window,
    ).exclude(pk=target.key)
    if target.division_code:
        county = target.division_code[:6]
        candidates = candidates.filter(
            Q(division__isnull=True) | Q(division__code__startswith=county)
        )
    # Plain tuples, the text cut where the similarity stops reading: building 200 model
    # instances with their whole text cost more than comparing them.
    rows = (
        candidates.annotate(
            code=F("division__code"), head=Substr("content", 1, similarity.BODY_CHARS)
        )
        .order_by("-received_at")
        .values_list("pk", "title", "head", "code", "received_at")
    )
    docs = [
        similarity.Doc(pk, title, head, code or "", at)
        for pk, title, head, code, at in rows[:MAX_DUPLICATE_CANDIDATES]
    ]
    found = similarity.duplicates(
        target, docs, threshold=settings.duplicate_similarity, days=settings.duplicate_days
    )
    by_pk = Appeal.objects.only("pk", "number", "title", "status", "received_at").in_bulk(
        [doc.key for doc, _ in found]
    )
    return [(by_pk[doc.key], score) for doc, score in found if doc.key in by_pk]


def store_suggestion(appeal: Appeal, advice: routing.Advice, duplicates: list) -> Suggestion:
    details = {
        "choices": [
            {
                "category": c.category.pk,
                "path": c.category.path,
                "probability": round(c.probability, 4),
                "lead": c.lead.name if c.lead else "",
            }
            for c in advice.choices[: routing.TOP]
        ],
        "reasons": advice.reasons,
        "caveat": advice.caveat,
        "model_state": advice.model_state,
        "route_source": advice.route_source,
        "co_handlers": [o.pk for o in advice.co_handlers],
        "handler": advice.handler_id,
        "duplicates": [{"id": a.pk, "number": a.number, "score": s} for a, s in duplicates],
    }
    return Suggestion.objects.create(
        reference=appeal.pk,
        model_version_id=advice.model_version_id,
        category=advice.category,
        lead=advice.lead,
        confidence=advice.confidence,
        rule=advice.rule,
        division=advice.division,
        details=details,
    )


def advise(appeal: Any, channel: str = "") -> tuple[routing.Advice, list]:
    """Route suggestion and duplicate candidates; stores nothing (intake calls this before the
    appeal takes its number, so the day's counter is not held while the model reads)."""
    return routing.advise(message_of(appeal, channel)), duplicate_candidates(appeal)


def analyse(appeal: Appeal) -> tuple[routing.Advice, list, Suggestion]:
    advice, duplicates = advise(appeal)
    return advice, duplicates, store_suggestion(appeal, advice, duplicates)


def latest_suggestion(appeal: Appeal) -> Suggestion | None:
    return (
        Suggestion.objects.filter(reference=appeal.pk)
        .select_related("category", "lead", "rule", "division")
        .order_by("-created_at", "-pk")
        .first()
    )


def note_dispatch(appeal: Appeal, lead: Any, category: Any, user: Any) -> None:
    """Record whether the dispatcher took the suggestion; an override is a correction."""
    suggestion = latest_suggestion(appeal)
    if suggestion is None or suggestion.outcome not in (
        Suggestion.Outcome.PENDING,
        Suggestion.Outcome.AUTO,
    ):
        return
    agreed = suggestion.lead_id == lead.pk and (
        category is None or suggestion.category_id in (None, category.pk)
    )
    if suggestion.outcome == Suggestion.Outcome.AUTO or not agreed:
        suggestion.outcome = Suggestion.Outcome.CORRECTED
    else:
        suggestion.outcome = Suggestion.Outcome.ACCEPTED
    suggestion.chosen_lead, suggestion.chosen_category = lead, category or appeal.category
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion.save()


# --- Training data ------------------------------------------------------------------------------

CORRECTED_WEIGHT = 2.0


def training_rows() -> list[TrainingRow]:
    """Finished appeals with a category (the category the centre closed them under), plus open
    ones a dispatcher corrected; corrected appeals count double."""
    corrected = set(
        Suggestion.objects.filter(outcome=Suggestion.Outcome.CORRECTED).values_list(
            "reference", flat=True
        )
    )
    appeals = Appeal.objects.filter(category__isnull=False).filter(
        Q(status__in=FINISHED) | Q(pk__in=corrected)
    )
    return [
        TrainingRow(title, content, category, CORRECTED_WEIGHT if pk in corrected else 1.0)
        for pk, title, content, category in appeals.values_list(
            "pk", "title", "content", "category_id"
        ).iterator()
    ]


# --- Hot spots ----------------------------------------------------------------------------------

HOTSPOT_LIMIT = 20000


def _citizen(appeal: dict) -> str:
    key = str(appeal["citizen_id"] or appeal["contact_phone"] or appeal["contact_email"] or "")
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key else ""


def hotspot_items(appeals: Any) -> list[hotspots.Item]:
    """Appeals (a queryset the caller already limited to what the user may see) as items; an
    appeal merged into another supports it rather than counting as a separate message."""
    rows = appeals.exclude(status=Status.REJECTED).values(
        "pk",
        "title",
        "content",
        "received_at",
        "division__name",
        "address",
        "citizen_id",
        "contact_phone",
        "contact_email",
    )
    return [
        hotspots.Item(
            key=row["pk"],
            title=row["title"],
            text=row["content"],
            at=row["received_at"],
            place=row["division__name"] or "",
            citizen=_citizen(row),
        )
        for row in rows.order_by("-received_at")[:HOTSPOT_LIMIT]
    ]
