from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengwu.api.actions import PartnerDraft, do_register_partner, do_subscribe_webhook
from zhengwu.api.models import PARTNER_CHANNELS, Operation
from zhengwu.org.models import User


class Command(BaseCommand):
    help = "Register a partner program and print its API key (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short identifier, e.g. dahe")
        parser.add_argument("name", help="display name, e.g. 大河网")
        parser.add_argument("--channel", default="partner", choices=PARTNER_CHANNELS)
        parser.add_argument(
            "--operations",
            default="submit,read,evaluate,webhooks",
            help=f"comma-separated, of: {','.join(Operation.values)}",
        )
        parser.add_argument("--rate-limit", type=int, default=120, help="requests per minute")
        parser.add_argument("--service-user", help="staff account a hotline system acts as")
        parser.add_argument("--webhook-url", help="subscribe this URL to status changes")

    def handle(self, *args: object, **options: object) -> None:
        service_user = None
        if options["service_user"]:
            service_user = User.objects.filter(username=options["service_user"]).first()
            if service_user is None:
                raise CommandError("no such user")
        draft = PartnerDraft(
            slug=options["slug"],
            name=options["name"],
            channel=options["channel"],
            operations=[o for o in options["operations"].split(",") if o],
            rate_limit=options["rate_limit"],
            service_user=service_user,
        )
        try:
            partner, key = do_register_partner(draft)
            self.stdout.write(f"合作渠道 {partner.slug}（{partner.name}）已登记。")
            self.stdout.write(f"API key（只显示这一次）: {key}")
            if options["webhook_url"]:
                _sub, secret = do_subscribe_webhook(
                    partner, options["webhook_url"], ["appeal.status_changed"]
                )
                self.stdout.write(f"回调签名密钥（只显示这一次）: {secret}")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
