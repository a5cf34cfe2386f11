"""The hub's pages through the HTTP client: citizens, staff, outsiders."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.appeal_helpers import closed, dispatched, in_progress, new_appeal, reload, submit
from tests.factories import Actors, City
from zhengwu.appeals import actions, numbers
from zhengwu.appeals.models import Appeal, Mailbox
from zhengwu.appeals.workflow import Status
from zhengwu.org.models import Organisation

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(city: City, **overrides: str) -> dict:
    data = {
        "appeal_type": "complaint",
        "title": "井盖缺失",
        "district": city.jinshui.pk,
        "street": city.street.pk,
        "content": "人行道上井盖缺失，晚上很危险，请尽快修复。",
        "contact_phone": "13600001111",
        "contact_name": "李四",
    }
    data.update(overrides)
    return data


def test_a_citizen_submits_and_tracks_with_number_and_code(city: City) -> None:
    client = Client()
    response = client.post(reverse("appeals:new"), form_data(city))
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    appeal = Appeal.objects.get()
    body = receipt.content.decode()
    assert appeal.number in body and appeal.division == city.street
    code = body.split('id="receipt-code">')[1].split("<")[0]
    stranger = Client()
    assert stranger.get(reverse("appeals:track_detail", args=[appeal.number])).status_code == 404
    wrong = stranger.post(reverse("appeals:track"), {"number": appeal.number, "code": "999999x"})
    assert "不正确" in wrong.content.decode()
    right = stranger.post(reverse("appeals:track"), {"number": appeal.number, "code": code})
    assert right.status_code == 302
    page = stranger.get(right["Location"]).content.decode()
    assert "待受理" in page and "井盖缺失" in page


def test_the_receipt_is_shown_once(city: City) -> None:
    client = Client()
    client.post(reverse("appeals:new"), form_data(city))
    assert client.get(reverse("appeals:submitted")).status_code == 200
    assert client.get(reverse("appeals:submitted")).status_code == 302


def test_form_errors_are_shown_and_nothing_is_saved(city: City) -> None:
    response = Client().post(
        reverse("appeals:new"),
        form_data(
            city,
            content="短",
            contact_phone="123",
            street=str(city.street.pk),
            district=str(city.erqi.pk),
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "11位" in body and "所选街道（乡镇）不在所选区县内" in body
    assert not Appeal.objects.exists()


def test_places_and_categories_are_checked_from_the_reference_cache(
    city: City, django_assert_num_queries
) -> None:
    from zhengwu.appeals.forms import AppealForm
    from zhengwu.dispatch.models import Category

    category = Category.objects.create(name="路灯照明", is_active=True)
    data = form_data(city, category=str(category.pk))
    assert AppealForm(data).is_valid()  # reads the three rows once
    with django_assert_num_queries(0):
        form = AppealForm(data)
        assert form.is_valid()
    assert form.cleaned_data["street"] == city.street and form.cleaned_data["category"] == category
    # A change reaches the next submission at once: the cached row is dropped on save.
    category.is_active = False
    category.save()
    assert "category" in AppealForm(data).errors
    for bad in ({"district": str(city.street.pk)}, {"street": "999999"}, {"street": "abc"}):
        form = AppealForm(form_data(city, **bad))
        assert not form.is_valid() and set(form.errors) <= {"district", "street"}


def test_a_fake_image_is_refused_on_the_form(city: City) -> None:
    fake = SimpleUploadedFile("a.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    response = Client().post(reverse("appeals:new"), {**form_data(city), "attachments": [fake]})
    assert response.status_code == 400 and "不是允许的文件类型" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_street_picker_lists_a_districts_streets(city: City) -> None:
    body = Client().get(reverse("appeals:places"), {"district": city.jinshui.pk}).content.decode()
    assert "经八路街道" in body
    assert (
        "经八路街道"
        not in Client().get(reverse("appeals:places"), {"district": "x"}).content.decode()
    )


def test_a_mailbox_letter_keeps_its_addressee(city: City) -> None:
    box = Mailbox.objects.create(
        slug="mayor", name="市长信箱", kind="mayor", organisation=city.government
    )
    assert "市长信箱" in Client().get(reverse("appeals:mailboxes")).content.decode()
    Client().post(reverse("appeals:mailbox", args=["mayor"]), form_data(city))
    appeal = Appeal.objects.get()
    assert appeal.mailbox == box and appeal.channel == "mailbox"
    assert "市长信箱" in appeal.events.get(kind="submitted").public_note


def test_my_appeals_for_a_signed_in_citizen(city: City, actors: Actors) -> None:
    client = as_user(actors.citizen)
    client.post(reverse("appeals:new"), form_data(city))
    appeal = Appeal.objects.get()
    assert appeal.citizen == actors.citizen
    assert appeal.number in client.get(reverse("appeals:mine")).content.decode()
    assert client.get(reverse("appeals:track_detail", args=[appeal.number])).status_code == 200
    assert Client().get(reverse("appeals:mine")).status_code == 302


def test_supplying_information_from_the_tracking_page(city: City, actors: Actors) -> None:
    appeal, code = submit(city)
    actions.do_dispatch(appeal, actions.Route(city.dept_a), acting_user=actors.dispatcher)
    actions.do_sign(appeal, acting_user=actors.handler_a)
    actions.do_request_info(reload(appeal), "请提供具体位置", acting_user=actors.handler_a)
    client = Client()
    client.post(reverse("appeals:track"), {"number": appeal.number, "code": code})
    page = client.get(reverse("appeals:track_detail", args=[appeal.number])).content.decode()
    assert "请提供具体位置" in page and "补充材料" in page
    client.post(reverse("appeals:supply", args=[appeal.number]), {"text": "在3号楼北侧"})
    assert reload(appeal).status == Status.IN_PROGRESS


def test_evaluating_by_link_and_the_link_dies_after_use(city: City, actors: Actors) -> None:
    appeal = closed(city, actors)
    token = numbers.new_token()
    Appeal.objects.filter(pk=appeal.pk).update(
        evaluation_token_hash=numbers.digest(appeal.number, token)
    )
    url = reverse("appeals:evaluate", args=[appeal.number, token])
    client = Client()
    assert "路灯" in client.get(url).content.decode()
    response = client.post(url, {"resolution": "resolved", "satisfaction": "satisfied"})
    assert response.status_code == 302 and reload(appeal).status == Status.EVALUATED
    assert client.get(url).status_code == 404


def test_the_wall_shows_published_replies_masked(city: City, actors: Actors) -> None:
    public = closed(city, actors, content="我的电话是13912345678，小区门口路灯坏了两周了。")
    secret = closed(city, actors, phone="13700002222", title="保密事项反映", is_confidential=True)
    body = Client().get(reverse("appeals:wall")).content.decode()
    assert "13912345678" not in body and "139****5678" in body
    assert public.number in body and secret.number not in body
    detail = Client().get(reverse("appeals:wall_detail", args=[public.number])).content.decode()
    assert "已经安排维修人员修复路灯" in detail and "13912345678" not in detail
    assert Client().get(reverse("appeals:wall_detail", args=[secret.number])).status_code == 404


# --- Staff pages ---------------------------------------------------------------------------------


def test_workbench_shows_each_roles_queues(city: City, actors: Actors) -> None:
    new_appeal(city)
    dispatcher = as_user(actors.dispatcher).get(reverse("workbench")).content.decode()
    assert "待受理" in dispatcher and "待派单" in dispatcher and "待签收" not in dispatcher
    handler = as_user(actors.handler_a).get(reverse("workbench")).content.decode()
    assert "待签收" in handler and "待受理" not in handler


def test_queue_search_by_number_phone_and_text(city: City, actors: Actors) -> None:
    first = new_appeal(city)
    new_appeal(city, phone="13700002222", title="噪音扰民")
    client = as_user(actors.dispatcher)
    url = reverse("appeals:queue", args=["received"])
    assert first.number in client.get(url, {"q": first.number}).content.decode()
    by_phone = client.get(url, {"q": "13700002222"}).content.decode()
    assert "噪音扰民" in by_phone and first.number not in by_phone
    assert "噪音扰民" in client.get(url, {"q": "噪音"}).content.decode()


def test_queues_are_404_for_roles_without_them(city: City, actors: Actors) -> None:
    assert (
        as_user(actors.handler_a).get(reverse("appeals:queue", args=["received"])).status_code
        == 404
    )
    assert as_user(actors.citizen).get(reverse("appeals:queue", args=["all"])).status_code == 404
    assert Client().get(reverse("appeals:queue", args=["all"])).status_code == 404
    assert (
        as_user(actors.dispatcher).get(reverse("appeals:queue", args=["nope"])).status_code == 404
    )


def test_dispatch_through_the_detail_page(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    client = as_user(actors.dispatcher)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "13700001111" in page  # the centre sees the contact to call back
    response = client.post(
        reverse("appeals:act", args=[appeal.pk, "dispatch"]),
        {
            "version": appeal.version,
            "dispatch-lead": city.dept_a.pk,
            "dispatch-note": "请核实",
        },
    )
    assert response.status_code == 302
    assert reload(appeal).lead_department == city.dept_a


def test_a_second_dispatcher_with_a_stale_page_gets_a_clear_message(
    city: City, actors: Actors
) -> None:
    appeal = new_appeal(city)
    client = as_user(actors.dispatcher)
    data = {"version": appeal.version, "dispatch-lead": city.dept_a.pk}
    client.post(reverse("appeals:act", args=[appeal.pk, "dispatch"]), data)
    stale = client.post(
        reverse("appeals:act", args=[appeal.pk, "dispatch"]),
        {**data, "dispatch-lead": city.dept_b.pk},
    )
    assert stale.status_code == 400 and "已被他人处理" in stale.content.decode()
    assert reload(appeal).lead_department == city.dept_a


def test_invalid_action_input_keeps_what_was_typed(city: City, actors: Actors) -> None:
    appeal = in_progress(city, actors)
    response = as_user(actors.handler_a).post(
        reverse("appeals:act", args=[appeal.pk, "reply"]),
        {"version": appeal.version, "reply-text": "太短", "reply-outcome": "resolved"},
    )
    assert response.status_code == 400
    assert "太短" in response.content.decode() and reload(appeal).status == Status.IN_PROGRESS


def test_actions_the_user_may_not_take_are_refused(city: City, actors: Actors) -> None:
    appeal = dispatched(city, actors)
    response = as_user(actors.leader).post(reverse("appeals:act", args=[appeal.pk, "sign"]), {})
    assert response.status_code == 302
    assert reload(appeal).status == Status.DISPATCHED
    page = as_user(actors.leader).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "您目前没有需要办理的操作" in page
    assert (
        as_user(actors.dispatcher)
        .post(reverse("appeals:act", args=[appeal.pk, "launch-rockets"]), {})
        .status_code
        == 404
    )


def test_outsiders_get_404_on_every_appeal_page(city: City, actors: Actors) -> None:
    appeal = dispatched(city, actors, files=[_png()])
    attachment = appeal.attachments.get()
    urls = [
        reverse("appeals:detail", args=[appeal.pk]),
        reverse("appeals:attachment", args=[attachment.pk]),
    ]
    posts = [
        reverse("appeals:act", args=[appeal.pk, name]) for name in ("sign", "note", "dispatch")
    ]
    for client in (Client(), as_user(actors.citizen), as_user(actors.handler_b)):
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"note-text": "x"}).status_code == 404, url
    assert as_user(actors.handler_a).get(urls[0]).status_code == 200
    assert as_user(actors.handler_a).get(urls[1]).status_code == 200
    assert as_user(actors.handler_b).get(reverse("appeals:hotline")).status_code == 404


def test_a_department_sees_its_appeal_only_while_it_holds_it_if_confidential(
    city: City, actors: Actors
) -> None:
    appeal = dispatched(city, actors, is_confidential=True)
    detail = reverse("appeals:detail", args=[appeal.pk])
    assert as_user(actors.handler_a).get(detail).status_code == 200
    assert as_user(actors.leader).get(detail).status_code == 404  # city leaders: not confidential
    actions.do_return(appeal, "not_our_duty", "应由生态环境局办理", acting_user=actors.handler_a)
    actions.do_dispatch(reload(appeal), actions.Route(city.dept_b), acting_user=actors.dispatcher)
    assert as_user(actors.handler_a).get(detail).status_code == 404
    assert as_user(actors.handler_b).get(detail).status_code == 200


def test_leaders_and_past_handlers_see_ordinary_appeals(city: City, actors: Actors) -> None:
    appeal = dispatched(city, actors)
    actions.do_return(appeal, "not_our_duty", "应由生态环境局办理", acting_user=actors.handler_a)
    actions.do_dispatch(reload(appeal), actions.Route(city.dept_b), acting_user=actors.dispatcher)
    detail = reverse("appeals:detail", args=[appeal.pk])
    assert as_user(actors.handler_a).get(detail).status_code == 200
    assert as_user(actors.leader).get(detail).status_code == 200


def test_handlers_see_masked_contacts_of_anonymous_citizens(city: City, actors: Actors) -> None:
    named = dispatched(city, actors)
    hidden = dispatched(city, actors, phone="13700002222", is_anonymous=True)
    actions.do_sign(named, acting_user=actors.handler_a)
    client = as_user(actors.handler_a)
    assert "13700001111" in client.get(reverse("appeals:detail", args=[named.pk])).content.decode()
    page = client.get(reverse("appeals:detail", args=[hidden.pk])).content.decode()
    assert "13700002222" not in page and "匿名" in page
    leader_page = as_user(actors.leader).get(reverse("appeals:detail", args=[named.pk]))
    assert "13700001111" not in leader_page.content.decode()


def test_hotline_entry_page(city: City, actors: Actors) -> None:
    client = as_user(actors.intake)
    assert client.get(reverse("appeals:hotline")).status_code == 200
    response = client.post(
        reverse("appeals:hotline"),
        {
            **form_data(city),
            "urgency": "urgent",
            "accept_now": "on",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.status == Status.ACCEPTED and appeal.channel == "hotline"
    assert appeal.urgency == "urgent" and appeal.entered_by == actors.intake


def bulk(user, name: str, appeals, **data) -> Client:
    client = as_user(user)
    response = client.post(
        reverse("appeals:bulk", args=[name]),
        {"appeal": [a.pk for a in appeals], "back": "/work/queue/all/", **data},
    )
    assert response.status_code == 302 and response["Location"] == "/work/queue/all/"
    return client


def flashed(client: Client) -> str:
    return client.get(reverse("workbench")).content.decode()


def test_bulk_dispatch_page(city: City, actors: Actors) -> None:
    first, second = new_appeal(city), new_appeal(city, phone="13700002222")
    bulk(actors.dispatcher, "dispatch", [first, second], **{"dispatch-lead": city.dept_b.pk})
    assert set(Appeal.objects.values_list("lead_department", flat=True)) == {city.dept_b.pk}


def test_bulk_dispatch_ignores_appeals_the_user_cannot_see(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    bulk(actors.handler_a, "dispatch", [appeal], **{"dispatch-lead": city.dept_b.pk})
    assert reload(appeal).status == Status.RECEIVED


def test_bulk_accept_reports_what_it_could_not_do(city: City, actors: Actors) -> None:
    fresh = new_appeal(city)
    taken = actions.do_accept(new_appeal(city, phone="13700002222"), acting_user=actors.intake)
    client = bulk(actors.intake, "accept", [fresh, taken])
    assert reload(fresh).status == Status.ACCEPTED
    page = flashed(client)
    assert "受理：已处理1件" in page and taken.number in page


def test_bulk_reject_needs_a_reason_and_changes_nothing_without_one(
    city: City, actors: Actors
) -> None:
    from zhengwu.appeals.models import RejectionReason

    appeal = new_appeal(city)
    client = bulk(actors.dispatcher, "reject", [appeal])
    assert reload(appeal).status == Status.RECEIVED
    assert "不予受理理由" in flashed(client)
    reason = RejectionReason.objects.first()
    bulk(actors.dispatcher, "reject", [appeal], **{"reject-reason": reason.pk})
    assert reload(appeal).status == Status.REJECTED


def test_bulk_sign_and_urge(city: City, actors: Actors) -> None:
    first, second = dispatched(city, actors), dispatched(city, actors, phone="13700002222")
    bulk(actors.handler_a, "sign", [first, second])
    assert {reload(a).status for a in (first, second)} == {Status.IN_PROGRESS}
    bulk(actors.supervisor, "urge", [first, second], **{"urge-note": "请本周内答复。"})
    assert all(reload(a).urges.filter(note="请本周内答复。").exists() for a in (first, second))
    # A handler cannot urge, even in bulk: nothing is written.
    bulk(actors.handler_b, "urge", [first], **{"urge-note": "自己催自己"})
    assert not first.urges.filter(note="自己催自己").exists()


def test_bulk_rejects_unknown_actions_and_empty_selections(city: City, actors: Actors) -> None:
    client = as_user(actors.dispatcher)
    assert client.post(reverse("appeals:bulk", args=["reply"]), {}).status_code == 404
    assert client.get(reverse("appeals:bulk", args=["accept"])).status_code == 405
    appeal = new_appeal(city)
    client = bulk(actors.dispatcher, "accept", [])
    assert "请先勾选诉求" in flashed(client) and reload(appeal).status == Status.RECEIVED


def test_queues_offer_the_bulk_actions_of_the_role(city: City, actors: Actors) -> None:
    new_appeal(city)
    page = as_user(actors.dispatcher).get(reverse("appeals:queue", args=["received"]))
    html = page.content.decode()
    for name in ("dispatch", "accept", "reject"):
        assert reverse("appeals:bulk", args=[name]) in html
    dispatched(city, actors, phone="13700002222")
    html = as_user(actors.handler_a).get(reverse("appeals:queue", args=["to_sign"])).content
    assert reverse("appeals:bulk", args=["sign"]) in html.decode()
    html = as_user(actors.leader).get(reverse("appeals:queue", args=["all"])).content.decode()
    assert 'name="appeal"' not in html


def test_templates_fill_dispatch_notes_and_urges(city: City, actors: Actors) -> None:
    from zhengwu.appeals.models import AnswerTemplate

    AnswerTemplate.objects.create(kind="dispatch", title="核实", text="请现场核实。")
    AnswerTemplate.objects.create(kind="urge", title="超期", text="已超期，请立即办理。")
    AnswerTemplate.objects.create(
        kind="urge", title="别的单位", text="仅限乙单位", organisation=city.dept_b
    )
    appeal = new_appeal(city)
    html = as_user(actors.dispatcher).get(reverse("appeals:queue", args=["received"]))
    html = html.content.decode()
    assert 'data-fills="dispatch-note"' in html and 'data-text="请现场核实。"' in html
    page = as_user(actors.supervisor).get(reverse("appeals:detail", args=[appeal.pk]))
    assert 'data-text="请现场核实。"' not in page.content.decode()  # supervisors do not dispatch
    in_progress(city, actors, phone="13700002222")
    appeal = Appeal.objects.get(status=Status.IN_PROGRESS)
    page = as_user(actors.supervisor).get(reverse("appeals:detail", args=[appeal.pk]))
    page = page.content.decode()
    assert 'data-fills="urge-note"' in page and "已超期，请立即办理。" in page
    assert "仅限乙单位" not in page


def test_answer_templates_fill_the_reply(city: City, actors: Actors) -> None:
    from zhengwu.appeals.models import AnswerTemplate

    AnswerTemplate.objects.create(kind="reply", title="已处理", text="您好，问题已处理。")
    appeal = in_progress(city, actors)
    page = (
        as_user(actors.handler_a).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    )
    assert 'data-text="您好，问题已处理。"' in page


def test_reply_templates_follow_the_category(city: City, actors: Actors) -> None:
    from zhengwu.appeals.models import AnswerTemplate
    from zhengwu.dispatch.models import Category

    roads = Category.objects.create(name="市政设施")
    lamps = Category.objects.create(name="路灯", parent=roads)
    noise = Category.objects.create(name="噪声")
    AnswerTemplate.objects.create(kind="reply", title="市政通用", text="市政答复", category=roads)
    AnswerTemplate.objects.create(kind="reply", title="噪声专用", text="噪声答复", category=noise)
    appeal = in_progress(city, actors, category=lamps)
    page = (
        as_user(actors.handler_a).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    )
    assert "市政通用" in page and "噪声专用" not in page


def test_deactivated_bodies_cannot_be_chosen(city: City, actors: Actors) -> None:
    Organisation.objects.filter(pk=city.dept_b.pk).update(is_active=False)
    appeal = new_appeal(city)
    response = as_user(actors.dispatcher).post(
        reverse("appeals:act", args=[appeal.pk, "dispatch"]), {"dispatch-lead": city.dept_b.pk}
    )
    assert response.status_code == 400 and reload(appeal).status == Status.RECEIVED


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def test_tracking_guesses_are_limited(city: City) -> None:
    appeal, _ = submit(city, user=AnonymousUser())
    client = Client()
    for _ in range(20):
        client.post(reverse("appeals:track"), {"number": appeal.number, "code": "000001"})
    response = client.post(reverse("appeals:track"), {"number": appeal.number, "code": "000002"})
    assert "次数过多" in response.content.decode()


def test_queues_show_30_or_100_appeals_a_page(city: City, actors: Actors) -> None:
    for i in range(35):
        new_appeal(city, phone=f"137{i:08d}")
    client = as_user(actors.dispatcher)
    url = reverse("appeals:queue", args=["received"])

    def ticks(query: str) -> int:
        return client.get(f"{url}?{query}").content.decode().count('name="appeal"')

    assert ticks("") == 30 and ticks("per=abc") == 30 and ticks("per=100") == 35
    assert ticks("page=2") == 5
    page = client.get(f"{url}?per=30&page=1").content.decode()
    assert "per=30&amp;page=2" in page and "page=1&amp;page=2" not in page
