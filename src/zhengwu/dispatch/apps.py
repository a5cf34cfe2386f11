from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhengwu.dispatch"
    verbose_name = "派单目录"
