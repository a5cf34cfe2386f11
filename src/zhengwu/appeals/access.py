"""Who may see and do what with appeals — the one place these rules live.

- The centre's operational staff (受理员, 派单员, 督办员) see every appeal.
- A body's staff (承办人, 部门管理员, 领导) see the appeals their body was ever assigned; a leader
  also sees those of the bodies under theirs, and the city government's leaders see the city.
- A confidential (保密) appeal is seen only by the centre and the bodies currently handling it.
- Citizens see their own appeals, and any appeal whose number and query code they present.
Everything else answers 404, the same as a missing appeal.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils.translation import gettext as _

from zhengwu.appeals.models import Appeal, Assignment, Extension
from zhengwu.appeals.workflow import FINISHED, HANDLING, Status
from zhengwu.org.access import (
    AnyUser,
    derived,
    has_role,
    organisation_ids_with_role,
    posts,
    staff_of,
)
from zhengwu.org.models import Organisation, Role, User

CENTRE_ROLES = (Role.INTAKE_AGENT, Role.DISPATCHER, Role.SUPERVISOR)
BODY_ROLES = (Role.HANDLER, Role.DEPT_ADMIN, Role.LEADER)


def is_centre(user: AnyUser) -> bool:
    return has_role(user, *CENTRE_ROLES)


def sees_whole_city(user: AnyUser) -> bool:
    """Centre staff, and leaders of the city government (non-confidential appeals only)."""
    return derived(user, "sees_whole_city", lambda: _leads_government(user))


def _leads_government(user: AnyUser) -> bool:
    leader_orgs = organisation_ids_with_role(user, Role.LEADER)
    return (
        bool(leader_orgs)
        and Organisation.objects.filter(
            pk__in=leader_orgs, kind=Organisation.Kind.GOVERNMENT
        ).exists()
    )


def body_ids(user: AnyUser) -> set[int]:
    """Bodies whose appeals the user may see: their own, plus those under a leader's body."""
    return set(derived(user, "body_ids", lambda: frozenset(_body_ids(user))))


def _body_ids(user: AnyUser) -> set[int]:
    ids = organisation_ids_with_role(user, *BODY_ROLES)
    frontier = organisation_ids_with_role(user, Role.LEADER)
    if not frontier:
        return ids
    # The directory is small (hundreds of bodies): one query, then walk down in memory.
    children: dict[int, list[int]] = {}
    for pk, parent in Organisation.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    while frontier:
        below = {child for pk in frontier for child in children.get(pk, ())}
        frontier = below - ids
        ids |= below
    return ids


def handlers_of(organisation: Organisation | int | None) -> QuerySet[User]:
    """The body's active handlers (承办人): who may be named on an appeal dispatched to it."""
    return staff_of(organisation, Role.HANDLER)


def is_handler_of(user: AnyUser, organisation: Organisation) -> bool:
    return handlers_of(organisation).filter(pk=user.pk).exists()


def handling_ids(user: AnyUser) -> set[int]:
    """Bodies in which the user may act on appeals (承办人)."""
    return organisation_ids_with_role(user, Role.HANDLER)


def appeals_visible_to(user: AnyUser) -> QuerySet[Appeal]:
    if not posts(user):
        return Appeal.objects.none()
    if is_centre(user):
        return Appeal.objects.all()
    theirs = Assignment.objects.filter(appeal=OuterRef("pk"), organisation__in=body_ids(user))
    # Confidential: only the staff of the bodies holding it now, not those above them.
    own = organisation_ids_with_role(user, *BODY_ROLES)
    holding_now = Q(ended_at__isnull=True, organisation__in=own)
    current = theirs.filter(holding_now)
    if sees_whole_city(user):
        return Appeal.objects.filter(Q(is_confidential=False) | Q(Exists(current)))
    # "(ever assigned and not confidential) or assigned now" as one EXISTS (assigned now implies
    # ever assigned), so the database can join on the assignments: an EXISTS under OR would be
    # evaluated row by row, or hashed over the body's whole history.
    shown = holding_now | Exact(OuterRef("is_confidential"), False)
    return Appeal.objects.filter(Exists(theirs.filter(shown)))


def assignments_prefetch() -> Prefetch:
    """An appeal's assignments with their bodies and signers: read once per page by the
    permission checks (current_assignment) and the page itself."""
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("organisation", "signed_by", "assignee"),
    )


