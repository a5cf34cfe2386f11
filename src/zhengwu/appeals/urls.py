from django.urls import path

from zhengwu.appeals import views, views_dispatch, views_public

app_name = "appeals"
urlpatterns = [
    path("appeals/new/", views_public.new, name="new"),
    path("appeals/submitted/", views_public.submitted, name="submitted"),
    path("appeals/places/", views_public.places, name="places"),
    path("appeals/track/", views_public.track, name="track"),
    path("appeals/track/<str:number>/", views_public.track_detail, name="track_detail"),
    path("appeals/track/<str:number>/supply/", views_public.supply, name="supply"),
    path(
        "appeals/track/<str:number>/evaluate/",
        views_public.evaluate_tracked,
        name="evaluate_tracked",
    ),
    path("appeals/evaluate/<str:number>/<str:token>/", views_public.evaluate, name="evaluate"),
    path("appeals/mine/", views_public.mine, name="mine"),
    path("appeals/wall/", views_public.wall, name="wall"),
    path("appeals/wall/<str:number>/", views_public.wall_detail, name="wall_detail"),
    path("appeals/files/<int:pk>/", views_public.attachment, name="attachment"),
    path("mailbox/", views_public.mailboxes, name="mailboxes"),
    path("mailbox/<slug:slug>/", views_public.mailbox_new, name="mailbox"),
    path("work/queue/<slug:key>/", views.queue, name="queue"),
    path("work/appeals/<int:pk>/", views.detail, name="detail"),
    path("work/appeals/<int:pk>/<slug:name>/", views.act, name="act"),
    path("work/hotline/", views.hotline, name="hotline"),
    path("work/bulk/<slug:name>/", views.bulk, name="bulk"),
    path("work/hotspots/", views_dispatch.hotspot_list, name="hotspots"),
]
