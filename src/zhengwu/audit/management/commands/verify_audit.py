from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhengwu.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit hash chain; report the first row where it breaks."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"{report.first_break}（此前 {report.checked} 条完好）")
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {report.checked} 条。"))
