from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhengwu.audit.chain import chain_pending
from zhengwu.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Chain the audit rows committed since the chainer last ran, then verify the audit hash "
        "chain; report the first row where it breaks."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-chain",
            action="store_true",
            help="verify only, without chaining rows first (they are counted as unchained)",
        )

    def handle(self, *args, no_chain: bool = False, **options) -> None:
        if not no_chain:
            chain_pending()
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"{report.first_break}（此前 {report.checked} 条完好）")
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {report.checked} 条。"))
        if report.unchained:
            oldest = timezone.localtime(report.oldest_unchained)
            self.stdout.write(
                f"另有 {report.unchained} 条尚未入链（最早写于 {oldest:%Y-%m-%d %H:%M:%S}），"
                "下次运行时校验。"
            )
