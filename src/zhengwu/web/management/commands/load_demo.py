from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhengwu.appeals.demo import load_demo_hub


class Command(BaseCommand):
    help = "Load the whole demo: the city, its dispatch catalogue, mailboxes and sample appeals."

    def handle(self, *args, **options) -> None:
        call_command("load_demo_city", stdout=self.stdout)
        call_command("load_demo_catalogue", stdout=self.stdout)
        created = load_demo_hub()
        self.stdout.write(f"网络问政示范数据：新增 {created} 件示范诉求。")
        if settings.DEBUG:  # the demo partner's key is public (docs/integration.md)
            call_command("load_demo_partner", stdout=self.stdout)
