from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "zhengwu.web"
    verbose_name = "界面"


class PlatformAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that takes its permission from the role model."""

    default = False
    default_site = "zhengwu.web.admin_site.PlatformAdminSite"
