from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from tests.factories import Actors, City
from zhengwu.audit import registry
from zhengwu.audit.chain import chain_pending
from zhengwu.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from zhengwu.audit.record import record
from zhengwu.audit.verify import verify_chain
from zhengwu.org import actions

pytestmark = pytest.mark.django_db


def make_events(city: City, n: int = 5) -> list[AuditEvent]:
    """n rows, chained (as the background chainer does after their commit)."""
    events = [
        record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": i, "phone": "13812345678"})
        for i in range(n)
    ]
    chain_pending()
    for event in events:
        event.refresh_from_db()
    return events


def raw_sql(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies(city: City) -> None:
    make_events(city)
    report = verify_chain()
    assert report.ok and report.checked == 5


def test_events_are_chained_and_masked(city: City) -> None:
    first, second = make_events(city, 2)
    assert second.prev_hash == first.hash and second.seq == first.seq + 1
    assert first.summary["phone"] == "138****5678"
    assert first.object_type == "org.organisation" and first.object_id == str(city.dept_a.pk)


def test_an_edited_row_breaks_the_chain(city: City) -> None:
    events = make_events(city)
    raw_sql("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["999", events[2].seq])
    report = verify_chain()
    assert report.first_break.seq == events[2].seq and "修改" in report.first_break.reason


def test_a_deleted_row_breaks_the_chain(city: City) -> None:
    events = make_events(city)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    assert verify_chain().first_break.seq == events[1].seq


def test_a_deleted_tail_is_detected(city: City) -> None:
    events = make_events(city)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    assert verify_chain().first_break.seq == events[-1].seq


def test_an_inserted_row_breaks_the_chain(city: City) -> None:
    events = make_events(city)
    # Forge a row that claims a place in the middle: renumber to make room, then insert.
    forged = AuditEvent(
        seq=10_000,
        created_at=events[2].created_at,
        action=registry.ADMIN_SAVED,
        prev_hash=events[1].hash,
        summary={},
    )
    forged.hash = forged.compute_hash()
    forged.save()
    raw_sql(
        "UPDATE audit_auditevent SET seq = seq + 1000 WHERE seq >= %s AND seq < 10000",
        [events[2].seq],
    )
    raw_sql("UPDATE audit_auditevent SET seq = %s WHERE seq = 10000", [events[2].seq])
    assert not verify_chain().ok


def test_the_command_reports_the_break(city: City) -> None:
    events = make_events(city)
    call_command("verify_audit")
    raw_sql("UPDATE audit_auditevent SET summary = %s WHERE seq = %s", ['{"n": 7}', events[3].seq])
    with pytest.raises(CommandError, match=f"第 {events[3].seq} 条"):
        call_command("verify_audit")


def test_rows_cannot_be_changed_or_deleted_through_the_orm(city: City) -> None:
    event = make_events(city, 1)[0]
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_unregistered_actions_are_refused() -> None:
    with pytest.raises(ValueError, match="unregistered"):
        record("made.up")


def test_a_failed_change_leaves_no_audit_row(city: City, actors: Actors) -> None:
    before = AuditEvent.objects.count()
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_save_organisation(
            city.dept_a.name, {"short_name": "城管"}, acting_user=actors.sysadmin
        )
        raise RuntimeError("the request failed after the change")
    city.dept_a.refresh_from_db()
    assert city.dept_a.short_name == "" and AuditEvent.objects.count() == before
    assert AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() == head
    assert verify_chain().ok


def test_rows_are_written_unchained_and_chained_in_commit_order(city: City) -> None:
    make_events(city, 2)
    late = record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": "late"})
    early = record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": "early"})
    assert late.seq is None and late.hash == ""  # no lock, no chain work in the change itself
    report = verify_chain()
    assert report.ok and report.checked == 2 and report.unchained == 2
    assert report.oldest_unchained == late.created_at
    # Rows are chained in the order they became visible; a later id can be chained first.
    AuditEvent.objects.filter(pk=late.pk).update(id=early.pk + 100)
    assert chain_pending() == 2 and chain_pending() == 0
    early.refresh_from_db()
    moved = AuditEvent.objects.get(pk=early.pk + 100)
    assert (early.seq, moved.seq) == (3, 4) and moved.prev_hash == early.hash
    report = verify_chain()
    assert report.ok and report.checked == 4 and report.unchained == 0


def test_chaining_in_batches_continues_the_chain(city: City) -> None:
    for i in range(7):
        record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": i})
    assert chain_pending(batch=3) == 7
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 8)
    )
    assert verify_chain().ok


def test_an_edited_unchained_row_is_not_detected_until_chained(city: City) -> None:
    """The documented window: a row is protected once chained (normally within seconds)."""
    make_events(city, 1)
    event = record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": 1})
    raw_sql("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", event.pk])
    assert chain_pending() == 1 and verify_chain().ok
    raw_sql("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["998", event.pk])
    assert not verify_chain().ok


def test_the_command_chains_before_it_verifies(city: City) -> None:
    make_events(city, 2)
    record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": 2})
    out = io.StringIO()
    call_command("verify_audit", "--no-chain", stdout=out)
    assert "共 2 条" in out.getvalue() and "另有 1 条尚未入链" in out.getvalue()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "共 3 条" in out.getvalue() and "尚未入链" not in out.getvalue()


def test_the_admin_lists_rows_waiting_to_be_chained(city: City, actors: Actors) -> None:
    event = record(registry.ADMIN_SAVED, obj=city.dept_a, summary={"n": 1})
    client = Client()
    client.force_login(actors.sysadmin)  # its login is audited too, also unchained
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert page.count("待入链") >= 2
    chain_pending()
    event.refresh_from_db()
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert "待入链" not in page and f">{event.seq}</a>" in page
