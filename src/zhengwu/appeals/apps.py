from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhengwu.appeals"
    verbose_name = "网络问政"

    def ready(self) -> None:
        # Routing rules may name a channel; the channels are the hub's, so it tells dispatch.
        from zhengwu.appeals.models import Channel
        from zhengwu.dispatch.rules import register_channels

        register_channels(Channel.choices)
