from django.urls import path

from . import views

urlpatterns = [
    path("suche/gespeichert/", views.gespeicherte_suchen, name="gespeicherte-suchen"),
    path("suche/gespeichert/neu/", views.suche_speichern, name="suche-speichern"),
    path("suche/gespeichert/<int:pk>/", views.gespeicherte_suche_ausfuehren, name="gespeicherte-suche-ausfuehren"),
    path("suche/gespeichert/<int:pk>/treffer/", views.gespeicherte_suche_treffer, name="gespeicherte-suche-treffer"),
    path("suche/gespeichert/<int:pk>/loeschen/", views.suche_loeschen, name="suche-loeschen"),
]
