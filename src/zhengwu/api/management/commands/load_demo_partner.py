from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhengwu.api import keys
from zhengwu.api.actions import PartnerDraft, do_register_partner
from zhengwu.api.models import ApiKey, Operation, Partner

# A fixed, public key so the curl examples in docs/integration.md run as written. DEBUG only.
DEMO_KEY = "zw_demo_dahe_0000000000000000000000000000000000000"
DEMO_SLUG = "dahe"


class Command(BaseCommand):
    help = "Register the demo partner 大河网 with a fixed, documented key (DEBUG only)."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("the demo partner's key is public: DEBUG only")
        if not Partner.objects.filter(slug=DEMO_SLUG).exists():
            partner, _raw = do_register_partner(
                PartnerDraft(
                    DEMO_SLUG,
                    "大河网（示范）",
                    operations=[o.value for o in Operation if o != Operation.WATCH_ALL],
                    rate_limit=600,
                )
            )
            # Swap the random first key for the documented one.
            partner.keys.update(key_hash=keys.digest(DEMO_KEY), prefix=DEMO_KEY[:10])
        if not ApiKey.objects.filter(key_hash=keys.digest(DEMO_KEY)).exists():
            raise CommandError("the demo partner exists but its demo key was changed")
        self.stdout.write(f"示范合作渠道 大河网：API key {DEMO_KEY}")
