from __future__ import annotations

from django.core.management.base import BaseCommand

from zhengwu.reports.rollups import refresh


class Command(BaseCommand):
    help = "Bring the daily rollups up to date (--all recounts every day from the first event)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="recount every day")

    def handle(self, *args, **options) -> None:
        result = refresh(rebuild=options["all"])
        self.stdout.write(
            f"rollups: {result['days']} days, {result['rows']} rows, {result['ms']} ms"
        )
