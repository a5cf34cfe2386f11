from __future__ import annotations

from django.core.management.base import BaseCommand

from zhengwu.api.tasks import requeue_stale_webhooks
from zhengwu.appeals.periodic import run_checks
from zhengwu.audit.chain import chain_pending
from zhengwu.notifications.tasks import requeue_stale
from zhengwu.reports.rollups import refresh


class Command(BaseCommand):
    help = (
        "The platform's periodic checks (urging, overdue flags, expired evaluation windows, lost "
        "messages and webhook deliveries, report rollups, audit rows not chained yet). Run every "
        "minute from cron or a systemd timer; idempotent and safe when two copies overlap."
    )

    def handle(self, *args, **options) -> None:
        counts = run_checks()
        counts["requeued_messages"] = requeue_stale()
        counts["rollup_days"] = refresh()["days"]
        counts["requeued_webhooks"] = requeue_stale_webhooks()
        counts["audit_chained"] = chain_pending()
        summary = ", ".join(f"{key}={value}" for key, value in sorted(counts.items()))
        self.stdout.write(summary)
