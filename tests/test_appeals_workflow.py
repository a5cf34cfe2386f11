"""The transition table, walked pair by pair."""

from __future__ import annotations

import itertools

import pytest

from tests.appeal_helpers import new_appeal
from tests.factories import City
from zhengwu.appeals.models import AppealEvent
from zhengwu.appeals.workflow import OPEN, TRANSITIONS, Status, TransitionError, transition

pytestmark = pytest.mark.django_db

PAIRS = list(itertools.product(Status, Status))


def test_the_table_names_every_state() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert all(targets <= set(Status) for targets in TRANSITIONS.values())


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_every_pair_is_allowed_exactly_when_the_table_says(
    city: City, source: str, target: str
) -> None:
    appeal = new_appeal(city)
    appeal.status = source
    before = AppealEvent.objects.filter(appeal=appeal).count()
    if target in TRANSITIONS[Status(source)]:
        event = transition(appeal, Status(target), actor=None, kind="test")
        assert appeal.status == target
        assert (event.from_status, event.to_status) == (source, target)
    else:
        with pytest.raises(TransitionError, match="不能执行此操作"):
            transition(appeal, Status(target), actor=None, kind="test")
        assert appeal.status == source
        assert AppealEvent.objects.filter(appeal=appeal).count() == before


def test_rejected_is_final_and_closed_states_are_not_open() -> None:
    assert TRANSITIONS[Status.REJECTED] == frozenset()
    assert {Status.CLOSED, Status.EVALUATED, Status.REJECTED, Status.MERGED}.isdisjoint(OPEN)


def test_events_are_append_only(city: City) -> None:
    event = AppealEvent.objects.filter(appeal=new_appeal(city)).first()
    with pytest.raises(RuntimeError):
        event.save()
