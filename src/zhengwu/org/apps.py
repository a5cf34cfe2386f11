from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhengwu.org"
    verbose_name = "组织与人员"
