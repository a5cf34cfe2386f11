from __future__ import annotations

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhengwu.appeals.demo import load_demo_hub
from zhengwu.appeals.demo_history import WEEKS, load_history
from zhengwu.dispatch.demo import load_demo_smart_dispatch
from zhengwu.reports.demo import publish_last_week


class Command(BaseCommand):
    help = (
        "Load the whole demo: the city, its dispatch catalogue, mailboxes, sample appeals, "
        "five weeks of history and last week's published reports. Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="skip the five weeks of history and the reports (data generators bring their own)",
        )

    def handle(self, *args, **options) -> None:
        call_command("load_demo_city", stdout=self.stdout)
        call_command("load_demo_catalogue", stdout=self.stdout)
        load_demo_smart_dispatch()
        created = load_demo_hub()
        self.stdout.write(f"网络问政示范数据：新增 {created} 件示范诉求。")
        if settings.DEBUG:  # the demo partner's key is public (docs/integration.md)
            call_command("load_demo_partner", stdout=self.stdout)
        if options["no_history"]:
            return
        self.stdout.write(f"正在生成最近{WEEKS}周的办理记录（首次约需一两分钟）……")
        # Thousands of demo SMS would flood the console; they are still written to the outbox.
        logging.getLogger("zhengwu.notifications").setLevel(logging.WARNING)
        history = load_history()
        self.stdout.write(f"历史诉求：新增 {history} 件。")
        self.stdout.write(f"上周通报：新发布 {publish_last_week()} 份。")
