"""What keeps the hub fast at a million appeals: capped counting, the visibility rule as one
join, and appeal numbers from one statement (bench/bench_appeals.py measures the speed)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.factories import Actors, City
from zhengwu.appeals import access, numbers, views
from zhengwu.appeals.models import Appeal, Assignment, DailyCounter
from zhengwu.lib import paging
from zhengwu.lib.paging import CappedPaginator
from zhengwu.org.models import Organisation

pytestmark = pytest.mark.django_db


def appeal(number: str, *, confidential: bool = False, status: str = "received") -> Appeal:
    return Appeal.objects.create(
        number=number,
        query_code_hash="-",
        channel="portal",
        appeal_type="complaint",
        title="路灯不亮",
        content="小区门口的路灯已经坏了很久。",
        status=status,
        is_confidential=confidential,
    )


def assign(item: Appeal, org: Organisation, *, ended: bool = False) -> None:
    Assignment.objects.create(
        appeal=item, organisation=org, role="lead", ended_at=timezone.now() if ended else None
    )


def test_the_paginator_counts_no_further_than_the_cap_or_the_page_asked_for(city: City) -> None:
    organisations = Organisation.objects.order_by("pk")  # five in the test city
    first = CappedPaginator(organisations, 1, cap=2, page=1)
    assert (first.count, first.limit, first.is_capped) == (3, 2, True)
    assert first.get_page(1).has_next()
    fourth = CappedPaginator(organisations, 1, cap=2, page="4")
    assert (fourth.count, fourth.is_capped) == (5, True)
    assert [o.pk for o in fourth.get_page(4)] == [organisations[3].pk]
    assert fourth.get_page(4).has_next()
    last = CappedPaginator(organisations, 1, cap=2, page=5)
    assert (last.count, last.is_capped, last.num_pages) == (5, False, 5)
    assert CappedPaginator(organisations, 1, cap=2, page="x").limit == 2


def test_a_long_queue_says_more_than_instead_of_counting(
    city: City, actors: Actors, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        appeal(f"ZW20260101{i:06d}")
    client = Client()
    client.force_login(actors.dispatcher)
    first = client.get("/work/queue/received/").content.decode()
    assert "超过 3 件" in first and "第 1 页" in first and "page=2" in first
    last = client.get("/work/queue/received/?page=3").content.decode()
    assert "共 5 件" in last and "第 3 / 3 页" in last


def test_visibility_is_the_rule_of_the_access_module(city: City, actors: Actors) -> None:
    """(ever assigned to their bodies and not confidential) or assigned to them now; city
    leaders see every non-confidential appeal, and a confidential one only while their own body
    holds it (never through the bodies under theirs)."""
    cases = {
        "past": (False, [(city.dept_a, True)]),
        "past-secret": (True, [(city.dept_a, True)]),
        "now-secret": (True, [(city.dept_a, False)]),
        "moved-on": (False, [(city.dept_a, True), (city.dept_b, False)]),
        "other-body": (False, [(city.dept_b, False)]),
        "other-secret": (True, [(city.dept_b, False)]),
        "unassigned": (False, []),
        "unassigned-secret": (True, []),
    }
    for i, (key, (confidential, assignments)) in enumerate(cases.items()):
        item = appeal(f"ZW20260102{i:06d}", confidential=confidential)
        item.title = key
        item.save(update_fields=["title"])
        for org, ended in assignments:
            assign(item, org, ended=ended)

    def seen(user) -> set[str]:
        return set(access.appeals_visible_to(user).values_list("title", flat=True))

    assert seen(actors.handler_a) == {"past", "now-secret", "moved-on"}
    assert seen(actors.handler_b) == {"moved-on", "other-body", "other-secret"}
    assert seen(actors.leader) == {"past", "moved-on", "other-body", "unassigned"}
    assert seen(actors.dispatcher) == set(cases)
    below = {city.centre.pk, city.dept_a.pk, city.dept_b.pk, city.district.pk}
    assert access.body_ids(actors.leader) == below | {city.government.pk}


def test_numbers_continue_the_day_and_start_a_new_one(city: City) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        first, second = numbers.next_number(), numbers.next_number()
    assert first == f"ZW{today:%Y%m%d}000001"
    assert second == f"ZW{today:%Y%m%d}000002"
    DailyCounter.objects.filter(day=today).update(last=41)
    assert numbers.next_number().endswith("000042")
    assert DailyCounter.objects.get(day=today).last == 42


@pytest.mark.django_db(transaction=True)
def test_the_number_is_taken_before_the_intake_transaction(seeded) -> None:
    """The day's counter commits on its own (concurrent intakes wait for one statement, not
    for each other's whole transaction): a submission that fails later leaves a gap, never a
    half-written appeal or a repeated number."""
    from zhengwu.appeals import actions

    draft = actions.Draft(
        "help",
        "井盖缺失",
        "解放路口人行道井盖缺失，很危险，请尽快处理。",
        contact_phone="13700004444",
    )

    def fail(appeal) -> None:
        raise RuntimeError("the channel's own record could not be written")

    with pytest.raises(RuntimeError):
        actions.do_submit_appeal(draft, channel="portal", acting_user=AnonymousUser(), keep=fail)
    assert not Appeal.objects.exists()
    appeal, _code = actions.do_submit_appeal(draft, channel="portal", acting_user=AnonymousUser())
    assert appeal.number.endswith("000002")  # 000001 went with the failed submission
