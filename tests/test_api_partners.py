"""Partner registration and keys: hashed, shown once, rotatable, revocable, audited; submissions
idempotent per partner, also when retries race."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from tests.api_helpers import APPEAL, KeyClient, partner
from tests.factories import Actors
from zhengwu.api import keys
from zhengwu.api.actions import (
    PartnerDraft,
    do_register_partner,
    do_revoke_key,
    do_rotate_key,
    do_update_partner,
)
from zhengwu.api.callers import caller_for_key
from zhengwu.api.models import ApiKey, PartnerSubmission
from zhengwu.appeals.models import Appeal
from zhengwu.audit.models import AuditEvent


@pytest.mark.django_db
def test_keys_are_stored_hashed_and_audited(actors: Actors) -> None:
    registered, raw = partner()
    stored = ApiKey.objects.get(partner=registered)
    assert raw.startswith("zw_") and len(raw) > 40
    assert stored.key_hash == keys.digest(raw) and raw not in stored.key_hash
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api.partner_registered", "api.key_issued"} <= actions
    assert raw not in str(list(AuditEvent.objects.values_list("summary", flat=True)))


@pytest.mark.django_db
def test_rotation_and_revocation(actors: Actors) -> None:
    registered, old = partner()
    key = ApiKey.objects.get(partner=registered)
    _new_key, new = do_rotate_key(key)
    assert caller_for_key(old) is None and caller_for_key(new).partner == registered
    graced, newest = do_rotate_key(
        ApiKey.objects.get(key_hash=keys.digest(new)), grace=dt.timedelta(hours=1)
    )
    assert caller_for_key(new) is not None and caller_for_key(newest) is not None
    do_revoke_key(graced)
    assert caller_for_key(newest) is None
    with pytest.raises(ValidationError):
        do_revoke_key(graced)
    assert AuditEvent.objects.filter(action="api.key_revoked").count() == 1


@pytest.mark.django_db
def test_only_a_sysadmin_manages_partners(actors: Actors) -> None:
    with pytest.raises(PermissionDenied):
        do_register_partner(PartnerDraft("dahe", "大河网"), acting_user=actors.dispatcher)
    registered, _raw = do_register_partner(
        PartnerDraft("dahe", "大河网"), acting_user=actors.sysadmin
    )
    do_update_partner(registered, acting_user=actors.sysadmin, is_active=False)
    assert caller_for_key(_raw) is None


@pytest.mark.django_db
def test_a_hotline_partner_must_act_as_an_intake_agent(actors: Actors) -> None:
    with pytest.raises(ValidationError):
        do_register_partner(PartnerDraft("hotline", "热线系统", channel="hotline"))
    _registered, raw = do_register_partner(
        PartnerDraft("hotline", "热线系统", channel="hotline", service_user=actors.intake)
    )
    response = KeyClient(raw).post("/api/v1/appeals", APPEAL)
    appeal = Appeal.objects.get(number=response.json()["number"])
    assert appeal.channel == "hotline" and appeal.entered_by == actors.intake


@pytest.mark.django_db
def test_the_commands_register_rotate_and_revoke(actors: Actors, capsys) -> None:
    call_command("create_partner", "weibo", "政务微博", "--channel", "microblog")
    raw = capsys.readouterr().out.split("API key（只显示这一次）: ")[1].split()[0]
    assert caller_for_key(raw).partner.channel == "microblog"
    prefix = ApiKey.objects.get().prefix
    call_command("api_key", "rotate", prefix)
    assert caller_for_key(raw) is None
    assert f"{prefix}… 已吊销。" in capsys.readouterr().out
    call_command("api_key", "issue", "--user", "dispatcher")
    token = capsys.readouterr().out.strip().split()[-1]
    assert caller_for_key(token).user == actors.dispatcher


@pytest.mark.django_db
def test_a_rotation_with_grace_shows_when_the_old_key_stops(actors: Actors, capsys) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)):
        call_command("create_partner", "weibo", "政务微博", "--channel", "microblog")
        raw = capsys.readouterr().out.split("API key（只显示这一次）: ")[1].split()[0]
        old = ApiKey.objects.get()
        call_command("api_key", "rotate", old.prefix, "--grace-hours", "24")
        assert f"{old.prefix}… 于 2026-11-28 17:30 失效。" in capsys.readouterr().out
        assert caller_for_key(raw).partner.slug == "weibo"  # still usable during the grace
        call_command("api_key", "list")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:4] for line in lines] == [
        [ApiKey.objects.latest("created_at").prefix, "weibo", "active", "never"],
        [old.prefix, "weibo", "expires", "2026-11-28"],
    ]


def _submit_concurrently(raw: str, attempts: int) -> list[int]:
    codes: list[int] = []
    barrier = threading.Barrier(attempts)

    def post() -> None:
        try:
            client = KeyClient(raw)
            barrier.wait()
            codes.append(
                client.post("/api/v1/appeals", {**APPEAL, "external_id": "race-1"}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_appeal(actors: Actors) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL row locks (SQLite serialises them)")
    _registered, raw = partner()
    codes = _submit_concurrently(raw, 6)
    assert sorted(codes) == [200] * 5 + [201]
    assert Appeal.objects.count() == 1 and PartnerSubmission.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_partner_has_the_documented_key(settings, capsys) -> None:
    from zhengwu.api.management.commands.load_demo_partner import DEMO_KEY

    settings.DEBUG = True
    call_command("load_demo_partner")
    call_command("load_demo_partner")  # twice changes nothing
    assert caller_for_key(DEMO_KEY).partner.slug == "dahe"
    assert ApiKey.objects.count() == 1 and DEMO_KEY in capsys.readouterr().out
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG only"):
        call_command("load_demo_partner")


@pytest.mark.django_db
def test_partner_keys_are_cached_until_they_change(actors: Actors, django_assert_num_queries):
    registered, raw = partner()
    assert caller_for_key(raw).partner == registered  # looked up, cached, last use noted
    with django_assert_num_queries(0):
        assert caller_for_key(raw).partner == registered
    do_update_partner(registered, is_active=False)
    assert caller_for_key(raw) is None
    do_update_partner(registered, is_active=True)
    assert caller_for_key(raw).partner == registered
    do_revoke_key(ApiKey.objects.get(partner=registered))
    assert caller_for_key(raw) is None
