"""The periodic checks: urging, expiry, stale pauses — idempotent when run again."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from tests.appeal_helpers import closed, dispatched, in_progress, new_appeal, reload
from tests.factories import Actors, City
from zhengwu.appeals import actions
from zhengwu.appeals.models import Appeal, Assignment, Urge
from zhengwu.appeals.periodic import run_checks
from zhengwu.appeals.workflow import Status
from zhengwu.lib.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_urges_before_the_deadline_once(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = in_progress(city, actors)  # due Fri 20 Jun
    with time_machine.travel(at(2025, 6, 18, 9), tick=False):
        assert run_checks()["near_deadline_urges"] == 0
    with time_machine.travel(at(2025, 6, 19, 10), tick=False):
        assert run_checks()["near_deadline_urges"] == 1
        assert run_checks()["near_deadline_urges"] == 0
    urge = Urge.objects.get(appeal=appeal)
    assert urge.kind == "before_deadline" and reload(appeal).urge_count == 1


def test_urges_once_on_expiry_and_again_after_a_new_deadline(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = in_progress(city, actors)
        extension = actions.do_request_extension(
            appeal, 2, "需要协调施工单位", acting_user=actors.handler_a
        )
    with time_machine.travel(at(2025, 6, 23, 9), tick=False):
        assert run_checks()["overdue_urges"] == 1
        assert run_checks()["overdue_urges"] == 0
    Appeal.objects.filter(pk=appeal.pk).update(deadline=at(2025, 6, 24, 23, 59, 59))
    with time_machine.travel(at(2025, 6, 25, 9), tick=False):
        assert run_checks()["overdue_urges"] == 1
    assert extension.pk and Urge.objects.filter(appeal=appeal, kind="overdue").count() == 2


def test_urges_unsigned_dispatches(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = dispatched(city, actors)  # sign by 14:00 (4 office hours, lunch excluded)
    with time_machine.travel(at(2025, 6, 3, 13, 30), tick=False):
        assert run_checks()["unsigned_urges"] == 0
    with time_machine.travel(at(2025, 6, 3, 15), tick=False):
        assert run_checks()["unsigned_urges"] == 1
        assert run_checks()["unsigned_urges"] == 0
    assert Urge.objects.get(appeal=appeal).kind == "sign_overdue"


def test_no_urges_for_paused_or_finished_appeals(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        paused = in_progress(city, actors)
        actions.do_request_info(paused, "请补充照片", acting_user=actors.handler_a)
        done = closed(city, actors, phone="13700002222")
    with time_machine.travel(at(2025, 6, 6, 9), tick=False):
        counts = run_checks()
    assert counts["overdue_urges"] == counts["near_deadline_urges"] == 0
    assert not Urge.objects.filter(appeal__in=[paused, done]).exists()


def test_the_evaluation_window_expires_as_not_evaluated(city: City, actors: Actors) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = closed(city, actors)
    with time_machine.travel(at(2025, 6, 16, 9), tick=False):
        assert run_checks()["expired_evaluations"] == 0
    with time_machine.travel(at(2025, 6, 18, 9), tick=False):
        assert run_checks()["expired_evaluations"] == 1
    appeal = reload(appeal)
    assert appeal.status == Status.EVALUATED and appeal.satisfaction == "none"
    assert not appeal.evaluation_token_hash


def test_a_citizen_who_never_answers_does_not_stop_the_clock_forever(
    city: City, actors: Actors
) -> None:
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeal = in_progress(city, actors)
        actions.do_request_info(appeal, "请补充照片", acting_user=actors.handler_a)
    with time_machine.travel(at(2025, 6, 9, 9), tick=False):
        assert run_checks()["resumed_pauses"] == 0
    with time_machine.travel(at(2025, 6, 10, 10), tick=False):
        assert run_checks()["resumed_pauses"] == 1
    appeal = reload(appeal)
    assert appeal.status == Status.IN_PROGRESS and appeal.deadline > at(2025, 6, 20, 23, 59)


def test_the_command_reports_what_it_did(city: City, actors: Actors, capsys) -> None:
    new_appeal(city)
    call_command("run_periodic_checks")
    assert "overdue_urges=0" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded")
def test_two_workers_at_once_urge_each_appeal_once(city: City, actors: Actors) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL row locks (SQLite serialises them)")
    with time_machine.travel(at(2025, 6, 3, 9), tick=False):
        appeals = [in_progress(city, actors, phone=f"1370000{i:04d}") for i in range(4)]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with time_machine.travel(at(2025, 6, 23, 9), tick=False):
                run_checks()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Urge.objects.filter(kind="overdue").count() == len(appeals)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded")
def test_two_dispatchers_at_once_one_wins(city: City, actors: Actors) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL row locks (SQLite serialises them)")
    appeal = new_appeal(city)
    seen = appeal.version
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def dispatch(lead) -> None:
        try:
            barrier.wait()
            actions.do_dispatch(
                Appeal.objects.get(pk=appeal.pk),
                actions.Route(lead),
                acting_user=actors.dispatcher,
                expected_version=seen,
            )
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=dispatch, args=(lead,)) for lead in (city.dept_a, city.dept_b)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ConflictError", "ok"]
    assert Assignment.objects.filter(appeal=appeal, ended_at__isnull=True).count() == 1
