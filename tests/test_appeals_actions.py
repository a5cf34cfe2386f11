"""The hub's use cases, called directly: the closed loop and its edge cases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.appeal_helpers import (
    closed,
    dispatched,
    in_progress,
    new_appeal,
    reload,
    replied,
    submit,
)
from tests.factories import Actors, City, audit_chain_intact
from zhengwu.appeals import actions, numbers
from zhengwu.appeals.models import (
    Appeal,
    AppealEvent,
    Assignment,
    BlockedContact,
    Evaluation,
    RejectionReason,
    Reply,
)
from zhengwu.appeals.workflow import ConflictError, Status
from zhengwu.audit.models import AuditEvent
from zhengwu.lib.workdays import SHANGHAI
from zhengwu.notifications.models import Message

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Intake -------------------------------------------------------------------------------------


def test_submission_gives_a_number_and_a_working_query_code(city: City) -> None:
    appeal, code = submit(city)
    assert appeal.number.startswith("ZW") and len(appeal.number) == 16
    assert appeal.status == Status.RECEIVED
    assert numbers.matches(appeal.number, code, appeal.query_code_hash)
    assert not numbers.matches(
        appeal.number, "000000" if code != "000000" else "1", appeal.query_code_hash
    )
    second, _ = submit(city, phone="13700002222")
    assert int(second.number[-6:]) == int(appeal.number[-6:]) + 1


def test_submission_writes_event_audit_and_tells_the_citizen(
    city: City, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appeal, code = submit(city)
    assert AppealEvent.objects.filter(appeal=appeal, kind="submitted").exists()
    event = AuditEvent.objects.get(action="appeals.submitted")
    assert "13700001111" not in str(event.summary)
    sms = Message.objects.get(channel="sms", about_id=str(appeal.pk))
    assert code in sms.body and appeal.number in sms.body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"content": "太短了"}, "内容"),
        ({"title": "灯"}, "标题"),
        ({"contact_phone": ""}, "手机号码或电子邮箱"),
        ({"appeal_type": "gossip"}, "诉求类型"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_written(
    city: City, overrides: dict, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        submit(city, **overrides)
    assert not Appeal.objects.exists() and not AuditEvent.objects.exists()


def test_an_anonymous_citizen_needs_no_contact(city: City) -> None:
    appeal, _ = submit(city, contact_phone="", contact_name="", is_anonymous=True)
    assert appeal.is_anonymous


def test_attachments_are_checked_by_content(city: City) -> None:
    appeal, _ = submit(city, files=[png()])
    attachment = appeal.attachments.get()
    assert attachment.content_type == "image/png" and attachment.extension == "png"
    assert attachment.file.name.endswith(".png") and "photo" not in attachment.file.name
    disguised = SimpleUploadedFile(
        "evil.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"
    )
    with pytest.raises(ValidationError, match="不是允许的文件类型"):
        submit(city, phone="13700002222", files=[disguised])
    with pytest.raises(ValidationError, match="最多上传"):
        submit(city, phone="13700003333", files=[png(f"{i}.png") for i in range(6)])
    assert Appeal.objects.count() == 1


def test_images_lose_their_exif_data(city: City) -> None:
    buffer = io.BytesIO()
    image = Image.new("RGB", (20, 20), "blue")
    exif = Image.Exif()
    exif[0x8825] = {2: (34, 45, 0)}  # GPS info
    image.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    appeal, _ = submit(city, files=[upload])
    with appeal.attachments.get().file.open("rb") as stored, Image.open(stored) as reread:
        assert 0x8825 not in reread.getexif()


def phone_call() -> actions.Draft:
    return actions.Draft(
        "help",
        "井盖缺失",
        "解放路口人行道井盖缺失，很危险，请尽快处理。",
        contact_phone="13700004444",
    )


def test_hotline_entry_is_for_agents_only(city: City, actors: Actors) -> None:
    draft = phone_call()
    appeal, _ = actions.do_submit_appeal(draft, channel="hotline", acting_user=actors.intake)
    assert appeal.entered_by == actors.intake and appeal.channel == "hotline"
    with pytest.raises(PermissionDenied):
        actions.do_submit_appeal(draft, channel="hotline", acting_user=actors.handler_a)


def test_a_hotline_agent_submits_and_accepts_in_one_step(city: City, actors: Actors) -> None:
    draft = phone_call()
    appeal, _ = actions.do_submit_appeal(
        draft, channel="hotline", acting_user=actors.intake, accept=True
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED and appeal.accepted_at is not None
    assert [e.kind for e in appeal.events.order_by("pk")] == ["submitted", "accepted"]
    audited = AuditEvent.objects.filter(object_id=str(appeal.pk)).order_by("id")
    assert [(a.action, a.summary["status"]) for a in audited] == [
        ("appeals.submitted", "received"),
        ("appeals.accepted", "accepted"),
    ]
    assert audit_chain_intact()


def test_a_refused_acceptance_takes_in_nothing(city: City, actors: Actors, monkeypatch) -> None:
    """Should acceptance be refused, the call is not half taken in: nothing is written."""
    from zhengwu.appeals import access

    original = access.available_actions
    monkeypatch.setattr(
        access, "available_actions", lambda user, appeal: original(user, appeal) - {"accept"}
    )
    draft = phone_call()
    before = (Appeal.objects.count(), AuditEvent.objects.count(), Message.objects.count())
    with pytest.raises(PermissionDenied):
        actions.do_submit_appeal(draft, channel="hotline", acting_user=actors.intake, accept=True)
    after = (Appeal.objects.count(), AuditEvent.objects.count(), Message.objects.count())
    assert after == before


def test_a_logged_in_citizens_appeal_is_theirs(city: City, actors: Actors) -> None:
    appeal = new_appeal(city, user=actors.citizen)
    assert appeal.citizen == actors.citizen
    staff_entered = new_appeal(city, user=actors.dispatcher, phone="13700005555")
    assert staff_entered.citizen is None


@pytest.mark.parametrize("cached_max", [10_000, 0], ids=["cached list", "list too long"])
def test_blocked_contacts_are_refused(city: City, monkeypatch, cached_max: int) -> None:
    from zhengwu.appeals import abuse

    monkeypatch.setattr(abuse, "BLOCKLIST_CACHED_MAX", cached_max)
    submit(city)  # asks the (empty) list first, so a cached copy must be dropped below
    block = BlockedContact.objects.create(kind="phone", value="13700001111", reason="恶意重复来电")
    with pytest.raises(ValidationError, match="限制"):
        submit(city)
    block.expires_at = at(2020, 1, 1)
    block.save()
    submit(city)
    block.expires_at = timezone.now() + dt.timedelta(days=1)
    block.save()
    with pytest.raises(ValidationError, match="限制"):
        submit(city)
    block.delete()
    submit(city)


def test_rate_limits_per_phone(city: City) -> None:
    for _ in range(5):
        submit(city)
    with pytest.raises(ValidationError, match="过于频繁"):
        submit(city)


# --- Acceptance and dispatch --------------------------------------------------------------------


def test_rejection_tells_the_citizen_where_to_go(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    reason = RejectionReason.objects.get(code="emergency")
    actions.do_reject(appeal, reason, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.status == Status.REJECTED and appeal.closed_at
    assert "110" in appeal.events.get(kind="rejected").public_note


def test_handlers_cannot_accept_or_dispatch(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    with pytest.raises(PermissionDenied):
        actions.do_accept(appeal, acting_user=actors.handler_a)
    with pytest.raises(PermissionDenied):
        actions.do_dispatch(appeal, actions.Route(city.dept_a), acting_user=actors.handler_a)
    assert reload(appeal).status == Status.RECEIVED


def test_dispatch_sets_limits_from_the_policy_over_the_calendar(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 1, 24, 10), tick=False):
        appeal = dispatched(city, actors, co=(city.dept_b,), appeal_type="consultation")
    # 咨询: 3 working days from the day after dispatch; Sun 26 Jan is a make-up working day.
    assert appeal.deadline == at(2025, 2, 5, 23, 59, 59)
    assert appeal.response_due == at(2025, 1, 24, 15)  # 4 office hours, lunch excluded
    co, lead = appeal.assignments.order_by("role").all()
    assert (co.role, lead.role) == ("co", "lead")
    assert co.due <= lead.due and appeal.status == Status.DISPATCHED


def test_dispatch_to_unknown_calendar_year_is_a_clear_error(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    unknown = "2027年的法定节假日安排尚未录入"
    with (
        time_machine.travel(at(2026, 12, 28, 10), tick=False),
        pytest.raises(ValidationError, match=unknown),
    ):
        actions.do_dispatch(appeal, actions.Route(city.dept_a), acting_user=actors.dispatcher)
    assert reload(appeal).status == Status.RECEIVED


@pytest.mark.parametrize("bad", ["centre", "same", "government"])
def test_dispatch_refuses_unfit_routes(city: City, actors: Actors, bad: str) -> None:
    appeal = new_appeal(city)
    route = {
        "centre": actions.Route(city.centre),
        "government": actions.Route(city.government),
        "same": actions.Route(city.dept_a, (city.dept_a,)),
    }[bad]
    with pytest.raises(ValidationError):
        actions.do_dispatch(appeal, route, acting_user=actors.dispatcher)
    assert reload(appeal).status == Status.RECEIVED and not appeal.assignments.exists()


def test_signing_starts_handling_and_co_signing_does_not(city: City, actors: Actors) -> None:
    appeal = dispatched(city, actors, co=(city.dept_b,))
    actions.do_sign(appeal, acting_user=actors.handler_b)
    assert reload(appeal).status == Status.DISPATCHED
    actions.do_sign(appeal, acting_user=actors.handler_a)
    assert reload(appeal).status == Status.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        actions.do_sign(appeal, acting_user=actors.handler_a)


def test_return_review_and_redispatch(city: City, actors: Actors) -> None:
    appeal = dispatched(city, actors)
    with pytest.raises(ValidationError):
        actions.do_return(appeal, "not_our_duty", "", acting_user=actors.handler_a)
    actions.do_return(appeal, "not_our_duty", "应由生态环境局办理", acting_user=actors.handler_a)
    appeal = reload(appeal)
    assert appeal.status == Status.RETURN_REQUESTED and appeal.return_count == 1
    actions.do_dispatch(appeal, actions.Route(city.dept_b), acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.status == Status.DISPATCHED and appeal.lead_department == city.dept_b
    current = appeal.assignments.filter(ended_at__isnull=True)
    assert [a.organisation for a in current] == [city.dept_b]
    assert appeal.assignments.get(organisation=city.dept_a).state == Assignment.State.RETURNED
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["returned", "redispatched"]


def test_a_refused_return_goes_back_with_its_clock(city: City, actors: Actors) -> None:
    appeal = in_progress(city, actors)
    deadline = appeal.deadline
    actions.do_return(appeal, "unclear", "诉求内容不清楚", acting_user=actors.handler_a)
    actions.do_refuse_return(
        reload(appeal), "内容清楚，属于职责范围", acting_user=actors.dispatcher
    )
    appeal = reload(appeal)
    assert appeal.status == Status.IN_PROGRESS and appeal.deadline == deadline
    assert appeal.assignments.get(ended_at__isnull=True).state == Assignment.State.SIGNED


def test_bulk_dispatch_reports_each_appeal(city: City, actors: Actors) -> None:
    first, second = new_appeal(city), new_appeal(city, phone="13700002222")
    actions.do_reject(second, RejectionReason.objects.first(), acting_user=actors.dispatcher)
    route = actions.Route(city.dept_a)
    result = actions.do_bulk(
        [first, reload(second)],
        lambda appeal: actions.do_dispatch(appeal, route, acting_user=actors.dispatcher),
    )
    assert result.done == [first.number] and second.number in result.failed


# --- Handling -----------------------------------------------------------------------------------


def test_asking_the_citizen_pauses_the_clock(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = in_progress(city, actors)
        deadline = appeal.deadline
        actions.do_request_info(appeal, "请提供路灯的具体位置", acting_user=actors.handler_a)
    assert reload(appeal).status == Status.AWAITING_CITIZEN
    # Tue 3 Jun 09:00 → Thu 5 Jun 10:00: two working days and a bit → three days added.
    with time_machine.travel(at(2025, 6, 5, 10), tick=False):
        actions.do_supply_info(reload(appeal), "在3号楼北侧", acting_user=AnonymousUser())
    appeal = reload(appeal)
    assert appeal.status == Status.IN_PROGRESS and appeal.paused_at is None
    assert appeal.deadline == at(2025, 6, 25, 23, 59, 59) and deadline == at(
        2025, 6, 20, 23, 59, 59
    )


def test_reply_waits_for_co_handlers_until_their_due_date(city: City, actors: Actors) -> None:
    appeal = in_progress(city, actors, co=(city.dept_b,))
    draft = actions.ReplyDraft("已经安排维修人员修复路灯，现已恢复照明。")
    with pytest.raises(ValidationError, match="协办单位尚未提交意见"):
        actions.do_submit_reply(appeal, draft, acting_user=actors.handler_a)
    actions.do_sign(appeal, acting_user=actors.handler_b)
    actions.do_submit_co_opinion(appeal, "已配合现场核查", acting_user=actors.handler_b)
    actions.do_submit_reply(reload(appeal), draft, acting_user=actors.handler_a)
    assert reload(appeal).status == Status.REPLIED


def test_co_handlers_cannot_reply_and_outsiders_cannot_act(city: City, actors: Actors) -> None:
    appeal = in_progress(city, actors, co=(city.dept_b,))
    actions.do_sign(appeal, acting_user=actors.handler_b)
    draft = actions.ReplyDraft("协办单位越权答复的内容，应被拒绝。")
    with pytest.raises(PermissionDenied):
        actions.do_submit_reply(appeal, draft, acting_user=actors.handler_b)
    with pytest.raises(PermissionDenied):
        actions.do_add_note(appeal, "外单位备注", acting_user=actors.dept_admin_a)


def test_review_sends_back_or_publishes(city: City, actors: Actors) -> None:
    appeal = replied(city, actors)
    with pytest.raises(ValidationError, match="退回理由"):
        actions.do_review_reply(appeal, False, acting_user=actors.dispatcher)
    actions.do_review_reply(
        appeal, False, note="答非所问，请重新答复", acting_user=actors.dispatcher
    )
    appeal = reload(appeal)
    assert appeal.status == Status.IN_PROGRESS and appeal.published_at is None
    actions.do_submit_reply(
        appeal,
        actions.ReplyDraft("路灯已于昨日修复，经回访恢复正常。"),
        acting_user=actors.handler_a,
    )
    actions.do_review_reply(reload(appeal), True, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.status == Status.CLOSED and appeal.published_at and appeal.evaluation_token_hash
    assert [r.review for r in appeal.replies.order_by("submitted_at")] == ["rejected", "approved"]


def test_confidential_appeals_are_never_published(city: City, actors: Actors) -> None:
    appeal = closed(city, actors, is_confidential=True)
    assert appeal.status == Status.CLOSED and appeal.published_at is None


def test_direct_answer_closes_without_dispatch(city: City, actors: Actors) -> None:
    appeal = new_appeal(city, appeal_type="consultation")
    actions.do_answer_directly(
        appeal, "公积金提取需要携带身份证和购房合同到中心办理。", acting_user=actors.intake
    )
    appeal = reload(appeal)
    assert appeal.status == Status.CLOSED and appeal.lead_department == city.centre
    assert not appeal.assignments.exists()


# --- Deadlines ----------------------------------------------------------------------------------


def test_extension_before_expiry_moves_the_deadline_in_working_days(
    city: City, actors: Actors
) -> None:
    with time_machine.travel(at(2024, 9, 20, 9), tick=False):
        appeal = in_progress(city, actors)
        assert appeal.deadline == at(2024, 10, 14, 23, 59, 59)
        extension = actions.do_request_extension(
            appeal, 3, "需要协调施工单位", acting_user=actors.handler_a
        )
        with pytest.raises(ValidationError, match="待审核"):
            actions.do_request_extension(
                reload(appeal), 2, "再申请一次", acting_user=actors.handler_a
            )
        actions.do_decide_extension(extension, True, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.deadline == at(2024, 10, 17, 23, 59, 59)
    assert "2024-10-17" in appeal.events.get(kind="extension_approved").public_note


def test_no_extension_after_expiry(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 3, 3, 9), tick=False):
        appeal = in_progress(city, actors)
    with (
        time_machine.travel(at(2025, 4, 30, 9), tick=False),
        pytest.raises(ValidationError, match="已超过办理期限"),
    ):
        actions.do_request_extension(appeal, 2, "来不及了", acting_user=actors.handler_a)


def test_urging_and_supervision(city: City, actors: Actors) -> None:
    appeal = in_progress(city, actors)
    actions.do_urge(appeal, "请尽快办理", acting_user=actors.supervisor)
    supervision = actions.do_supervise(
        reload(appeal), 2, "请于三日内反馈办理情况", 3, acting_user=actors.supervisor
    )
    with pytest.raises(PermissionDenied):
        actions.do_supervise(reload(appeal), 1, "派单员不能督办", 3, acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.urge_count == 1 and appeal.supervision_level == 2
    actions.do_answer_supervision(supervision, "已于今日修复", acting_user=actors.handler_a)
    supervision.refresh_from_db()
    assert supervision.state == "answered" and supervision.answered_by == actors.handler_a


# --- Evaluation, reopening, merging --------------------------------------------------------------


def token_for(appeal: Appeal) -> str:
    """Issue a fresh token as the publishing step does (tests cannot read the hashed one)."""
    token = numbers.new_token()
    Appeal.objects.filter(pk=appeal.pk).update(
        evaluation_token_hash=numbers.digest(appeal.number, token)
    )
    return token


def test_the_evaluation_link_works_once(city: City, actors: Actors) -> None:
    appeal = closed(city, actors)
    token = token_for(appeal)
    verdict = actions.Verdict("resolved", "satisfied", "很好")
    with pytest.raises(PermissionDenied):
        actions.do_evaluate(appeal, verdict, acting_user=AnonymousUser(), token="forged")
    actions.do_evaluate(appeal, verdict, acting_user=AnonymousUser(), token=token)
    appeal = reload(appeal)
    assert appeal.status == Status.EVALUATED and appeal.satisfaction == "satisfied"
    with pytest.raises(PermissionDenied):
        actions.do_evaluate(appeal, verdict, acting_user=AnonymousUser(), token=token)


def test_dissatisfaction_opens_a_reopen_review_and_redo_restarts(
    city: City, actors: Actors
) -> None:
    appeal = closed(city, actors)
    actions.do_evaluate(
        appeal,
        actions.Verdict("unresolved", "dissatisfied", "灯还是不亮"),
        acting_user=AnonymousUser(),
        token=token_for(appeal),
    )
    appeal = reload(appeal)
    assert appeal.status == Status.REOPEN_REQUESTED
    actions.do_decide_reopen(appeal, "redo", "请原单位重新核查", acting_user=actors.dispatcher)
    appeal = reload(appeal)
    assert appeal.status == Status.DISPATCHED and appeal.reopen_count == 1
    assert appeal.closed_at is None and appeal.published_at is None
    assert appeal.assignments.get(ended_at__isnull=True).organisation == city.dept_a


def test_a_reopen_review_may_keep_the_appeal_closed(city: City, actors: Actors) -> None:
    appeal = closed(city, actors)
    actions.do_record_callback(
        appeal, actions.Verdict("partly", "dissatisfied"), acting_user=actors.intake
    )
    actions.do_decide_reopen(
        reload(appeal), "maintain", "已按政策答复，维持办结", acting_user=actors.dispatcher
    )
    appeal = reload(appeal)
    assert appeal.status == Status.EVALUATED
    assert Evaluation.objects.get(appeal=appeal).source == "callback"


def test_merged_citizens_get_the_masters_reply_and_their_own_evaluation(
    city: City, actors: Actors, django_capture_on_commit_callbacks
) -> None:
    master = dispatched(city, actors)
    secondary = new_appeal(city, phone="13700009999")
    actions.do_merge(secondary, master, acting_user=actors.dispatcher)
    secondary = reload(secondary)
    assert secondary.status == Status.MERGED and secondary.merged_into == master
    with pytest.raises(ValidationError):
        actions.do_merge(
            new_appeal(city, phone="13700008888"), secondary, acting_user=actors.dispatcher
        )
    actions.do_sign(master, acting_user=actors.handler_a)
    actions.do_submit_reply(
        reload(master),
        actions.ReplyDraft("路灯已修复，恢复正常照明。"),
        acting_user=actors.handler_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_review_reply(reload(master), True, acting_user=actors.dispatcher)
    secondary = reload(secondary)
    assert secondary.evaluation_token_hash
    sms = Message.objects.filter(to_address="13700009999", body__contains="已答复").get()
    assert "路灯已修复" in sms.body
    actions.do_evaluate(
        secondary,
        actions.Verdict("unresolved", "dissatisfied"),
        acting_user=AnonymousUser(),
        token=token_for(secondary),
    )
    assert reload(master).status == Status.REOPEN_REQUESTED


def test_unmerge_puts_the_appeal_back_in_the_queue(city: City, actors: Actors) -> None:
    master, secondary = new_appeal(city), new_appeal(city, phone="13700009999")
    actions.do_merge(secondary, master, acting_user=actors.dispatcher)
    actions.do_unmerge(reload(secondary), acting_user=actors.dispatcher)
    secondary = reload(secondary)
    assert secondary.status == Status.ACCEPTED and secondary.merged_into is None


def test_flagging_can_block_the_contact(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    actions.do_flag_malicious(appeal, "反复辱骂工作人员", acting_user=actors.dispatcher, block=True)
    assert reload(appeal).is_malicious
    with pytest.raises(ValidationError, match="限制"):
        submit(city)


# --- Safety -------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_a_clear_message(city: City, actors: Actors) -> None:
    appeal = new_appeal(city)
    seen = appeal.version
    actions.do_dispatch(
        appeal, actions.Route(city.dept_a), acting_user=actors.dispatcher, expected_version=seen
    )
    with pytest.raises(ConflictError, match="已被他人处理"):
        actions.do_dispatch(
            appeal, actions.Route(city.dept_b), acting_user=actors.dispatcher, expected_version=seen
        )
    assert reload(appeal).assignments.filter(ended_at__isnull=True).count() == 1


def test_the_whole_loop_writes_one_audit_row_per_change_and_the_chain_holds(
    city: City, actors: Actors
) -> None:
    appeal = closed(city, actors)
    actions.do_evaluate(
        appeal,
        actions.Verdict("resolved", "satisfied"),
        acting_user=AnonymousUser(),
        token=token_for(appeal),
    )
    names = list(
        AuditEvent.objects.filter(object_id=str(appeal.pk), object_type="appeals.appeal")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert names == [
        "appeals.submitted",
        "appeals.dispatched",
        "appeals.signed",
        "appeals.replied",
        "appeals.reply_approved",
        "appeals.evaluated",
    ]
    assert audit_chain_intact()
    assert Reply.objects.get(appeal=appeal).review == "approved"
