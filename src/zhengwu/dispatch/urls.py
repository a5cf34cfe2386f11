from django.urls import path

from zhengwu.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.category_new, name="category_new"),
    path("catalogue/<int:pk>/", views.category_edit, name="category"),
    path("catalogue/export.<str:fmt>", views.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("rules/<int:pk>/move/<str:direction>/", views.rule_move, name="rule_move"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("try/", views.try_text, name="try"),
    path("models/", views.model_list, name="models"),
    path("models/<slug:action>/", views.model_action, name="model_action"),
]
