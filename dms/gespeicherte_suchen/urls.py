from django.urls import path

from . import views

urlpatterns = [
    path("suche/gespeichert/", views.gespeicherte_suchen, name="gespeicherte-suchen"),
    path("suche/gespeichert/neu/", views.suche_speichern, name="suche-speichern"),
    path("suche/gespeichert/<int:pk>/loeschen/", views.suche_loeschen, name="suche-loeschen"),
]
