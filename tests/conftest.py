from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import Actors, City, build_actors, build_city


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def city(db) -> City:
    return build_city()


@pytest.fixture
def actors(city: City) -> Actors:
    return build_actors(city)
