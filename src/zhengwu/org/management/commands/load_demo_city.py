from __future__ import annotations

from django.core.management.base import BaseCommand

from zhengwu.org.demo import DEMO_PASSWORD, load_demo_city


class Command(BaseCommand):
    help = "Load the demo city (divisions, organisations, one account per role). Idempotent."

    def handle(self, *args, **options) -> None:
        accounts = load_demo_city()
        self.stdout.write(
            self.style.SUCCESS(f"示范城市已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        )
        for account in accounts:
            role = account.role.label if account.role else "市民"
            where = account.organisation or "—"
            self.stdout.write(f"  {account.login:<16} {role:<6} {where}")
