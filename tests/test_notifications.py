"""The outbox: SMS, e-mail and 站内消息, delivered after commit by background tasks."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import Actors, City
from zhengwu.audit import chain
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.verify import verify_chain
from zhengwu.lib.tasks import batch
from zhengwu.notifications import queries
from zhengwu.notifications.actions import do_mark_read
from zhengwu.notifications.api import notify, notify_user
from zhengwu.notifications.checks import check_sms_backend
from zhengwu.notifications.models import Channel, Message, Status
from zhengwu.notifications.tasks import MAX_ATTEMPTS, deliver_message, requeue_stale

pytestmark = pytest.mark.django_db

PHONE = "13900001111"
MASKED_PHONE = "139****1111"


@dataclass
class Gateway:
    """A real HTTP SMS gateway on a local port, recording what it receives."""

    url: str = ""
    status: int = 200
    requests: list[dict] = field(default_factory=list)


@pytest.fixture
def gateway(settings) -> Iterator[Gateway]:
    record = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            record.requests.append(
                {
                    "authorization": self.headers.get("Authorization"),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(record.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    record.url = f"http://127.0.0.1:{server.server_port}/sms/send"
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = record.url
    settings.SMS_GATEWAY_TOKEN = "gateway-secret"
    yield record
    server.shutdown()
    server.server_close()
    thread.join()


def send_sms(captured, body: str = "您的诉求已受理。", **kwargs: object) -> Message:
    with captured(execute=True), transaction.atomic():
        message = notify(channel=Channel.SMS, to=PHONE, body=body, **kwargs)
    message.refresh_from_db()
    return message


def run_when_due(message: Message) -> None:
    """What the worker does once the retry is due."""
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    deliver_message.call(message.pk)
    message.refresh_from_db()


def test_it_sends_only_after_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = notify(
            channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理"
        )
        assert mailoutbox == []
        assert Message.objects.get(pk=message.pk).status == Status.PENDING
    message.refresh_from_db()
    assert len(mailoutbox) == 1
    assert message.status == Status.SENT and message.sent_at is not None
    assert message.attempts == 1


def test_a_rolled_back_transaction_leaves_no_message_and_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="zhengwu.notifications")
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notify(channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理")
        notify(channel=Channel.SMS, to=PHONE, body="已受理")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert mailoutbox == [] and "SMS to" not in caplog.text


def test_email_goes_through_djangos_mail(django_capture_on_commit_callbacks, mailoutbox) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(channel=Channel.EMAIL, to=" Zhang@Example.com ", subject="办理\n结果", body="已办结")
    [mail] = mailoutbox
    assert mail.to == ["zhang@example.com"]
    assert mail.subject == "办理 结果" and mail.body == "已办结"


def test_the_gateway_receives_json_and_the_bearer_token(
    gateway: Gateway, django_capture_on_commit_callbacks
) -> None:
    message = send_sms(django_capture_on_commit_callbacks, body="您的诉求已办结，请评价。")
    assert message.status == Status.SENT
    assert gateway.requests == [
        {
            "authorization": "Bearer gateway-secret",
            "json": {
                "phone": PHONE,
                "content": "您的诉求已办结，请评价。",
                "signature": "【政务服务】",
            },
        }
    ]


def test_a_failing_gateway_leaves_the_message_pending_for_a_retry_in_a_minute(
    gateway: Gateway, django_capture_on_commit_callbacks
) -> None:
    gateway.status = 500
    before = timezone.now()
    message = send_sms(django_capture_on_commit_callbacks)
    assert message.status == Status.PENDING and message.attempts == 1
    assert "500" in message.last_error
    wait = message.next_attempt_at - before
    assert dt.timedelta(seconds=55) < wait < dt.timedelta(seconds=65)
    # The immediate backend cannot defer the retry; running the task early does nothing.
    assert len(gateway.requests) == 1
    deliver_message.call(message.pk)
    assert len(gateway.requests) == 1


def test_retries_back_off_and_the_message_fails_after_max_attempts(
    gateway: Gateway, django_capture_on_commit_callbacks
) -> None:
    gateway.status = 503
    message = send_sms(django_capture_on_commit_callbacks)
    waits = []
    while message.status == Status.PENDING:
        waits.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 60))
        run_when_due(message)
    assert waits == [1, 2, 4, 8, 16]
    assert message.status == Status.FAILED and message.attempts == MAX_ATTEMPTS
    assert message.next_attempt_at is None and len(gateway.requests) == MAX_ATTEMPTS
    run_when_due(message)
    assert len(gateway.requests) == MAX_ATTEMPTS


def test_an_unreachable_gateway_is_a_failed_attempt(
    gateway: Gateway, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/nothing-listens-here"
    message = send_sms(django_capture_on_commit_callbacks)
    assert message.status == Status.PENDING and message.attempts == 1
    assert "SmsDeliveryError" in message.last_error


def test_the_gateway_without_a_url_is_a_configuration_error(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = ""
    [error] = check_sms_backend()
    assert error.id == "notifications.E001" and "SMS_GATEWAY_URL" in error.msg
    message = send_sms(django_capture_on_commit_callbacks)
    # The message waits for the operator to fix the settings; it is not failed.
    assert message.status == Status.PENDING
    with pytest.raises(ImproperlyConfigured):
        run_when_due(message)


def test_the_console_backend_never_logs_the_phone_number(
    django_capture_on_commit_callbacks, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="zhengwu.notifications")
    message = send_sms(django_capture_on_commit_callbacks, body=f"号码{PHONE}已登记。")
    assert message.status == Status.SENT
    assert MASKED_PHONE in caplog.text
    assert PHONE not in caplog.text


def test_requeue_stale_resends_lost_messages_and_ignores_fresh_ones(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:
    # No callbacks run: both tasks are lost, as when the process dies right after commit.
    lost = notify(channel=Channel.EMAIL, to="lost@example.com", subject="受理", body="已受理")
    fresh = notify(channel=Channel.EMAIL, to="fresh@example.com", subject="受理", body="已受理")
    Message.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == Status.SENT and fresh.status == Status.PENDING
    assert [mail.to for mail in mailoutbox] == [["lost@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale() == 0


def test_requeue_stale_leaves_site_and_finished_messages_alone(actors: Actors) -> None:
    notify(channel=Channel.SITE, recipient=actors.citizen, body="已受理")
    failed = notify(channel=Channel.SMS, to=PHONE, body="已受理")
    Message.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    later = timezone.now() + dt.timedelta(hours=1)
    assert requeue_stale(now=later) == 0


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    # db_worker installs its own SIGINT/SIGTERM handlers and leaves them in place.
    names = [name for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


@pytest.fixture
def database_tasks(settings, restore_signal_handlers, monkeypatch) -> None:
    # django_tasks rebuilds its backends when TASKS changes (and again when the test ends).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # This process has not asked for the audit chainer yet (it asks at most once a second).
    monkeypatch.setattr(chain, "_asked_until", 0.0)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_the_message(database_tasks, mailoutbox) -> None:
    message = notify(channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理")
    assert DBTaskResult.objects.count() == 1
    assert mailoutbox == []
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [mail.to for mail in mailoutbox] == [["zhang@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_defers_the_retry(database_tasks, gateway: Gateway) -> None:
    gateway.status = 500
    message = notify(channel=Channel.SMS, to=PHONE, body="已受理")
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at
    assert len(gateway.requests) == 1  # not due yet: the batch worker left it


def test_site_messages_are_in_the_inbox_at_once(actors: Actors) -> None:
    older = notify(channel=Channel.SITE, recipient=actors.citizen, subject="受理", body="已受理")
    newer = notify(channel=Channel.SITE, recipient=actors.citizen, subject="办结", body="已办结")
    assert older.status == Status.SENT and older.sent_at is not None
    assert queries.inbox(actors.citizen) == [newer, older]
    assert queries.unread_count(actors.citizen) == 2
    assert queries.inbox(actors.intake) == []


def test_marking_read_is_idempotent(actors: Actors) -> None:
    message = notify(channel=Channel.SITE, recipient=actors.citizen, body="已受理")
    first = do_mark_read(message, acting_user=actors.citizen).read_at
    assert first is not None and queries.unread_count(actors.citizen) == 0
    assert do_mark_read(message, acting_user=actors.citizen).read_at == first


def test_marking_someone_elses_message_read_is_refused(actors: Actors) -> None:
    message = notify(channel=Channel.SITE, recipient=actors.citizen, body="已受理")
    with pytest.raises(PermissionDenied):
        do_mark_read(message, acting_user=actors.handler_a)
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.parametrize("phone", ["1390000111", "23900001111", "139-0000-111", ""])
def test_an_invalid_mobile_number_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError, match="11位中国大陆手机号码"):
        notify(channel=Channel.SMS, to=phone, body="已受理")
    assert not Message.objects.exists()


@pytest.mark.parametrize("address", ["zhang", "zhang@", "zhang@example", ""])
def test_an_invalid_email_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="电子邮箱地址无效"):
        notify(channel=Channel.EMAIL, to=address, subject="受理", body="已受理")
    assert not Message.objects.exists()


def test_a_site_message_needs_a_recipient_and_every_message_a_body(actors: Actors) -> None:
    with pytest.raises(ValidationError, match="接收人"):
        notify(channel=Channel.SITE, body="已受理")
    with pytest.raises(ValidationError, match="内容"):
        notify(channel=Channel.SITE, recipient=actors.citizen, body="  ")
    assert not Message.objects.exists()


def test_notify_user_uses_every_channel_the_user_can_receive(city: City, actors: Actors) -> None:
    staff = actors.handler_a
    staff.phone, staff.email = "13700002222", "handler@example.gov.cn"
    staff.save()
    messages = notify_user(staff, subject="新工单", body="请及时处理。", about=city.dept_a)
    assert {(m.channel, m.to_address) for m in messages} == {
        (Channel.SMS, "13700002222"),
        (Channel.EMAIL, "handler@example.gov.cn"),
        (Channel.SITE, ""),
    }
    assert {(m.about_type, m.about_id) for m in messages} == {
        ("org.organisation", str(city.dept_a.pk))
    }
    [site] = notify_user(actors.intake, subject="新工单", body="请及时处理。")
    assert site.channel == Channel.SITE and site.recipient == actors.intake


def test_notify_user_skips_closed_accounts(actors: Actors) -> None:
    actors.handler_b.is_active = False
    actors.handler_b.save()
    assert notify_user(actors.handler_b, subject="新工单", body="请及时处理。") == []


def test_an_sms_without_an_address_goes_to_the_recipients_phone(actors: Actors) -> None:
    message = notify(channel=Channel.SMS, recipient=actors.citizen, body="已受理")
    assert message.to_address == PHONE


def test_addresses_are_never_shown_in_clear(actors: Actors) -> None:
    sms = notify(channel=Channel.SMS, to=PHONE, recipient=actors.citizen, body=f"号码{PHONE}")
    email = notify(channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理")
    assert PHONE not in str(sms) and MASKED_PHONE in str(sms)
    assert "zhang@" not in str(email)
    client = Client()
    client.force_login(actors.sysadmin)
    pages = [
        client.get(url)
        for url in [
            "/admin/notifications/message/",
            f"/admin/notifications/message/{sms.pk}/change/",
            f"/admin/notifications/message/{email.pk}/change/",
        ]
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    text = "".join(page.content.decode() for page in pages)
    assert PHONE not in text and "zhang@" not in text
    assert MASKED_PHONE in text and "z***@example.com" in text
    assert client.get("/admin/notifications/message/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_runs(database_tasks) -> None:
    # The queue lives in this database: the task row is part of the caller's transaction.
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理")
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the use case failed after asking for the message")
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_tasks_asked_for_in_a_batch_are_written_in_one_insert(database_tasks, mailoutbox) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with batch():
            for to in ("zhang@example.com", "li@example.com"):
                notify(channel=Channel.EMAIL, to=to, subject="受理", body="已受理")
            assert not DBTaskResult.objects.exists()
        assert DBTaskResult.objects.count() == 2
    inserts = [q for q in queries.captured_queries if 'INSERT INTO "django_tasks' in q["sql"]]
    assert len(inserts) == 1
    run_worker()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["li@example.com", "zhang@example.com"]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_fails_writes_no_task(database_tasks) -> None:
    with pytest.raises(RuntimeError), transaction.atomic(), batch():
        notify(channel=Channel.EMAIL, to="zhang@example.com", subject="受理", body="已受理")
        raise RuntimeError("the use case failed after asking for the message")
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded")
def test_a_submitted_appeal_is_analysed_and_acknowledged_by_the_worker(
    database_tasks, city: City, gateway: Gateway
) -> None:
    from tests.appeal_helpers import new_appeal
    from zhengwu.dispatch.models import Suggestion

    appeal = new_appeal(city)
    # Committed with the appeal, in the same transaction: the acknowledgement SMS and the
    # smart-dispatch analysis.
    # The audit chainer is asked for too, a second later, to chain whatever committed by then.
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "zhengwu.appeals.tasks.analyse_appeal",
        "zhengwu.audit.tasks.chain_audit",
        "zhengwu.notifications.tasks.deliver_message",
    ]
    chainer = DBTaskResult.objects.get(task_path="zhengwu.audit.tasks.chain_audit")
    assert chainer.run_after > timezone.now()
    assert AuditEvent.objects.filter(seq__isnull=True).exists()
    run_worker()
    assert Suggestion.objects.filter(reference=appeal.pk).exists()
    assert len(gateway.requests) == 1
    assert appeal.number in json.dumps(gateway.requests[0], ensure_ascii=False)
    assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
        ("zhengwu.appeals.tasks.analyse_appeal", "SUCCESSFUL"),
        ("zhengwu.notifications.tasks.deliver_message", "SUCCESSFUL"),
        ("zhengwu.audit.tasks.chain_audit", "READY"),  # not due yet
    }
    DBTaskResult.objects.filter(pk=chainer.pk).update(run_after=timezone.now())
    run_worker()
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert verify_chain().ok
