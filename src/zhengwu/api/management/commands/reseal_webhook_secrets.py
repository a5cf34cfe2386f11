"""After a SECRET_KEY rotation: re-encrypt every webhook signing secret under the new key, so
that the old key can leave SECRET_KEY_FALLBACKS."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhengwu.api.models import WebhookSubscription
from zhengwu.lib import sealing


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        count = 0
        for subscription in WebhookSubscription.objects.select_for_update().only("secret"):
            try:
                subscription.secret = sealing.reseal(subscription.secret)
            except sealing.Unreadable as exc:
                raise CommandError(
                    f"subscription {subscription.pk}: {exc} — nothing was changed; put the old "
                    "key back in SECRET_KEY_FALLBACKS, or rotate that subscription's secret"
                ) from exc
            subscription.save(update_fields=["secret"])
            count += 1
        self.stdout.write(f"{count} webhook secrets sealed under the current SECRET_KEY.")
