"""Smart dispatch for one message: place, rules, model and catalogue, with visible reasons.

Order of decision (documented in docs/dispatch.md):
1. place — the gazetteer reads the chosen division, the address, the title and the text;
2. category — the one chosen at intake, else the model's first suggestion;
3. route — the first routing rule that matches, else the category's lead department in the
   catalogue (属地 matters with no municipal lead go to the district's government);
4. confidence — the model's probability that the message belongs to the chosen department
   (summed over its categories that lead there). Auto-dispatch needs this above the centre's
   threshold, a working model, and no duplicate candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.dispatch import gazetteer, rules, versions
from zhengwu.dispatch import text as t
from zhengwu.dispatch.models import Category, DispatchSettings, RoutingRule
from zhengwu.org.models import Division, Organisation

TOP = 3
# Categories past the tenth carry too little probability to change a department's total.
CONSIDERED = 10


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    place: str = ""
    division_code: str = ""
    category_id: int | None = None
    channel: str = ""
    received_at: dt.datetime | None = None


@dataclass(frozen=True)
class Choice:
    category: Category
    probability: float
    lead: Organisation | None


@dataclass
class Advice:
    place: gazetteer.Place | None = None
    division: Division | None = None
    model_state: str = "none"
    model_version_id: int | None = None
    choices: list[Choice] = field(default_factory=list)
    caveat: str = ""
    evidence: list[tuple[str, float]] = field(default_factory=list)
    category: Category | None = None
    category_source: str = ""  # "intake" or "model"
    rule: RoutingRule | None = None
    rule_reasons: list[str] = field(default_factory=list)
    lead: Organisation | None = None
    co_handlers: list[Organisation] = field(default_factory=list)
    handler_id: int | None = None
    route_source: str = ""  # "rule", "catalogue", "district" or ""
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def auto_dispatchable(self, settings: DispatchSettings, has_duplicates: bool) -> bool:
        return (
            settings.auto_dispatch
            and self.model_state == "ok"
            and self.lead is not None
            and not has_duplicates
            and not self.caveat
            and self.confidence >= settings.threshold
        )


def catalogue_lead(category: Category | None) -> tuple[Organisation | None, list[Organisation]]:
    responsible = category.responsible() if category is not None else None
    if responsible is None:
        return None, []
    return responsible.lead_department, list(responsible.co_handlers.all())


def lead_departments(category_ids: list[int]) -> dict[int, Organisation]:
    """Each category's lead department through its ancestors, in two queries."""
    tree = {
        pk: (parent, lead)
        for pk, parent, lead in Category.objects.values_list(
            "pk", "parent_id", "lead_department_id"
        )
    }
    resolved: dict[int, int] = {}
    for pk in category_ids:
        node, depth = pk, 0
        while node in tree and tree[node][1] is None and depth <= Category.MAX_LEVEL:
            node, depth = tree[node][0], depth + 1
        if node in tree and tree[node][1] is not None:
            resolved[pk] = tree[node][1]
    bodies = Organisation.objects.in_bulk(set(resolved.values()))
    return {pk: bodies[lead] for pk, lead in resolved.items() if lead in bodies}


def district_government(division: Division | None) -> Organisation | None:
    """属地: the government (or development-zone committee) of the division's county."""
    if division is None or division.level < Division.Level.COUNTY:
        return None
    county = division.code[: Division.PREFIX_LENGTH[Division.Level.COUNTY]].ljust(12, "0")
    kinds = (Organisation.Kind.DISTRICT, Organisation.Kind.DEV_ZONE)
    return (
        Organisation.objects.filter(division__code=county, kind__in=kinds, is_active=True)
        .order_by("pk")
        .first()
    )


def _locate(advice: Advice, message: Message) -> None:
    place = gazetteer.locate(
        gazetteer.build(),
        place=message.place,
        title=message.title,
        text=message.text,
        division_code=message.division_code,
    )
    advice.place = place
    if place is not None:
        advice.division = Division.objects.filter(code=place.code).first()
        advice.reasons.append(
            _("地点：%(p)s（%(r)s）")
            % {"p": " > ".join(place.path) or place.name, "r": place.reason}
        )


def _predict(advice: Advice, message: Message, explain: bool) -> None:
    active = versions.active_model()
    advice.model_state, advice.model_version_id = active.state, active.version_id
    if active.model is None:
        return
    prediction = active.model.predict(message.title, message.text, explain=explain)
    advice.caveat, advice.evidence = prediction.caveat, prediction.evidence
    ranked = prediction.ranked[:CONSIDERED]
    found = Category.objects.in_bulk([int(label) for label, _p in ranked])
    leads = lead_departments([int(label) for label, _p in ranked])
    for label, probability in ranked:
        category = found.get(int(label))
        if category is not None:
            advice.choices.append(Choice(category, probability, leads.get(category.pk)))


def _choose_category(advice: Advice, message: Message) -> None:
    if message.category_id:
        advice.category = Category.objects.filter(pk=message.category_id).first()
        advice.category_source = "intake"
    elif advice.choices and advice.caveat not in ("too_short", "not_chinese"):
        # Too little readable text: show the model's guesses but route nothing on them.
        advice.category, advice.category_source = advice.choices[0].category, "model"


def _route(advice: Advice, message: Message) -> None:
    local = timezone.localtime(message.received_at or timezone.now()).time()
    facts = rules.Facts(
        text=t.clean(message.title, 200) + t.clean(message.text),
        category=advice.category,
        division_code=advice.place.code if advice.place else "",
        channel=message.channel,
        local_time=local,
    )
    match = rules.first_match(rules.active_rules(), facts)
    if match is not None:
        advice.rule, advice.rule_reasons = match.rule, match.reasons
        advice.lead, advice.co_handlers = match.rule.lead, list(match.rule.co_handlers.all())
        advice.handler_id, advice.route_source = match.rule.handler_id, "rule"
        advice.reasons.append(
            _("规则“%(n)s”：%(r)s") % {"n": match.rule.name, "r": "，".join(match.reasons)}
        )
        return
    advice.lead, advice.co_handlers = catalogue_lead(advice.category)
    if advice.lead is not None:
        advice.route_source = "catalogue"
        advice.reasons.append(
            _("派单目录：“%(c)s”由%(o)s主办") % {"c": advice.category, "o": advice.lead}
        )
        return
    advice.lead = district_government(advice.division)
    if advice.lead is not None:
        advice.route_source = "district"
        advice.reasons.append(_("属地管理：转%(o)s") % {"o": advice.lead})


def _confidence(advice: Advice) -> None:
    if advice.lead is None or not advice.choices:
        return
    same = [
        c.probability for c in advice.choices if c.lead is not None and c.lead.pk == advice.lead.pk
    ]
    if advice.route_source in ("rule", "district") and advice.category_source == "model":
        # The route did not come from the catalogue: trust it as far as the model trusts the
        # category the rule or the district was chosen for.
        same = [advice.choices[0].probability]
    advice.confidence = round(min(1.0, sum(same)), 4)


def advise(message: Message, *, explain: bool = False) -> Advice:
    advice = Advice()
    _locate(advice, message)
    _predict(advice, message, explain)
    _choose_category(advice, message)
    _route(advice, message)
    _confidence(advice)
    return advice
