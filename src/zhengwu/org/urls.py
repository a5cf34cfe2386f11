from django.urls import path

from zhengwu.org import views

app_name = "org"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.organisation_detail, name="organisation"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views.staff_detail, name="staff_detail"),
    path("posts/<int:membership_id>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("calendar/", views.calendar, name="calendar"),
]
