from django.urls import path

from .views import sicherheit

urlpatterns = [
    path("sicherheit/zweiter-faktor/", sicherheit.zweiter_faktor, name="zweiter-faktor"),
    path("sicherheit/passwort/", sicherheit.passwort_aendern, name="passwort-aendern"),
    path("sicherheit/vertretungen/", sicherheit.vertretungen, name="vertretungen"),
    path("sicherheit/vertretungen/<int:pk>/beenden/", sicherheit.vertretung_beenden, name="vertretung-beenden"),
    path("einsichten/", sicherheit.einsichten_uebersicht, name="einsichten-uebersicht"),
    path("sicherheit/akten/<int:akte_id>/einsichten/", sicherheit.akteneinsichten, name="akteneinsichten"),
    path(
        "sicherheit/akten/<int:akte_id>/einsichten/<int:pk>/widerrufen/",
        sicherheit.akteneinsicht_widerrufen,
        name="akteneinsicht-widerrufen",
    ),
]
