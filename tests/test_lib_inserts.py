"""Rows written through lib.inserts are the rows Django itself would write."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhengwu.appeals.models import Appeal, AppealEvent
from zhengwu.audit.models import AuditEvent
from zhengwu.lib import inserts
from zhengwu.notifications.models import Channel, Message

WHEN = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def _stored(obj) -> dict:
    """Every column of the object's row, read back."""
    model = type(obj)
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return model.objects.filter(pk=obj.pk).values(*names).get()


def _audit(**changes) -> AuditEvent:
    fields = {
        "created_at": WHEN,
        "action": "appeal.submitted",
        "object_type": "appeals.appeal",
        "object_id": "42",
        "summary": {"channel": "partner", "contact_phone": "139****1111", "n": [1, 2]},
        "ip": "203.0.113.9",
    }
    return AuditEvent(**(fields | changes))


@pytest.mark.django_db
def test_a_new_row_is_stored_as_djangos_own_insert_stores_it() -> None:
    ours = _audit()
    ours.save()
    theirs = _audit()
    AuditEvent.objects.bulk_create([theirs])  # Django builds this INSERT itself
    assert ours.pk and theirs.pk and ours.pk != theirs.pk
    assert _stored(ours) == _stored(theirs)
    assert _stored(ours)["summary"] == {
        "channel": "partner",
        "contact_phone": "139****1111",
        "n": [1, 2],
    }
    assert not ours._state.adding and ours._state.db == "default"


@pytest.mark.django_db
def test_the_statement_is_built_once_and_each_save_is_one_query(monkeypatch) -> None:
    inserts._statements.clear()
    built = []
    build = inserts._build
    monkeypatch.setattr(inserts, "_build", lambda *args: built.append(args) or build(*args))
    with CaptureQueriesContext(connection) as queries:
        for n in range(3):
            Message(channel=Channel.SMS, to_address="13900001111", body=f"第{n}条").save()
    assert len(queries) == 3
    heads = {q["sql"].split(" VALUES ")[0] for q in queries.captured_queries}
    assert len(heads) == 1 and heads.pop().startswith('INSERT INTO "notifications_message"')
    assert len(built) == 1 and built[0][1] == "notifications_message"
    assert Message.objects.filter(body__startswith="第").count() == 3


@pytest.mark.django_db
def test_a_value_that_is_an_expression_goes_djangos_way() -> None:
    event = _audit(created_at=Now())
    event.save()
    event.refresh_from_db()
    assert abs(event.created_at - timezone.now()) < dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_signals_and_related_object_checks_are_those_of_save() -> None:
    seen = []

    def receiver(sender, instance, created, **kwargs) -> None:
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=AuditEvent)
    try:
        event = _audit()
        event.save()
    finally:
        post_save.disconnect(receiver, sender=AuditEvent)
    assert seen == [(event.pk, True)]
    # An unsaved appeal is refused before any INSERT, as save() refuses it.
    with pytest.raises(ValueError, match="unsaved related object"):
        AppealEvent(appeal=Appeal(), kind="submitted").save()
    assert not AppealEvent.objects.exists()


def _task(**changes) -> DBTaskResult:
    fields = {
        "id": uuid.uuid4(),
        "args_kwargs": {"args": [1], "kwargs": {}},
        "priority": 0,
        "task_path": "zhengwu.appeals.tasks.analyse_appeal",
        "queue_name": "default",
        "run_after": WHEN,
        "backend_name": "default",
    }
    return DBTaskResult(**(fields | changes))


@pytest.mark.django_db
def test_new_rows_with_their_keys_go_in_one_statement() -> None:
    rows = [_task(), _task(args_kwargs={"args": [2], "kwargs": {}})]
    with CaptureQueriesContext(connection) as queries:
        inserts.insert_new(rows)
    assert len(queries) == 1
    assert all(not row._state.adding for row in rows)
    stored = DBTaskResult.objects.order_by("args_kwargs__args__0")
    assert [r.args_kwargs["args"] for r in stored] == [[1], [2]]
    assert [r.pk for r in stored] == [rows[0].pk, rows[1].pk]
    assert all(r.enqueued_at is not None for r in stored)  # auto_now_add, as bulk_create sets it


@pytest.mark.django_db
def test_a_failing_insert_writes_nothing() -> None:
    first = _task()
    inserts.insert_new([first])
    with pytest.raises(IntegrityError), transaction.atomic():
        inserts.insert_new([_task(), _task(id=first.pk)])
    assert DBTaskResult.objects.count() == 1
