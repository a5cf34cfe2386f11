from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhengwu.appeals"
    verbose_name = "网络问政"

    def ready(self) -> None:
        # Routing rules may name a channel; the channels are the hub's, so it tells dispatch.
        from django.db.models.signals import post_delete, post_save

        from zhengwu.appeals.abuse import forget_blocklist
        from zhengwu.appeals.models import BlockedContact, Channel
        from zhengwu.dispatch.models import Category
        from zhengwu.dispatch.rules import register_channels
        from zhengwu.lib import refcache
        from zhengwu.org.models import Division

        register_channels(Channel.choices)
        for signal in (post_save, post_delete):
            signal.connect(forget_blocklist, sender=BlockedContact, dispatch_uid="blocklist")
        # The intake forms read places and categories through the reference cache.
        refcache.watch(Division, Category)
