from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhengwu.notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from zhengwu.notifications import checks  # noqa: F401 (registers the system check)
