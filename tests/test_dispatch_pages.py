"""Smart-dispatch pages through the HTTP client: supervisors, dispatchers, leaders, outsiders."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.appeal_helpers import analysed_appeal, new_appeal, reload
from tests.dispatch_helpers import corpus, small_catalogue
from tests.factories import Actors, City
from zhengwu.appeals.workflow import Status
from zhengwu.dispatch import versions
from zhengwu.dispatch.actions import do_save_rule
from zhengwu.dispatch.models import Category, ModelVersion, RoutingRule

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(city: City):
    return small_catalogue(city)


def staff_pages(catalogue, rule: RoutingRule) -> list[tuple[str, str]]:
    lights = catalogue[0]
    return [
        ("get", reverse("dispatch:catalogue")),
        ("get", reverse("dispatch:category", args=[lights.pk])),
        ("get", reverse("dispatch:category_new")),
        ("get", reverse("dispatch:catalogue_export", args=["csv"])),
        ("get", reverse("dispatch:catalogue_export", args=["xlsx"])),
        ("post", reverse("dispatch:catalogue_import")),
        ("get", reverse("dispatch:rules")),
        ("get", reverse("dispatch:rule_new")),
        ("get", reverse("dispatch:rule", args=[rule.pk])),
        ("post", reverse("dispatch:rule_move", args=[rule.pk, "up"])),
        ("post", reverse("dispatch:rule_delete", args=[rule.pk])),
        ("get", reverse("dispatch:try")),
        ("get", reverse("dispatch:models")),
        ("post", reverse("dispatch:model_action", args=["rollback"])),
        ("get", reverse("appeals:hotspots")),
    ]


def test_outsiders_get_404_on_every_smart_dispatch_page(
    city: City, actors: Actors, catalogue
) -> None:
    rule = do_save_rule(None, {"name": "甲", "lead": city.dept_a}, acting_user=None)
    outsiders = [Client(), as_user(actors.citizen), as_user(actors.handler_a)]
    outsiders.append(as_user(actors.dept_admin_a))
    for client in outsiders:
        for method, url in staff_pages(catalogue, rule):
            assert getattr(client, method)(url).status_code == 404, url
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


def test_each_role_reaches_its_pages(city: City, actors: Actors, catalogue) -> None:
    dispatcher, leader = as_user(actors.dispatcher), as_user(actors.leader)
    assert dispatcher.get(reverse("dispatch:try")).status_code == 200
    assert dispatcher.get(reverse("dispatch:catalogue")).status_code == 404
    assert leader.get(reverse("appeals:hotspots")).status_code == 200
    assert leader.get(reverse("dispatch:rules")).status_code == 404
    assert as_user(actors.supervisor).get(reverse("workbench")).content.decode().count("派单目录")


def test_a_supervisor_edits_a_category_and_sees_its_history(
    city: City, actors: Actors, catalogue
) -> None:
    lights = catalogue[0]
    client = as_user(actors.supervisor)
    url = reverse("dispatch:category", args=[lights.pk])
    data = {"lead_department": city.dept_b.pk, "keywords": "路灯 照明", "is_active": "on"}
    assert client.post(url, data).status_code == 302
    lights.refresh_from_db()
    assert lights.lead_department == city.dept_b and lights.keywords == "路灯 照明"
    page = client.get(url).content.decode()
    assert "保存诉求分类" in page and "supervisor" in page and "市生态环境局" in page


def test_export_and_import_round_trip(city: City, actors: Actors, catalogue) -> None:
    client = as_user(actors.supervisor)
    exported = client.get(reverse("dispatch:catalogue_export", args=["csv"])).content
    text = exported.decode("utf-8-sig").replace(
        "环境保护,噪声污染,施工噪声,,,,是", "环境保护,噪声污染,施工噪声,,,打桩 夜间施工,是"
    )
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "catalogue.csv"
    response = client.post(reverse("dispatch:catalogue_import"), {"file": upload}, follow=True)
    assert "其中1个分类有变化" in response.content.decode()
    assert Category.objects.get(name="施工噪声").keywords == "打桩 夜间施工"
    book = client.get(reverse("dispatch:catalogue_export", args=["xlsx"])).content
    rows = list(load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("一级分类", "二级分类", "三级分类") and len(rows) == 7


def test_a_bad_import_changes_nothing(city: City, actors: Actors, catalogue) -> None:
    upload = io.BytesIO("一级分类,二级分类,三级分类,主办单位\n新类,,,不存在的单位\n".encode())
    upload.name = "catalogue.csv"
    client = as_user(actors.supervisor)
    response = client.post(reverse("dispatch:catalogue_import"), {"file": upload}, follow=True)
    assert "第2行：找不到单位" in response.content.decode()
    assert not Category.objects.filter(name="新类").exists()


def test_rules_through_the_pages_and_the_test_box(city: City, actors: Actors, catalogue) -> None:
    client = as_user(actors.supervisor)
    data = {"name": "金水区施工", "is_active": "on", "keywords": "打桩", "lead": city.district.pk}
    assert client.post(reverse("dispatch:rule_new"), data).status_code == 302
    rule = RoutingRule.objects.get()
    assert "金水区施工" in client.get(reverse("dispatch:rules")).content.decode()
    page = as_user(actors.dispatcher).post(
        reverse("dispatch:try"), {"title": "夜间打桩", "text": "工地半夜还在打桩，吵得睡不着。"}
    )
    body = page.content.decode()
    assert "金水区施工" in body and "含关键词“打桩”" in body and "金水区人民政府" in body
    assert "未启用模型" in body
    client.post(reverse("dispatch:rule_delete", args=[rule.pk]))
    assert not RoutingRule.objects.exists()


def test_the_model_page_shows_state_and_rolls_back(city: City, actors: Actors, catalogue) -> None:
    client = as_user(actors.supervisor)
    assert "尚未启用派单模型" in client.get(reverse("dispatch:models")).content.decode()
    rows = corpus(*catalogue)
    first = versions.do_train_model(rows, source="csv", acting_user=None, activate=True)
    second = versions.do_train_model(rows, source="csv", acting_user=None)
    client.post(reverse("dispatch:model_action", args=["activate"]), {"version": second.pk})
    assert ModelVersion.objects.get(is_active=True) == second
    client.post(reverse("dispatch:model_action", args=["rollback"]))
    assert ModelVersion.objects.get(is_active=True) == first
    ModelVersion.objects.filter(pk=first.pk).update(artefact=b"damaged")
    versions._load.cache_clear()
    assert "无法加载" in client.get(reverse("dispatch:models")).content.decode()
    admin_page = as_user(actors.sysadmin).get("/admin/dispatch/modelversion/", follow=True)
    assert admin_page.status_code == 200 and "无法加载" in admin_page.content.decode()
    data = {"threshold": "0.8", "duplicate_days": "5", "duplicate_similarity": "0.4"}
    assert (
        client.post(reverse("dispatch:models"), {**data, "auto_dispatch": "on"}).status_code == 302
    )


def test_duplicates_are_shown_and_merged_with_one_click(city: City, actors: Actors) -> None:
    text = "金水区经八路工地每天夜里打桩到凌晨两点，噪音太大，附近居民无法休息。"
    first = new_appeal(city, title="工地夜间打桩扰民", content=text)
    second = new_appeal(city, title="工地夜里打桩噪音扰民", content=text + "请尽快处理。")
    new_appeal(city, title="路灯不亮", content="小区门口的路灯坏了两个星期，晚上出行不便。")
    client = as_user(actors.dispatcher)
    page = client.get(reverse("appeals:detail", args=[second.pk])).content.decode()
    assert "可能重复的诉求" in page and f"并入{first.number}" in page
    assert page.count("相似度") == 1
    response = client.post(
        reverse("appeals:act", args=[second.pk, "merge"]),
        {"merge-master": first.number, "version": reload(second).version},
    )
    assert response.status_code == 302
    assert reload(second).status == Status.MERGED and reload(second).merged_into == first
    handler_page = as_user(actors.leader).get(reverse("appeals:detail", args=[first.pk]))
    assert "可能重复的诉求" not in handler_page.content.decode()


def test_the_appeal_page_shows_the_suggestion(city: City, actors: Actors, catalogue) -> None:
    versions.do_train_model(corpus(*catalogue), source="csv", acting_user=None, activate=True)
    appeal = analysed_appeal(city, title="路灯坏了", content="小区门口路灯不亮，晚上出行很不方便。")
    page = as_user(actors.dispatcher).get(reverse("appeals:detail", args=[appeal.pk]))
    body = page.content.decode()
    assert "智能派单" in body and "建议派往" in body and "路灯不亮" in body
    assert f'<option value="{city.dept_a.pk}" selected>' in body  # the dispatch form's default


def test_hot_spots_page_for_leaders(city: City, actors: Actors) -> None:
    text = "锦绣花园小区旁边的搅拌站日夜作业，粉尘和噪音严重扰民，请有关部门查处。"
    for i in range(3):
        new_appeal(city, title=f"锦绣花园搅拌站扰民{i}", content=text, phone=f"1370000111{i}")
    new_appeal(city, title="咨询社保卡补办", content="请问社保卡丢了在哪里补办，需要带什么材料？")
    client = as_user(actors.leader)
    body = client.get(reverse("appeals:hotspots")).content.decode()
    assert "3 件" in body and "3 位市民" in body and "社保卡" not in body
    export = client.get(reverse("appeals:hotspots") + "?format=csv&days=7")
    assert export["Content-Type"] == "text/csv" and "锦绣花园" in export.content.decode("utf-8-sig")
