from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import Actors, City, audit_chain_intact
from zhengwu.audit.models import AuditEvent
from zhengwu.dispatch import demo
from zhengwu.dispatch.actions import (
    CATEGORY_SAVED,
    SLA_POLICY_SAVED,
    do_save_category,
    do_save_sla_policy,
)
from zhengwu.dispatch.catalogue import policy_for
from zhengwu.dispatch.models import Category, SLAPolicy, TimeUnit
from zhengwu.org.demo import load_demo_city
from zhengwu.org.models import Organisation

pytestmark = pytest.mark.django_db

PROPERTY = ("城乡建设", "物业管理", "物业服务收费")
DEFAULT_LIMITS = importlib.import_module("zhengwu.dispatch.migrations.0002_default_time_limits")


def tree(*path: str, acting_user=None) -> Category:
    """Create each level of `path` in turn and return the last."""
    node = None
    for depth in range(1, len(path) + 1):
        node = do_save_category(path[:depth], {}, acting_user=acting_user)
    return node


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


# Categories ----------------------------------------------------------------------------------


def test_a_supervisor_may_edit_the_catalogue(city: City, actors: Actors) -> None:
    category = tree(*PROPERTY, acting_user=actors.supervisor)
    do_save_category(PROPERTY, {"lead_department": city.dept_a}, acting_user=actors.sysadmin)
    category.refresh_from_db()
    assert category.level == 3
    assert category.path == "城乡建设 > 物业管理 > 物业服务收费"
    assert category.lead_department == city.dept_a
    assert last_event(CATEGORY_SAVED).actor == actors.sysadmin


@pytest.mark.parametrize("who", ["handler_a", "dispatcher", "dept_admin_a", "citizen"])
def test_others_may_not_and_nothing_is_written(city: City, actors: Actors, who: str) -> None:
    with pytest.raises(PermissionDenied):
        do_save_category(("城乡建设",), {"keywords": "住房"}, acting_user=getattr(actors, who))
    assert not Category.objects.exists()
    assert not AuditEvent.objects.filter(action=CATEGORY_SAVED).exists()


def test_a_fourth_level_is_refused(city: City) -> None:
    tree(*PROPERTY)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="最多三级"):
        do_save_category((*PROPERTY, "第四级"), {}, acting_user=None)
    assert Category.objects.count() == 3
    assert AuditEvent.objects.count() == events


def test_parents_must_exist(city: City) -> None:
    with pytest.raises(ValidationError, match="上级分类“城乡建设”不存在"):
        do_save_category(("城乡建设", "物业管理"), {}, acting_user=None)
    assert not Category.objects.exists()


def test_the_model_refuses_a_cycle(city: City) -> None:
    parent = tree("城乡建设", "物业管理").parent
    parent.parent = Category.objects.get(name="物业管理")
    with pytest.raises(ValidationError, match="不能挂在自己的下级之下"):
        parent.full_clean()


def test_an_unchanged_save_writes_nothing(city: City) -> None:
    tree(*PROPERTY[:2])
    values = {"lead_department": city.dept_a, "keywords": "物业费  乱收费", "order": 10}
    category = do_save_category(PROPERTY, values, acting_user=None, co_handlers=[city.dept_b])
    events = AuditEvent.objects.count()
    again = do_save_category(PROPERTY, values, acting_user=None, co_handlers=[city.dept_b])
    do_save_category(PROPERTY, {"keywords": "物业费 乱收费 物业费"}, acting_user=None)
    assert again.pk == category.pk
    assert AuditEvent.objects.count() == events
    assert Category.objects.get(pk=category.pk).keywords == "物业费 乱收费"


def test_the_audit_row_names_a_lead_department_change(city: City, actors: Actors) -> None:
    tree(*PROPERTY[:2])
    do_save_category(PROPERTY, {"lead_department": city.dept_a}, acting_user=None)
    created = last_event(CATEGORY_SAVED).summary
    assert created == {"path": "城乡建设 > 物业管理 > 物业服务收费", "created": True} | {
        "lead_department": "市城市管理局"
    }
    do_save_category(PROPERTY, {"lead_department": city.dept_b}, acting_user=actors.supervisor)
    summary = last_event(CATEGORY_SAVED).summary
    assert summary["lead_department"] == "市城市管理局 → 市生态环境局"
    assert "created" not in summary
    assert audit_chain_intact()


