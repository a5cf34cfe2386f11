from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhengwu.api"
    verbose_name = "开放接口"

    def ready(self) -> None:
        from zhengwu.api import webhooks  # noqa: F401 (connects the AppealEvent receiver)
