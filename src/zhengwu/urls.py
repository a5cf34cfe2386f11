from django.contrib import admin
from django.urls import include, path

from zhengwu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
    # Programs call these most (a partner's submissions): matched before the pages' patterns.
    path("", include("zhengwu.api.urls")),
    path("accounts/", include("zhengwu.org.urls_accounts")),
    path("org/", include("zhengwu.org.urls")),
    path("", include("zhengwu.appeals.urls")),
    path("", include("zhengwu.reports.urls")),
    path("work/dispatch/", include("zhengwu.dispatch.urls")),
    path("admin/", admin.site.urls),
]