def test_co_handlers_are_kept_unless_given(city: City) -> None:
    tree(*PROPERTY[:2])
    do_save_category(
        PROPERTY, {"lead_department": city.dept_a}, acting_user=None, co_handlers=[city.dept_b]
    )
    category = do_save_category(PROPERTY, {"keywords": "物业费"}, acting_user=None)
    assert list(category.co_handlers.all()) == [city.dept_b]
    do_save_category(PROPERTY, {}, acting_user=None, co_handlers=[])
    assert not category.co_handlers.exists()
    assert last_event(CATEGORY_SAVED).summary["co_handlers"] == "市生态环境局 → 无"


def test_lead_and_co_handlers_must_make_sense(city: City) -> None:
    tree(*PROPERTY[:2])
    with pytest.raises(ValidationError, match="须同时指定主办单位"):
        do_save_category(PROPERTY, {}, acting_user=None, co_handlers=[city.dept_b])
    with pytest.raises(ValidationError, match="不能同时是协办单位"):
        do_save_category(
            PROPERTY, {"lead_department": city.dept_a}, acting_user=None, co_handlers=[city.dept_a]
        )
    with pytest.raises(ValidationError, match="不承办具体诉求"):
        do_save_category(PROPERTY, {"lead_department": city.centre}, acting_user=None)
    Organisation.objects.filter(pk=city.dept_b.pk).update(is_active=False)
    city.dept_b.refresh_from_db()
    with pytest.raises(ValidationError, match="已停用"):
        do_save_category(PROPERTY, {"lead_department": city.dept_b}, acting_user=None)
    assert not Category.objects.filter(name=PROPERTY[-1]).exists()


def test_responsibility_is_inherited(city: City) -> None:
    tree(*PROPERTY)
    group = do_save_category(PROPERTY[:2], {"lead_department": city.dept_a}, acting_user=None)
    leaf = Category.objects.get(name=PROPERTY[-1])
    assert leaf.responsible() == group
    assert Category.objects.get(name=PROPERTY[0]).responsible() is None


# Time limits ---------------------------------------------------------------------------------


def test_the_defaults_come_from_the_migration() -> None:
    policy = policy_for(None, "suggestion", "normal")
    assert (policy.pk is not None, policy.completion_limit, policy.response_hours) == (True, 13, 4)
    SLAPolicy.objects.filter(category=None, appeal_type="complaint").delete()
    default = policy_for(None, "complaint", "normal")
    assert (default.name, default.completion_limit, default.appeal_type) == ("默认", 13, "")
    assert default.completion_unit == TimeUnit.WORKING_DAYS


@pytest.mark.parametrize("appeal_type", ["consultation", "help"])
def test_consultation_and_help_take_three_working_days(appeal_type: str) -> None:
    policy = policy_for(None, appeal_type, "normal")
    assert (policy.completion_limit, policy.completion_unit) == (3, TimeUnit.WORKING_DAYS)


@pytest.mark.parametrize("appeal_type", ["complaint", "report", "suggestion"])
def test_complaints_reports_and_suggestions_take_thirteen(appeal_type: str) -> None:
    assert policy_for(None, appeal_type, "normal").completion_limit == 13


def test_an_urgent_complaint_takes_one_working_day() -> None:
    policy = policy_for(None, "complaint", "urgent")
    assert (policy.completion_limit, policy.completion_unit, policy.response_hours) == (
        1,
        TimeUnit.WORKING_DAYS,
        1,
    )


def test_an_immediate_matter_takes_two_working_hours() -> None:
    policy = policy_for(None, "consultation", "immediate")
    assert policy.is_in_hours()
    assert (policy.completion_limit, policy.response_hours) == (2, 1)


def test_a_category_policy_beats_the_defaults(city: City, actors: Actors) -> None:
    leaf = tree(*PROPERTY)
    other = tree("环境保护", "噪声污染", "施工噪声")
    do_save_sla_policy(
        leaf, "complaint", "", {"completion_limit": 5}, acting_user=actors.supervisor
    )
    assert policy_for(leaf, "complaint", "normal").completion_limit == 5
    assert policy_for(leaf, "consultation", "normal").completion_limit == 3
    assert policy_for(other, "complaint", "normal").completion_limit == 13


def test_a_parent_policy_applies_to_its_children(city: City) -> None:
    leaf = tree(*PROPERTY)
    root = leaf.parent.parent
    do_save_sla_policy(root, "", "", {"completion_limit": 10}, acting_user=None)
    assert policy_for(leaf, "complaint", "normal").completion_limit == 10
    middle = do_save_sla_policy(leaf.parent, "", "", {"completion_limit": 8}, acting_user=None)
    assert policy_for(leaf, "complaint", "normal") == middle


