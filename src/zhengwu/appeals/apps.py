from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhengwu.appeals"
    verbose_name = "网络问政"
