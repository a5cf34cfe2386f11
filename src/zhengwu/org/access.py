"""Who may see and do what in the organisation directory — the one place these rules live.

Roles are data (Membership rows). Pages, the admin and the API ask these functions; templates get
booleans computed here. Objects a user may not see answer 404, the same as objects that do not
exist, so outsiders learn nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from zhengwu.org.models import Membership, Organisation, Role, User

CENTRE_ROLES = frozenset({Role.INTAKE_AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.SYSADMIN})

AnyUser = User | AnonymousUser
T = TypeVar("T")


@dataclass(frozen=True)
class Post:
    organisation_id: int
    role: str


def posts(user: AnyUser) -> frozenset[Post]:
    """The user's active roles, read once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()  # None: the platform itself (periodic checks), which holds no post
    cached = getattr(user, "_zhengwu_posts", None)
    if cached is None:
        rows = Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("organisation_id", "role")
        cached = frozenset(Post(org_id, role) for org_id, role in rows)
        user._zhengwu_posts = cached
    return cached


def forget_posts(user: AnyUser) -> None:
    """Call after changing a user's memberships within the same request."""
    user.__dict__.pop("_zhengwu_posts", None)
    user.__dict__.pop("_zhengwu_derived", None)


def derived(user: AnyUser, key: str, compute: Callable[[], T]) -> T:
    """A value computed from the user's posts (e.g. the bodies whose appeals they see), once
    per user object like `posts`; `forget_posts` forgets it too."""
    memo = user.__dict__.setdefault("_zhengwu_derived", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def has_role(user: AnyUser, *roles: str, organisation_id: int | None = None) -> bool:
    return any(
        post.role in roles and (organisation_id is None or post.organisation_id == organisation_id)
        for post in posts(user)
    )


def is_staff_member(user: AnyUser) -> bool:
    return bool(posts(user))


def is_sysadmin(user: AnyUser) -> bool:
    return has_role(user, Role.SYSADMIN)


def is_centre_staff(user: AnyUser) -> bool:
    return any(post.role in CENTRE_ROLES for post in posts(user))


def organisation_ids_with_role(user: AnyUser, *roles: str) -> set[int]:
    return {post.organisation_id for post in posts(user) if post.role in roles}


def staff_of(organisation: Organisation | int | None, *roles: str) -> QuerySet[User]:
    """The active users holding one of these roles in the body (its handlers, its leaders)."""
    if organisation is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__role__in=roles,
    ).distinct()


def organisations_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """Staff see the whole directory (who handles what is not secret inside government);
    citizens and anonymous visitors see none of it here (public pages list names only)."""
    if not is_staff_member(user):
        return Organisation.objects.none()
    return Organisation.objects.select_related("division", "parent")


def access_organisation_by_id(user: AnyUser, organisation_id: int) -> Organisation:
    try:
        return organisations_visible_to(user).get(pk=organisation_id)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


def organisations_managed_by(user: AnyUser) -> QuerySet[Organisation]:
    """Bodies whose staff accounts this user administers: their own as 部门管理员,
    any as 系统管理员."""
    if is_sysadmin(user):
        return Organisation.objects.filter(is_active=True)
    ids = organisation_ids_with_role(user, Role.DEPT_ADMIN)
    return Organisation.objects.filter(pk__in=ids, is_active=True)


def can_manage_staff(user: AnyUser, organisation: Organisation) -> bool:
    return is_sysadmin(user) or has_role(user, Role.DEPT_ADMIN, organisation_id=organisation.pk)


def memberships_visible_to(user: AnyUser) -> QuerySet[Membership]:
    managed = organisations_managed_by(user)
    return Membership.objects.filter(organisation__in=managed).select_related(
        "user", "organisation"
    )


def access_membership_by_id(user: AnyUser, membership_id: int) -> Membership:
    try:
        return memberships_visible_to(user).get(pk=membership_id)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def capabilities(user: AnyUser) -> dict[str, bool]:
    """Booleans the templates use to show or hide navigation."""
    return {
        "is_staff_member": is_staff_member(user),
        "is_centre_staff": is_centre_staff(user),
        "is_sysadmin": is_sysadmin(user),
        "can_manage_staff": is_sysadmin(user) or has_role(user, Role.DEPT_ADMIN),
        "is_leader": has_role(user, Role.LEADER),
    }


def staff_users_visible_to(user: AnyUser) -> QuerySet[User]:
    managed = organisations_managed_by(user)
    return User.objects.filter(memberships__organisation__in=managed).distinct()


def access_staff_user_by_id(user: AnyUser, user_id: int) -> User:
    try:
        return staff_users_visible_to(user).get(pk=user_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def require_staff(user: AnyUser) -> None:
    """Pages for government staff only: everyone else gets the same 404 as a missing page."""
    if not is_staff_member(user):
        raise Http404


def require_staff_manager(user: AnyUser) -> None:
    if not organisations_managed_by(user).exists():
        raise Http404
