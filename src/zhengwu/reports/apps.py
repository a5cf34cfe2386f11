from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhengwu.reports"
    verbose_name = "统计报告"
