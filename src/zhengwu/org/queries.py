"""Reads of the organisation directory."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zhengwu.org import access
from zhengwu.org.models import Division, Membership, Organisation, User


def public_directory_summary() -> dict[str, int]:
    counts = Organisation.objects.filter(is_active=True).aggregate(
        municipal=Count("pk", filter=Q(kind=Organisation.Kind.MUNICIPAL)),
        district=Count(
            "pk", filter=Q(kind__in=[Organisation.Kind.DISTRICT, Organisation.Kind.DEV_ZONE])
        ),
        total=Count("pk"),
    )
    return counts


def posts_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def directory(user: User, *, kind: str = "", search: str = "") -> QuerySet[Organisation]:
    organisations = access.organisations_visible_to(user).annotate(
        staff_count=Count("memberships", filter=Q(memberships__is_active=True))
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if search:
        organisations = organisations.filter(
            Q(name__contains=search) | Q(short_name__contains=search)
        )
    return organisations.order_by("kind", "name")


def staff_of(user: User, *, organisation_id: int | None = None) -> QuerySet[Membership]:
    memberships = access.memberships_visible_to(user)
    if organisation_id:
        memberships = memberships.filter(organisation_id=organisation_id)
    return memberships.order_by("organisation__name", "-is_active", "user__username", "role")


def division_tree() -> list[Division]:
    """All divisions in code order; the code prefix makes the tree order."""
    return list(Division.objects.order_by("code"))
