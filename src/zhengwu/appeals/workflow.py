"""The appeal workflow: its states, the one table of allowed transitions, and `transition()`.

Status history is append-only (AppealEvent rows); an appeal points at its current status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from zhengwu.appeals.models import Appeal, AppealEvent


class Status(models.TextChoices):
    RECEIVED = "received", gettext_lazy("待受理")
    REJECTED = "rejected", gettext_lazy("不予受理")
    ACCEPTED = "accepted", gettext_lazy("待派单")
    DISPATCHED = "dispatched", gettext_lazy("待签收")
    RETURN_REQUESTED = "return_requested", gettext_lazy("退单审核")
    IN_PROGRESS = "in_progress", gettext_lazy("办理中")
    AWAITING_CITIZEN = "awaiting_citizen", gettext_lazy("待补充")
    REPLIED = "replied", gettext_lazy("待审核答复")
    CLOSED = "closed", gettext_lazy("已办结")
    EVALUATED = "evaluated", gettext_lazy("已评价")
    REOPEN_REQUESTED = "reopen_requested", gettext_lazy("重办审核")
    MERGED = "merged", gettext_lazy("已并单")


S = Status

# Every allowed (from, to) pair. Anything else is refused by `transition()`.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.MERGED, S.CLOSED}),
    S.ACCEPTED: frozenset({S.DISPATCHED, S.MERGED, S.CLOSED}),
    # Re-dispatch (改派) by the centre is dispatched → dispatched.
    S.DISPATCHED: frozenset({S.IN_PROGRESS, S.RETURN_REQUESTED, S.DISPATCHED, S.MERGED}),
    S.RETURN_REQUESTED: frozenset({S.DISPATCHED, S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.AWAITING_CITIZEN, S.REPLIED, S.RETURN_REQUESTED, S.DISPATCHED}),
    S.AWAITING_CITIZEN: frozenset({S.IN_PROGRESS}),
    S.REPLIED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset({S.EVALUATED, S.REOPEN_REQUESTED}),
    # A recorded evaluation can still be followed by a call-back that finds the matter unsolved.
    S.EVALUATED: frozenset({S.REOPEN_REQUESTED}),
    # Redo (same body) and re-dispatch (another body) both start a fresh dispatch round.
    S.REOPEN_REQUESTED: frozenset({S.DISPATCHED, S.EVALUATED}),
    S.MERGED: frozenset({S.ACCEPTED}),
    S.REJECTED: frozenset(),
}

# States in which a department holds the appeal and its clock runs.
HANDLING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RETURN_REQUESTED})
# States counted as open (Open311 "open"); the rest are closed.
OPEN = frozenset(set(Status) - {S.REJECTED, S.CLOSED, S.EVALUATED, S.MERGED})
# States whose reply has been published (or would be, unless confidential).
FINISHED = frozenset({S.CLOSED, S.EVALUATED})


class TransitionError(ValidationError):
    """A transition not in the table (the appeal is not in a state where this can happen)."""


class ConflictError(ValidationError):
    """Someone else changed the appeal since the user loaded it."""


def can_transition(source: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(source)]


def transition(
    appeal: Appeal,
    target: Status,
    *,
    actor: Any,
    kind: str,
    public_note: str = "",
    internal_note: str = "",
    data: dict | None = None,
) -> AppealEvent:
    """Move a row-locked appeal to `target` and append the event. The caller holds the lock
    (see `actions._lock`) and is inside the transaction that also writes the audit row."""
    from zhengwu.appeals.models import AppealEvent

    source = appeal.status
    if not can_transition(source, target):
        raise TransitionError(
            _("当前状态为“%(source)s”，不能执行此操作。") % {"source": Status(source).label},
            code="invalid_transition",
        )
    appeal.status = target
    return AppealEvent.append(
        appeal,
        kind=kind,
        actor=actor,
        from_status=source,
        to_status=target,
        public_note=public_note,
        internal_note=internal_note,
        data=data,
    )
