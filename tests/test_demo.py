from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import audit_chain_intact
from zhengwu.audit.models import AuditEvent
from zhengwu.org import access
from zhengwu.org.demo import ACCOUNTS
from zhengwu.org.models import Division, Organisation, Role, User

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Division, Organisation, User, AuditEvent))


def test_the_demo_city_loads_once_and_again_changes_nothing(settings) -> None:
    call_command("load_demo_city", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("load_demo_city", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    assert audit_chain_intact()


def test_the_demo_city_has_the_expected_shape() -> None:
    call_command("load_demo_city", stdout=open("/dev/null", "w"))  # noqa: SIM115
    municipal = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPAL).count()
    assert municipal >= 40
    assert Organisation.objects.filter(
        name="金水区人民政府", kind=Organisation.Kind.DISTRICT
    ).exists()
    assert Organisation.objects.filter(kind=Organisation.Kind.DEV_ZONE).count() == 4
    assert Division.objects.filter(level=Division.Level.COMMUNITY).exists()
    roles = {a.role for a in ACCOUNTS if a.role}
    assert roles == set(Role)
    for account in ACCOUNTS:
        user = User.objects.get(username=account.login)
        if account.role:
            assert access.has_role(user, account.role)


def test_the_demo_hub_loads_once_and_again_changes_nothing() -> None:
    """`load_demo` without the five weeks of history (those take a minute): the city, the
    catalogue, smart dispatch, the sample appeals walked through the workflow, the templates."""
    from zhengwu.appeals.models import AnswerTemplate, Appeal, AppealEvent

    call_command("load_demo", "--no-history", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = (Appeal.objects.count(), AppealEvent.objects.count(), AnswerTemplate.objects.count())
    assert first[0] >= 6
    assert set(AnswerTemplate.objects.values_list("kind", flat=True)) == set(AnswerTemplate.Kind)
    assert Appeal.objects.exclude(status="received").exists()  # the samples moved on
    call_command("load_demo", "--no-history", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Appeal.objects.count(),
        AppealEvent.objects.count(),
        AnswerTemplate.objects.count(),
    ) == first
    assert audit_chain_intact()
