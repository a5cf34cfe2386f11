"""Classifier versions: train and store, activate, roll back, and load the active one.

Artefacts live in the database (`ModelVersion.artefact`), so every app server and worker sees
the same versions without shared disks. A process loads an artefact once and keeps it in a
small cache keyed by version id and checksum; each use asks the database which version is
active (one indexed query), so an activation or rollback takes effect on every process at its
next prediction, with no restart and no shared memory.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.audit import registry
from zhengwu.audit.record import record
from zhengwu.dispatch import classifier
from zhengwu.dispatch.models import Category, ModelVersion
from zhengwu.org import access
from zhengwu.org.models import Role

log = logging.getLogger(__name__)

MODEL_TRAINED = registry.register("dispatch.model_trained", _("训练派单模型"))
MODEL_ACTIVATED = registry.register("dispatch.model_activated", _("启用派单模型"))
MIN_PER_LABEL = 2


@dataclass(frozen=True)
class TrainingRow:
    """One labelled message, as plain data (the appeals hub builds these from its appeals)."""

    title: str
    text: str
    category_id: int
    weight: float = 1.0


def _check_can_manage(acting_user: Any) -> None:
    if acting_user is not None and not access.has_role(acting_user, Role.SYSADMIN, Role.SUPERVISOR):
        raise PermissionDenied(_("只有系统管理员或督办员可以管理派单模型。"))


def _usable(rows: Sequence[TrainingRow]) -> list[TrainingRow]:
    """Rows whose category still exists, of categories with enough examples to learn from."""
    existing = set(Category.objects.filter(is_active=True).values_list("pk", flat=True))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.category_id] = counts.get(row.category_id, 0) + 1
    return [r for r in rows if r.category_id in existing and counts[r.category_id] >= MIN_PER_LABEL]


@transaction.atomic
def do_train_model(
    rows: Sequence[TrainingRow],
    *,
    source: str,
    acting_user: Any,
    note: str = "",
    activate: bool = False,
    config: classifier.Config | None = None,
) -> ModelVersion:
    """Train on labelled rows and store a new version (inactive unless `activate`)."""
    _check_can_manage(acting_user)
    usable = _usable(rows)
    if len({r.category_id for r in usable}) < 2:
        raise ValidationError(
            _("训练数据不足：至少需要两个分类、每个分类至少%(n)d条。") % {"n": MIN_PER_LABEL}
        )
    started = time.perf_counter()
    model = classifier.train(
        [r.title for r in usable],
        [r.text for r in usable],
        [str(r.category_id) for r in usable],
        config,
        sample_weight=[r.weight for r in usable],
    )
    seconds = time.perf_counter() - started
    blob = model.to_bytes()
    version = ModelVersion.objects.create(
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        source=source,
        note=note[:200],
        artefact=blob,
        sha256=hashlib.sha256(blob).hexdigest(),
        size=len(blob),
        n_messages=len(usable),
        labels={label: int(label) for label in model.labels},
        metrics={
            **model.metrics,
            "temperature": round(model.temperature, 4),
            "dropped": len(rows) - len(usable),
        },
        training_seconds=round(seconds, 2),
    )
    record(
        MODEL_TRAINED,
        actor=acting_user,
        obj=version,
        summary={"source": source, "messages": len(usable), "labels": len(model.labels)},
    )
    if activate:
        _activate(version, acting_user, "activate")
    return version


def _activate(version: ModelVersion, acting_user: Any, how: str) -> ModelVersion:
    previous = ModelVersion.objects.select_for_update().filter(is_active=True).defer("artefact")
    old = previous.first()
    previous.update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=timezone.now())
    record(
        MODEL_ACTIVATED,
        actor=acting_user,
        obj=version,
        summary={"how": how, "previous": old.pk if old else None},
    )
    version.is_active = True
    return version


@transaction.atomic
def do_activate_model(version: ModelVersion, *, acting_user: Any) -> ModelVersion:
    """Make this version the one used for suggestions; refuses an artefact that will not load."""
    _check_can_manage(acting_user)
    blob = ModelVersion.objects.filter(pk=version.pk).values_list("artefact", flat=True).first()
    try:
        _verified(bytes(blob or b""), version.sha256)
    except ValueError as exc:
        raise ValidationError(_("模型文件损坏，不能启用：%(e)s") % {"e": exc}) from exc
    return _activate(version, acting_user, "activate")


@transaction.atomic
def do_rollback_model(*, acting_user: Any) -> ModelVersion:
    """Go back to the version that was active before the current one."""
    _check_can_manage(acting_user)
    current = ModelVersion.objects.filter(is_active=True).defer("artefact").first()
    earlier = ModelVersion.objects.defer("artefact").exclude(activated_at=None)
    if current is not None:
        earlier = earlier.exclude(pk=current.pk)
    target = earlier.order_by("-activated_at", "-pk").first()
    if target is None:
        raise ValidationError(_("没有可以回退的上一个模型版本。"))
    return _activate(target, acting_user, "rollback")


@transaction.atomic
def do_deactivate_model(*, acting_user: Any) -> None:
    """Stop using any model: suggestions come from rules and the catalogue only."""
    _check_can_manage(acting_user)
    current = ModelVersion.objects.filter(is_active=True).defer("artefact").first()
    if current is None:
        return
    ModelVersion.objects.filter(pk=current.pk).update(is_active=False)
    record(MODEL_ACTIVATED, actor=acting_user, obj=current, summary={"how": "deactivate"})


# --- Loading ----------------------------------------------------------------------------------


def _verified(blob: bytes, sha256: str) -> classifier.Model:
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise ValueError(_("校验值不符"))
    return classifier.Model.from_bytes(blob)


@lru_cache(maxsize=2)
def _load(version_id: int, sha256: str) -> classifier.Model:
    blob = ModelVersion.objects.filter(pk=version_id).values_list("artefact", flat=True).first()
    return _verified(bytes(blob or b""), sha256)


@dataclass(frozen=True)
class Active:
    """The model in use, or why there is none (state: ok / none / broken)."""

    state: str
    version_id: int | None = None
    model: classifier.Model | None = None
    problem: str = ""


def active_model() -> Active:
    row = ModelVersion.objects.filter(is_active=True).values_list("pk", "sha256").first()
    if row is None:
        return Active("none")
    try:
        return Active("ok", row[0], _load(*row))
    except (ValueError, MemoryError) as exc:
        # A broken artefact must never stop intake: log it, say so on the model page, and let
        # rules, the catalogue and the dispatcher carry on.
        log.error("dispatch model %s cannot be loaded: %s", row[0], exc)
        return Active("broken", row[0], None, str(exc))
