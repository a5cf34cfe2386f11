"""How the platform connects to its database (settings.database_config)."""

from __future__ import annotations

import pytest
from django.db import connection

from zhengwu.settings import database_config

POSTGRES = "postgres://zhengwu@db.example.gov.cn:5432/zhengwu"


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    config = database_config()
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_the_options_in_the_database_url_are_kept(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"{POSTGRES}?sslmode=require&connect_timeout=5")
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    options = database_config()["OPTIONS"]
    assert options["sslmode"] == "require" and options["connect_timeout"] == 5
    assert options["server_side_binding"] is True


def test_an_operator_behind_an_old_pooler_turns_prepared_statements_off(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")
    assert "server_side_binding" not in database_config().get("OPTIONS", {})


def test_sqlite_keeps_its_own_options(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///tmp/zhengwu-settings-test.sqlite3")
    options = database_config()["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "server_side_binding" not in options


@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared_on_the_server() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from zhengwu.org.models import Organisation

    for _ in range(6):
        list(Organisation.objects.filter(name="无此单位"))
    with connection.cursor() as cursor:
        cursor.execute("select statement from pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "org_organisation"' in statement for statement in prepared), prepared
