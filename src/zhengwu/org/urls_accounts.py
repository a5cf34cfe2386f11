from django.contrib.auth import views as auth_views
from django.urls import path

from zhengwu.org import views_accounts

urlpatterns = [
    path("login/", views_accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views_accounts.register, name="register"),
    path("password/", views_accounts.password_change, name="password_change"),
]