def access_appeal_by_id(user: AnyUser, appeal_id: int) -> Appeal:
    try:
        return (
            appeals_visible_to(user)
            .select_related("category", "division", "lead_department", "mailbox", "merged_into")
            .prefetch_related(assignments_prefetch())
            .get(pk=appeal_id)
        )
    except (Appeal.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def citizen_appeals(user: AnyUser) -> QuerySet[Appeal]:
    if not user.is_authenticated:
        return Appeal.objects.none()
    return Appeal.objects.filter(citizen=user)


def current_assignment(appeal: Appeal, organisation_ids: set[int], role: str | None = None):
    """The user's bodies' current assignment on this appeal (lead first), or None."""
    assignments = [
        a
        for a in appeal.assignments.all()
        if a.ended_at is None
        and a.organisation_id in organisation_ids
        and (role is None or a.role == role)
    ]
    assignments.sort(key=lambda a: a.role != Assignment.Role.LEAD)
    return assignments[0] if assignments else None


# Actions, by who may take them. Each is also limited to the states the workflow allows.
CENTRE_ACTIONS = {
    "accept": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "reject": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "answer_directly": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "merge": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "unmerge": (Role.DISPATCHER,),
    "dispatch": (Role.DISPATCHER,),
    "reclassify": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "decide_return": (Role.DISPATCHER,),
    "decide_extension": (Role.DISPATCHER,),
    "review_reply": (Role.DISPATCHER,),
    "decide_reopen": (Role.DISPATCHER,),
    "callback": (Role.INTAKE_AGENT, Role.DISPATCHER),
    "urge": (Role.DISPATCHER, Role.SUPERVISOR),
    "supervise": (Role.SUPERVISOR,),
    "flag": (Role.DISPATCHER, Role.SUPERVISOR),
    "note": CENTRE_ROLES,
}

STATE_ACTIONS: dict[str, frozenset[str]] = {
    "accept": frozenset({Status.RECEIVED}),
    "reject": frozenset({Status.RECEIVED}),
    "answer_directly": frozenset({Status.RECEIVED, Status.ACCEPTED}),
    "merge": frozenset({Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED}),
    "unmerge": frozenset({Status.MERGED}),
    "dispatch": frozenset(
        {
            Status.RECEIVED,
            Status.ACCEPTED,
            Status.DISPATCHED,
            Status.IN_PROGRESS,
            Status.RETURN_REQUESTED,
        }
    ),
    "reclassify": frozenset(
        {
            Status.RECEIVED,
            Status.ACCEPTED,
            Status.DISPATCHED,
            Status.IN_PROGRESS,
            Status.RETURN_REQUESTED,
        }
    ),
    "decide_return": frozenset({Status.RETURN_REQUESTED}),
    "decide_extension": frozenset({Status.IN_PROGRESS, Status.AWAITING_CITIZEN}),
    "review_reply": frozenset({Status.REPLIED}),
    "decide_reopen": frozenset({Status.REOPEN_REQUESTED}),
    "callback": FINISHED,
    "urge": HANDLING | {Status.AWAITING_CITIZEN},
    "supervise": HANDLING | {Status.AWAITING_CITIZEN},
    "flag": frozenset(Status),
    "note": frozenset(Status),
    "sign": frozenset({Status.DISPATCHED, Status.IN_PROGRESS}),
    "return": frozenset({Status.DISPATCHED, Status.IN_PROGRESS}),
    "request_info": frozenset({Status.IN_PROGRESS}),
    "resume": frozenset({Status.AWAITING_CITIZEN}),
    "reply": frozenset({Status.IN_PROGRESS}),
    "request_extension": frozenset({Status.IN_PROGRESS, Status.AWAITING_CITIZEN}),
    "co_opinion": frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.AWAITING_CITIZEN}),
    "answer_supervision": frozenset(Status),
}


def available_actions(user: AnyUser, appeal: Appeal) -> set[str]:
    """Everything this user may do to this appeal now (the pages show exactly these)."""
    actions = {
        name
        for name, roles in CENTRE_ACTIONS.items()
        if has_role(user, *roles) and appeal.status in STATE_ACTIONS[name]
    }
    if appeal.status == Status.DISPATCHED and appeal.lead_department_id is None:
        actions.discard("dispatch")
    actions |= _body_actions(user, appeal)
    if "decide_extension" in actions and not _pending_extension(appeal):
        actions.discard("decide_extension")
    return actions


def _pending_extension(appeal: Appeal) -> bool:
    return Extension.objects.filter(appeal=appeal, decision=Extension.Decision.PENDING).exists()


def _body_actions(user: AnyUser, appeal: Appeal) -> set[str]:
    assignment = current_assignment(appeal, handling_ids(user))
    if assignment is None:
        return set()
    status = appeal.status
    allowed = {"note"}
    if assignment.state == Assignment.State.PENDING and status in STATE_ACTIONS["sign"]:
        allowed.add("sign")
    if assignment.role == Assignment.Role.CO:
        if assignment.state == Assignment.State.SIGNED and status in STATE_ACTIONS["co_opinion"]:
            allowed.add("co_opinion")
        return allowed
    names = ["return", "request_info", "resume", "reply", "request_extension"]
    allowed |= {name for name in names if status in STATE_ACTIONS[name]}
    if assignment.state == Assignment.State.PENDING:
        allowed -= {"request_info", "reply", "request_extension"}
    if appeal.supervisions.filter(
        state="open", organisation_id=assignment.organisation_id
    ).exists():
        allowed.add("answer_supervision")
    return allowed


def require_action(user: AnyUser, appeal: Appeal, action: str) -> None:
    if action not in available_actions(user, appeal):
        raise PermissionDenied(_("您现在不能对该诉求执行此操作（可能已被他人处理）。"))


def can_see_contact(user: AnyUser, appeal: Appeal) -> bool:
    """Full phone and e-mail: the centre (it calls citizens back) and the lead body's handlers
    (they contact the citizen), unless the citizen asked to stay anonymous to departments."""
    if is_centre(user):
        return True
    if appeal.is_anonymous:
        return False
    lead = current_assignment(appeal, handling_ids(user), Assignment.Role.LEAD)
    return lead is not None
