"""Pages of issue 7: hand-over between authorities (included at /)."""

from django.urls import path

from .views import abgabe

urlpatterns = [
    path("abgaben/", abgabe.abgaben, name="abgaben"),
    path("abgaben/<int:pk>/annehmen/", abgabe.annehmen, name="abgabe-annehmen"),
    path("abgaben/<int:pk>/ablehnen/", abgabe.ablehnen, name="abgabe-ablehnen"),
    path("abgaben/<int:pk>/zurueckziehen/", abgabe.zurueckziehen, name="abgabe-zurueckziehen"),
    path("akten/<int:pk>/abgeben/", abgabe.akte_abgeben, name="akte-abgeben"),
]
