from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengwu.api.actions import do_issue_key, do_revoke_key, do_rotate_key
from zhengwu.api.models import ApiKey, Partner
from zhengwu.org.models import User


class Command(BaseCommand):
    help = (
        "Manage API keys: `issue --partner SLUG` or `issue --user USERNAME` (a staff member's "
        "personal token), `rotate PREFIX [--grace-hours N]`, `revoke PREFIX`, `list`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["issue", "rotate", "revoke", "list"])
        parser.add_argument("prefix", nargs="?", help="the key's prefix, as `list` shows it")
        parser.add_argument("--partner")
        parser.add_argument("--user")
        parser.add_argument("--label", default="")
        parser.add_argument("--grace-hours", type=float, default=0)

    def handle(self, *args: object, **options: object) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _issue(self, options: dict) -> None:
        partner = Partner.objects.filter(slug=options["partner"]).first()
        user = User.objects.filter(username=options["user"]).first()
        if (partner is None) == (user is None):
            raise CommandError("name exactly one existing --partner or --user")
        _key, raw = do_issue_key(partner=partner, user=user, label=options["label"])
        self.stdout.write(f"API key（只显示这一次）: {raw}")

    def _key(self, options: dict) -> ApiKey:
        keys = ApiKey.objects.filter(prefix=options["prefix"] or "", revoked_at__isnull=True)
        if keys.count() != 1:
            raise CommandError("name one active key by its prefix (see `api_key list`)")
        return keys.get()

    def _rotate(self, options: dict) -> None:
        grace = dt.timedelta(hours=options["grace_hours"])
        old = self._key(options)
        _key, raw = do_rotate_key(old, grace=grace)
        old.refresh_from_db()
        until = "已吊销" if old.revoked_at else f"于 {_when(old.expires_at)} 失效"
        self.stdout.write(f"{old.prefix}… {until}。")
        self.stdout.write(f"新 API key（只显示这一次）: {raw}")

    def _revoke(self, options: dict) -> None:
        key = do_revoke_key(self._key(options))
        self.stdout.write(f"{key.prefix}… 已吊销。")

    def _list(self, options: dict) -> None:
        now = timezone.now()
        for key in ApiKey.objects.select_related("partner", "user").order_by("-created_at"):
            owner = key.partner.slug if key.partner else f"user:{key.user.username}"
            if key.revoked_at is not None:
                state = f"revoked {_when(key.revoked_at)}"
            elif key.expires_at is not None:
                verb = "expires" if key.expires_at > now else "expired"
                state = f"{verb} {_when(key.expires_at)}"
            else:
                state = "active"
            used = f"used {_when(key.last_used_at)}" if key.last_used_at else "never used"
            self.stdout.write(f"{key.prefix}  {owner:20}  {state:24}  {used:22}  {key.label}")


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
