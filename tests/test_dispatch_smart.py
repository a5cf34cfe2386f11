"""Smart dispatch without pages: rules, gazetteer, classifier versions, bad input, duplicates,
hot spots, intake and auto-dispatch — all on invented data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from scipy import sparse

from tests.appeal_helpers import analysed_appeal, dispatched, new_appeal, reload
from tests.dispatch_helpers import corpus, small_catalogue
from tests.factories import Actors, City, division, user
from zhengwu.appeals import actions, periodic, smart_dispatch
from zhengwu.appeals.workflow import Status
from zhengwu.dispatch import classifier, gazetteer, hotspots, routing, rules, similarity, versions
from zhengwu.dispatch.actions import do_move_rule, do_save_dispatch_settings, do_save_rule
from zhengwu.dispatch.models import ModelVersion, PlaceAlias, RoutingRule, Suggestion
from zhengwu.org.models import Division, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(city: City):
    return small_catalogue(city)


@pytest.fixture
def model(catalogue) -> ModelVersion:
    return versions.do_train_model(
        corpus(*catalogue), source="csv", acting_user=None, activate=True
    )


# Routing rules ---------------------------------------------------------------------------------


def rule(city: City, name: str, **values) -> RoutingRule:
    return do_save_rule(None, {"name": name, "lead": city.district, **values}, acting_user=None)


def test_the_first_matching_rule_wins_and_says_why(city: City, catalogue) -> None:
    lights, _noise = catalogue
    rule(city, "夜间", keywords="夜间 凌晨", start_time=dt.time(22), end_time=dt.time(6))
    second = rule(city, "金水路灯", category=lights.parent, division=city.jinshui)
    facts = rules.Facts("路灯不亮", category=lights, division_code=city.street.code)
    match = rules.first_match(rules.active_rules(), facts)
    assert match.rule == second
    assert match.reasons == ["分类属于“城乡建设 > 市政设施”", "区域在金水区"]
    night = rules.Facts("凌晨施工", category=lights, local_time=dt.time(23, 30))
    assert rules.first_match(rules.active_rules(), night).rule.name == "夜间"
    morning = rules.Facts("凌晨施工", local_time=dt.time(7))
    assert rules.first_match(rules.active_rules(), morning) is None


def test_rules_can_be_reordered_and_validated(city: City, actors: Actors) -> None:
    first = rule(city, "甲", keywords="路灯")
    second = rule(city, "乙", keywords="路灯")
    do_move_rule(second, -1, acting_user=actors.supervisor)
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["乙", "甲"]
    assert rules.first_match(rules.active_rules(), rules.Facts("路灯")).rule == second
    with pytest.raises(ValidationError):
        do_save_rule(first, {"lead": city.centre}, acting_user=actors.supervisor)
    with pytest.raises(ValidationError):
        do_save_rule(first, {"start_time": dt.time(8)}, acting_user=actors.supervisor)
    with pytest.raises(PermissionDenied):
        do_save_rule(first, {"name": "丙"}, acting_user=actors.dispatcher)


# Gazetteer -------------------------------------------------------------------------------------


def test_the_gazetteer_reads_full_and_short_names(city: City) -> None:
    Division.objects.filter(pk=city.jinshui.pk).update(short_name="金水")
    community = division(
        "410105001001", "农科路社区", Division.Level.COMMUNITY, Division.Kind.COMMUNITY, city.street
    )
    PlaceAlias.objects.create(division=city.street, alias="花园路")
    g = gazetteer.build()
    place = gazetteer.locate(g, place="金水农科路")
    assert place.code == community.code
    assert place.path == ["金水区", "经八路街道", "农科路社区"]
    assert "地址“农科路”" in place.reason
    assert gazetteer.locate(g, title="花园路上井盖丢了").code == city.street.code
    assert gazetteer.locate(g, text="二七区的问题").code == city.erqi.code
    # Two-character short forms are ignored in running text (too often ordinary words).
    assert gazetteer.locate(g, text="周末金水的朋友来了") is None
    assert gazetteer.locate(g, text="没有任何地名", place="") is None


def test_the_chosen_division_outweighs_a_passing_mention(city: City) -> None:
    g = gazetteer.build()
    place = gazetteer.locate(g, text="以前住在二七区", division_code=city.street.code)
    assert place.code == city.street.code


# Classifier versions ---------------------------------------------------------------------------


def test_training_activation_and_rollback(city: City, actors: Actors, catalogue) -> None:
    rows = corpus(*catalogue)
    first = versions.do_train_model(rows, source="csv", acting_user=actors.supervisor)
    assert not first.is_active and versions.active_model().state == "none"
    versions.do_activate_model(first, acting_user=actors.supervisor)
    second = versions.do_train_model(rows, source="csv", acting_user=None, activate=True)
    assert versions.active_model().version_id == second.pk
    assert versions.do_rollback_model(acting_user=actors.sysadmin).pk == first.pk
    assert ModelVersion.objects.get(is_active=True).pk == first.pk
    with pytest.raises(PermissionDenied):
        versions.do_rollback_model(acting_user=actors.dispatcher)
    versions.do_deactivate_model(acting_user=actors.supervisor)
    assert versions.active_model().state == "none"


def test_training_needs_two_categories(catalogue) -> None:
    lights, _noise = catalogue
    rows = [r for r in corpus(*catalogue) if r.category_id == lights.pk]
    with pytest.raises(ValidationError):
        versions.do_train_model(rows, source="csv", acting_user=None)


def test_the_model_routes_and_explains(city: City, catalogue, model) -> None:
    advice = routing.advise(
        routing.Message("晚上工地打桩", "工地夜间施工噪音很大，吵得睡不着。"), explain=True
    )
    assert advice.category == catalogue[1]
    assert advice.lead == city.dept_b and advice.route_source == "catalogue"
    assert advice.choices[0].probability > 0.55 and advice.confidence > 0.55 and not advice.caveat
    unknown = routing.advise(routing.Message("问题", "请帮忙看看这个问题该找谁处理"))
    assert unknown.caveat == "unfamiliar" and unknown.confidence < 0.52
    assert any("施工" in gram or "噪" in gram for gram, _w in advice.evidence)
    assert model.metrics["temperature"] > 0


@pytest.mark.parametrize(
    "title, text",
    [
        ("", ""),
        ("灯", ""),
        ("Street light", "The street light outside my house has been broken for two weeks."),
        ("<b>路灯</b>", "<script>alert('x')</script><img src=x onerror=alert(1)>"),
        ("长文", "路灯不亮" * 20000),
        ("符号", "！！！？？？……\u200b\x00"),
    ],
)
def test_bad_input_gets_a_low_confidence_answer(catalogue, model, title, text) -> None:
    advice = routing.advise(routing.Message(title, text))
    if len(text) < 1000:
        assert advice.confidence < 0.5 and advice.caveat
        assert not advice.auto_dispatchable(_on(0.5), False)
    assert len(advice.choices) == 2  # the ranking is still there for the dispatcher


def _on(threshold: float):
    from zhengwu.dispatch.models import DispatchSettings

    return DispatchSettings(auto_dispatch=True, threshold=threshold)


def test_a_corrupt_artefact_leaves_rules_and_catalogue_working(city: City, catalogue, model):
    ModelVersion.objects.filter(pk=model.pk).update(artefact=b"not a model")
    versions._load.cache_clear()  # as a process that starts after the damage
    state = versions.active_model()
    assert state.state == "broken" and state.model is None
    appeal = analysed_appeal(
        city, title="工地夜间施工", content="工地夜间施工噪音很大，吵得睡不着。"
    )
    suggestion = smart_dispatch.latest_suggestion(appeal)
    assert suggestion.details["model_state"] == "broken" and appeal.status == Status.RECEIVED
    with pytest.raises(ValidationError):
        versions.do_activate_model(model, acting_user=None)


def test_artefacts_round_trip_without_pickle(catalogue) -> None:
    rows = corpus(*catalogue)
    model = classifier.train([r.title for r in rows], [r.text for r in rows], ["a", "b"] * 6)
    again = classifier.Model.from_bytes(model.to_bytes())
    assert again.labels == model.labels
    first, second = model.predict("路灯", "路灯不亮"), again.predict("路灯", "路灯不亮")
    assert first.ranked == second.ranked
    # four NB-SVMs (all features, then each view) mixed into the one stored weight matrix
    assert len(model.metrics["mixture"]) == 4 and sum(model.metrics["mixture"]) == pytest.approx(1)
    with pytest.raises(ValueError):
        classifier.Model.from_bytes(b"PK\x03\x04 broken zip")


def test_log_count_ratios_favour_the_n_grams_of_each_class() -> None:
    # columns: only in class 0, only in class 1, in every message
    matrix = sparse.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]]))
    ratios = classifier.log_count_ratios(matrix, np.array([0, 0, 1, 1]), 2, alpha=1.0)
    assert ratios[0, 0] > 0 > ratios[0, 1] and ratios[1, 1] > 0 > ratios[1, 0]
    assert ratios[:, 2] == pytest.approx([0, 0])


def test_calibration_evens_out_a_class_whose_scores_run_low() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    scores = np.eye(3)[y] + rng.normal(0, 0.4, (600, 3))
    scores[:, 2] -= 0.8  # one separately fitted SVM whose scores sit lower than the others
    temperature, bias = classifier.fit_calibration(scores, y)
    assert classifier.MIN_TEMPERATURE <= temperature <= classifier.MAX_TEMPERATURE
    assert (bias[2] - bias[:2].mean()) * temperature == pytest.approx(0.8, abs=0.15)
    before = (scores.argmax(axis=1) == y).mean()
    after = ((scores / temperature + bias).argmax(axis=1) == y).mean()
    assert after > before + 0.1


def test_the_mixture_weighs_the_components_by_what_their_scores_are_worth() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    telling = np.eye(3)[y] + rng.normal(0, 0.4, (600, 3))
    noise = rng.normal(0, 1.0, (600, 3))
    mixture = classifier.fit_mixture(np.stack([telling, noise]), y)
    assert mixture.sum() == pytest.approx(1) and mixture[0] > 0.8
    # no out-of-fold scores (classes too small to fold): equal shares
    assert classifier.fit_mixture(np.zeros((4, 5, 2)), np.array([0, 1, 0, 1, 0])) == (
        pytest.approx([0.25] * 4)
    )


def test_columns_map_to_their_views() -> None:
    config = classifier.Config(body_bits=4, title_bits=3, word_bits=3)
    columns = np.array([0, 15, 16, 23, 24, 31])
    assert classifier.view_of_columns(config, columns).tolist() == [0, 0, 1, 1, 2, 2]


# Intake, auto-dispatch, corrections --------------------------------------------------------------


def test_intake_stores_a_suggestion_and_waits_below_the_threshold(
    city: City, actors: Actors, catalogue, model
) -> None:
    do_save_dispatch_settings({"auto_dispatch": True, "threshold": 0.99}, acting_user=None)
    appeal = analysed_appeal(city, title="工地路灯", content="工地旁边的路灯坏了，施工噪音也很大。")
    assert appeal.status == Status.RECEIVED
    suggestion = smart_dispatch.latest_suggestion(appeal)
    assert suggestion.lead == city.dept_a and suggestion.outcome == Suggestion.Outcome.PENDING
    actions.do_dispatch(appeal, actions.Route(city.dept_b), acting_user=actors.dispatcher)
    suggestion.refresh_from_db()
    assert suggestion.outcome == Suggestion.Outcome.CORRECTED
    assert suggestion.chosen_lead == city.dept_b


def test_auto_dispatch_above_the_threshold(city: City, actors: Actors, catalogue, model) -> None:
    do_save_dispatch_settings({"auto_dispatch": True, "threshold": 0.55}, acting_user=None)
    appeal = analysed_appeal(city, title="路灯坏了", content="小区门口路灯不亮，晚上出行很不方便。")
    assert appeal.status == Status.DISPATCHED and appeal.lead_department == city.dept_a
    assert appeal.category == catalogue[0]
    event = appeal.events.get(kind="dispatched")
    assert event.actor is None and "智能派单" in event.internal_note
    assert smart_dispatch.latest_suggestion(appeal).outcome == Suggestion.Outcome.AUTO
    # The dispatcher moves it: a correction, fed to the next training with double weight.
    actions.do_dispatch(appeal, actions.Route(city.dept_b), acting_user=actors.dispatcher)
    rows = smart_dispatch.training_rows()
    assert [(r.category_id, r.weight) for r in rows] == [(catalogue[0].pk, 2.0)]


def test_a_call_the_agent_accepted_is_analysed_too(
    city: City, actors: Actors, catalogue, model
) -> None:
    do_save_dispatch_settings({"auto_dispatch": True, "threshold": 0.55}, acting_user=None)
    draft = actions.Draft(
        "help", "路灯坏了", "小区门口路灯不亮，晚上出行很不方便。", contact_phone="13700004444"
    )
    appeal, _ = actions.do_submit_appeal(
        draft, channel="hotline", acting_user=actors.intake, accept=True
    )
    assert actions.do_analyse_new_appeal(appeal.pk) == "analysed"
    appeal = reload(appeal)
    assert appeal.status == Status.DISPATCHED and appeal.lead_department == city.dept_a
    kinds = list(appeal.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "dispatched"]


def test_settings_are_checked(actors: Actors) -> None:
    with pytest.raises(ValidationError):
        do_save_dispatch_settings({"threshold": 0.1}, acting_user=actors.supervisor)
    with pytest.raises(PermissionDenied):
        do_save_dispatch_settings({"threshold": 0.9}, acting_user=actors.handler_a)


def test_reclassifying_reroutes_a_dispatched_appeal(city: City, actors: Actors, catalogue):
    _lights, noise = catalogue
    appeal = dispatched(city, actors, lead=city.dept_a)
    actions.do_reclassify(appeal, noise, city.street, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.category == noise and appeal.lead_department == city.dept_b
    assert appeal.events.filter(kind="redispatched").exists()


# Duplicates and hot spots ------------------------------------------------------------------------


def test_near_duplicates_need_similar_text_same_county_and_time() -> None:
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    target = similarity.Doc(1, "工地夜间施工噪音", "金水路工地每晚打桩到凌晨", "410105001000", now)
    same = similarity.Doc(
        2, "工地夜间施工噪音扰民", "金水路工地每晚打桩到凌晨两点", "410105000000", now
    )
    elsewhere = similarity.Doc(3, same.title, same.text, "410103000000", now)
    old = similarity.Doc(4, same.title, same.text, "", now - dt.timedelta(days=30))
    other = similarity.Doc(5, "路灯不亮", "小区门口路灯坏了", "", now)
    found = similarity.duplicates(target, [same, elsewhere, old, other])
    assert [doc.key for doc, _s in found] == [2]


def test_hot_spots_group_the_same_matter_and_rank_by_heat() -> None:
    end = dt.datetime(2026, 5, 31, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    mixer = [
        hotspots.Item(
            i,
            f"锦绣花园旁搅拌站噪音{i}",
            "锦绣花园小区旁边的搅拌站日夜作业，粉尘噪音扰民",
            end - i * day,
            "金水区",
            f"c{i}",
        )
        for i in range(6)
    ]
    parking = [
        hotspots.Item(
            10 + i,
            "翠湖苑捆绑销售车位",
            "翠湖苑开发商捆绑销售车位，不买车位不给交房",
            end - 40 * day,
            "",
            "same",
        )
        for i in range(3)
    ]
    loners = [
        hotspots.Item(20, "咨询社保卡办理", "社保卡在哪里办理", end),
        hotspots.Item(21, "公交线路建议", "建议增加公交线路", end),
    ]
    spots = hotspots.find_hotspots(mixer + parking + loners, end=end)
    assert [sorted(s.members) for s in spots] == [list(range(6)), [10, 11, 12]]
    first, second = spots
    assert first.citizens == 6 and first.place == "金水区" and first.heat > second.heat
    assert second.citizens == 1 and second.recency < 0.2
    assert hotspots.heat_score(6, 6, 0, 0, 1.0) == first.heat or first.growth > 0


def test_intake_analyses_after_commit_and_the_sweep_catches_a_lost_task(
    city: City, actors: Actors, catalogue, model, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = new_appeal(city, title="路灯坏了", content="小区门口路灯不亮，晚上出行很不方便。")
    assert smart_dispatch.latest_suggestion(first) is not None
    lost = new_appeal(
        city, phone="13700002222", title="路灯坏了", content="小区路灯不亮已经很多天了，请修。"
    )
    assert smart_dispatch.latest_suggestion(lost) is None  # its task never ran
    later = timezone.now() + dt.timedelta(minutes=5)
    assert periodic.analyse_missed(later) == 1
    assert smart_dispatch.latest_suggestion(lost) is not None
    assert actions.do_analyse_new_appeal(lost.pk) == "skipped"  # idempotent


# Named handlers (指定承办人) ---------------------------------------------------------------------


def test_a_rule_that_names_a_handler_assigns_the_appeal_to_them(
    city: City, actors: Actors, catalogue, model
) -> None:
    from zhengwu.appeals.models import Assignment
    from zhengwu.notifications.models import Message

    rule(city, "路灯专人", keywords="路灯", lead=city.dept_a, handler=actors.handler_a)
    do_save_dispatch_settings({"auto_dispatch": True, "threshold": 0.55}, acting_user=None)
    appeal = analysed_appeal(city, title="路灯坏了", content="小区门口路灯不亮，晚上出行很不方便。")
    assert appeal.status == Status.DISPATCHED and appeal.lead_department == city.dept_a
    lead = appeal.assignments.get(role=Assignment.Role.LEAD, ended_at__isnull=True)
    assert lead.assignee == actors.handler_a
    assert Message.objects.filter(
        recipient=actors.handler_a, body__contains="指定由您承办"
    ).exists()
    # Re-dispatch to another body drops the name with the old assignment.
    actions.do_dispatch(appeal, actions.Route(city.dept_b), acting_user=actors.dispatcher)
    assert appeal.assignments.get(ended_at__isnull=True, role="lead").assignee is None


def test_the_named_handler_must_belong_to_the_lead_body(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    route = actions.Route(city.dept_a, assignee=actors.handler_b)  # handler_b is in dept_b
    with pytest.raises(ValidationError, match="不是"):
        actions.do_dispatch(appeal, route, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.status == Status.RECEIVED and not appeal.assignments.exists()


def test_the_dispatch_form_offers_the_suggested_handler(
    city: City, actors: Actors, catalogue, model
) -> None:
    from django.test import Client
    from django.urls import reverse

    rule(city, "路灯专人", keywords="路灯", lead=city.dept_a, handler=actors.handler_a)
    appeal = analysed_appeal(city, title="路灯坏了", content="小区门口路灯不亮，晚上出行很不方便。")
    client = Client()
    client.force_login(actors.dispatcher)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert f'<option value="{actors.handler_a.pk}" selected>' in page
    response = client.post(
        reverse("appeals:act", args=[appeal.pk, "dispatch"]),
        {"dispatch-lead": city.dept_a.pk, "dispatch-assignee": actors.handler_b.pk},
    )
    assert response.status_code == 400
    assert "所选承办人不属于所选主办单位" in response.content.decode()
    response = client.post(
        reverse("appeals:act", args=[appeal.pk, "dispatch"]),
        {"dispatch-lead": city.dept_a.pk, "dispatch-assignee": actors.handler_a.pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "指定承办人：" in page
    # The named handler sees it marked in their queue; a colleague sees it unmarked.
    queue = reverse("appeals:queue", args=["to_sign"])
    named = Client()
    named.force_login(actors.handler_a)
    assert "指定我承办" in named.get(queue).content.decode()
    colleague = user("handler_a2", (city.dept_a, Role.HANDLER))
    other = Client()
    other.force_login(colleague)
    html = other.get(queue).content.decode()
    assert appeal.number in html and "指定我承办" not in html


def test_a_rule_cannot_name_a_handler_of_another_body(city: City, actors: Actors) -> None:
    with pytest.raises(ValidationError, match="指定承办人"):
        rule(city, "错配", keywords="路灯", lead=city.dept_a, handler=actors.handler_b)
    assert not RoutingRule.objects.filter(name="错配").exists()
