from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhengwu.appeals"
    verbose_name = "网络问政"

    def ready(self) -> None:
        # Routing rules may name a channel; the channels are the hub's, so it tells dispatch.
        from zhengwu.appeals.abuse import watch_blocklist
        from zhengwu.appeals.models import Channel
        from zhengwu.dispatch.models import Category
        from zhengwu.dispatch.rules import register_channels
        from zhengwu.lib import refcache
        from zhengwu.org.models import Division

        register_channels(Channel.choices)
        # Intake reads the blocklist, places and categories from the shared cache.
        watch_blocklist()
        refcache.watch(Division, Category)
