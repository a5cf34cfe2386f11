from django.urls import path

from zhengwu.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.public_list, name="public_list"),
    path("reports/<int:pk>/", views.public_detail, name="public_detail"),
    path("reports/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("work/reports/", views.report_list, name="list"),
    path("work/reports/generate/", views.generate, name="generate"),
    path("work/reports/<int:pk>/", views.detail, name="detail"),
    path("work/reports/<int:pk>/review/", views.review, name="review"),
    path("work/reports/<int:pk>/publish/", views.publish, name="publish"),
    path("work/reports/<int:pk>/discard/", views.discard, name="discard"),
    path("work/dashboard/", views.dashboard_page, name="dashboard"),
    path("work/assessment/", views.assessment_page, name="assessment"),
]
