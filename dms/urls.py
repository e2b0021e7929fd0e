from django.contrib.auth import views as auth_views
from django.urls import path

from .views import arbeitsplatz

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("", arbeitsplatz.arbeitsplatz, name="arbeitsplatz"),
]
