"""Reference rows (the org directory's divisions, the catalogue's categories) read by primary
key from the shared cache instead of the database.

Every public submission names a county, a street and a category; reading the three by query
costs about a millisecond of Python per submission (a fifth of the form's work), for rows that
change a few times a year. A row is cached on first use and dropped whenever it is saved or
deleted (`watch`), now and again after commit; the expiry bounds a change made without
signals (a queryset `update`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

from zhengwu.lib.cache import drop

SECONDS = 300


def _key(model: type[models.Model], pk: Any) -> str:
    return f"ref:{model._meta.label_lower}:{pk}"


def rows(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, models.Model]:
    """{pk: row} for those of `pks` that exist (one cache round trip when all are cached).
    Raises ValidationError for a key that is not a primary key value at all."""
    to_python = model._meta.pk.to_python
    keys = {_key(model, to_python(pk)): to_python(pk) for pk in pks}
    found = cache.get_many(list(keys))
    result = {keys[k]: row for k, row in found.items()}
    missing = [pk for k, pk in keys.items() if k not in found]
    if missing:
        fetched = model._base_manager.in_bulk(missing)
        cache.set_many({_key(model, pk): row for pk, row in fetched.items()}, SECONDS)
        result.update(fetched)
    return result


def forget(sender: type[models.Model], instance: models.Model, **_signal: Any) -> None:
    drop(_key(sender, instance.pk))


def watch(*watched: type[models.Model]) -> None:
    for model in watched:
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, dispatch_uid=f"refcache:{model._meta.label}")
