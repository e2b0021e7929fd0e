from django.urls import path

from . import views

urlpatterns = [
    path("suche/gespeichert/", views.suche_speichern, name="suche-speichern"),
    path("suche/gespeichert/<int:pk>/loeschen/", views.suche_loeschen, name="suche-loeschen"),
]
