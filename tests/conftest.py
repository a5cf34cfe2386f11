from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from tests.factories import Actors, City, build_actors, build_city
from zhengwu.lib.cache import forget_local


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    forget_local()


# Rows that data migrations install: transactional tests flush them when they end, and
# `serialized_rollback` cannot be relied on to bring them back (browser tests run their database
# work on connections of Playwright's event loop), so transactional tests re-run the migrations'
# own idempotent functions.
SEEDS = [
    ("zhengwu.appeals.migrations.0002_rejection_reasons", "add"),
    ("zhengwu.dispatch.migrations.0002_default_time_limits", "install"),
]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    for module, forward in SEEDS:
        getattr(import_module(module), forward)(django_apps, None)


@pytest.fixture
def city(db) -> City:
    return build_city()


@pytest.fixture
def actors(city: City) -> Actors:
    return build_actors(city)
