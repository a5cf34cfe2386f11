"""Contract tests: the served OpenAPI document is the one kept in docs/openapi.json, and
schemathesis fuzzes every operation against it (no 500s; status codes, content types and bodies
as documented), with a bounded number of examples so `make test` stays quick."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api_helpers import partner, token_for
from tests.appeal_helpers import new_appeal
from tests.factories import Actors, City
from zhengwu.wsgi import application

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
SCHEMA_URL = "/api/v1/openapi.json"

schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)


@pytest.mark.django_db
def test_the_served_document_is_the_one_in_the_repository(client) -> None:
    served = client.get(SCHEMA_URL).json()
    kept = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert served == kept, "docs/openapi.json is stale: run `make openapi` and commit it"


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """Schemathesis calls the real WSGI application, whose request signals close the database
    connection, and with it the test's transaction; Django's own test client detaches them
    the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def auth_headers(
    city: City, actors: Actors, settings, _keep_connection: None
) -> dict[str, dict[str, str]]:
    settings.API_TOKEN_RATE_LIMIT = settings.API_ANON_RATE_LIMIT = 100_000
    new_appeal(city)  # something to list and find
    return {
        "staff": {"Authorization": f"Bearer {token_for(actors.dispatcher)}"},
        "partner": {"Authorization": f"Bearer {partner(rate_limit=100_000)[1]}"},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_contract(case, auth_headers) -> None:
    caller = "partner" if case.path.startswith("/api/v1/webhooks") else "staff"
    # Schema-valid but meaningless input (an unknown category id, a made-up cursor) is rightly a
    # 400, so "valid data must be accepted" does not apply; every other check does.
    case.call_and_validate(headers=auth_headers[caller], excluded_checks=[positive_data_acceptance])
