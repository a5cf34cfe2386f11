from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengwu.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from zhengwu.audit import signals  # noqa: F401
