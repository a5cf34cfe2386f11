"""Reference rows (the org directory's divisions, the catalogue's categories) read by primary
key through the cache (`zhengwu.lib.cache.cached`) instead of the database.

Every public submission names a county, a street and a category; reading the three by query
costs about a millisecond of Python per submission (a fifth of the form's work), for rows that
change a few times a year. A row is cached on first use and dropped whenever it is saved or
deleted (`watch`); the expiry bounds a change made without signals (a queryset `update`).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from zhengwu.lib.cache import cached, drop_on_change

SECONDS = 300


def _key(model: type[models.Model], pk: Any) -> str:
    return f"ref:{model._meta.label_lower}:{pk}"


def row(model: type[models.Model], pk: Any) -> models.Model | None:
    """The row with this primary key, or None. Raises ValidationError for a value that is not
    a primary key at all."""
    pk = model._meta.pk.to_python(pk)
    return cached(
        _key(model, pk),
        lambda: model._base_manager.filter(pk=pk).first(),
        SECONDS,
        keep=lambda found: found is not None,
    )


def _key_of(instance: models.Model) -> str:
    return _key(type(instance), instance.pk)


def watch(*watched: type[models.Model]) -> None:
    for model in watched:
        drop_on_change(model, _key_of)