def test_saving_a_policy_is_checked_idempotent_and_audited(city: City, actors: Actors) -> None:
    leaf = tree(*PROPERTY)
    with pytest.raises(PermissionDenied):
        do_save_sla_policy(leaf, "", "", {"completion_limit": 5}, acting_user=actors.handler_a)
    with pytest.raises(ValidationError, match="协办提前量须短于办理时限"):
        do_save_sla_policy(leaf, "", "", {"completion_limit": 2}, acting_user=None)
    hours = {"completion_limit": 3, "completion_unit": TimeUnit.WORKING_HOURS}
    with pytest.raises(ValidationError, match="不设协办提前量"):
        do_save_sla_policy(leaf, "", "immediate", hours, acting_user=None)
    with pytest.raises(ValidationError, match="未知的诉求类型"):
        do_save_sla_policy(leaf, "petition", "", {}, acting_user=None)
    assert not SLAPolicy.objects.filter(category=leaf).exists()

    policy = do_save_sla_policy(leaf, "complaint", "", {"completion_limit": 5}, acting_user=None)
    assert policy.name == "物业服务收费·投诉"
    events = AuditEvent.objects.count()
    do_save_sla_policy(leaf, "complaint", "", {"completion_limit": 5}, acting_user=None)
    assert AuditEvent.objects.count() == events
    do_save_sla_policy(leaf, "complaint", "", {"completion_limit": 7}, acting_user=None)
    summary = last_event(SLA_POLICY_SAVED).summary
    assert summary == {
        "scope": "城乡建设 > 物业管理 > 物业服务收费 · 投诉 · 全部紧急程度",
        "completion_limit": "5 → 7",
    }


def test_the_default_limits_migration_reverses_exactly_its_rows(city: City) -> None:
    leaf = tree(*PROPERTY)
    own = do_save_sla_policy(leaf, "", "", {"completion_limit": 5}, acting_user=None)
    values = {"completion_limit": 1, "co_handler_lead_days": 0}
    extra = do_save_sla_policy(None, "help", "urgent", values, acting_user=None)
    DEFAULT_LIMITS.remove(apps, None)
    assert set(SLAPolicy.objects.all()) == {own, extra}
    DEFAULT_LIMITS.install(apps, None)
    assert SLAPolicy.objects.filter(category=None).count() == len(DEFAULT_LIMITS.DEFAULTS) + 1
    assert policy_for(None, "consultation", "normal").completion_limit == 3


# The demo catalogue --------------------------------------------------------------------------


def test_the_demo_catalogue_data_has_the_expected_shape() -> None:
    for path, node, _lead, _position in demo.walk():
        if len(path) == 1:
            assert 3 <= len(node.children) <= 6, path
        elif len(path) == 2:
            assert 2 <= len(node.children) <= 5, path
        else:
            assert not node.children, path
            keywords = node.keywords.split()
            assert 3 <= len(keywords) <= 8 and len(set(keywords)) == len(keywords), path


def test_the_demo_catalogue_needs_the_demo_city(city: City) -> None:
    with pytest.raises(ValidationError, match=r"单位不存在：.*市教育局"):
        demo.load_demo_catalogue()
    assert not Category.objects.exists()


def snapshot() -> list[tuple]:
    return [
        (c.path, c.lead_department_id, c.keywords, c.order, c.is_active, co)
        for c in Category.objects.prefetch_related("co_handlers")
        for co in [sorted(o.pk for o in c.co_handlers.all())]
    ]


def test_the_demo_catalogue_loads_once_and_again_changes_nothing() -> None:
    load_demo_city()
    count = demo.load_demo_catalogue()
    assert count == Category.objects.count() == len(list(demo.walk()))
    assert Category.objects.filter(level=1).count() >= 12
    leaves = Category.objects.filter(children__isnull=True).select_related("lead_department")
    assert leaves.count() >= 120
    district = demo.district_level_paths()
    for leaf in leaves:
        assert leaf.level == 3
        owner = leaf.responsible()
        if tuple(leaf.path.split(" > ")) in district:
            assert owner is None, leaf.path
        else:
            assert owner is not None and owner.lead_department.is_active, leaf.path
    assert Category.objects.filter(name="路灯不亮").get().lead_department.name == "市城市照明管理处"

    before, events = snapshot(), AuditEvent.objects.count()
    assert demo.load_demo_catalogue() == count
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert audit_chain_intact()
