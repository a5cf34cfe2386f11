from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhengwu.dispatch.demo import load_demo_catalogue


class Command(BaseCommand):
    help = "Load the demo city's dispatch catalogue (run load_demo_city first). Idempotent."

    def handle(self, *args, **options) -> None:
        try:
            count = load_demo_catalogue()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"派单目录已就绪：{count} 个分类。"))
