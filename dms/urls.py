from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import (
    abwesenheit,
    akte,
    arbeitsplatz,
    benutzer,
    dokument,
    dokument_daten,
    protokoll,
    suche,
    umlegung,
    vorgang,
)

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("", arbeitsplatz.arbeitsplatz, name="arbeitsplatz"),
    path("akten/<int:pk>/", akte.akte_detail, name="akte"),
    path("akten/<int:pk>/dokumente/", akte.akte_dokumente, name="akte-dokumente"),
    path("akten/<int:pk>/hochladen/", akte.dokument_hochladen, name="akte-hochladen"),
    path("akten/<int:pk>/vermerk/", akte.vermerk_anlegen, name="akte-vermerk"),
    path("akten/<int:pk>/bearbeiten/", akte.akte_bearbeiten, name="akte-bearbeiten"),
    path("akten/<int:pk>/vorgaenge/neu/", vorgang.vorgang_anlegen, name="vorgang-anlegen"),
    path("vorgaenge/<int:pk>/", vorgang.vorgang_detail, name="vorgang"),
    path("dokumente/<int:pk>/", dokument.dokument_detail, name="dokument"),
    path("dokumente/<int:pk>/seiten/<int:seite>.png", dokument.dokument_seite, name="dokument-seite"),
    path("dokumente/<int:pk>/datei/", dokument.dokument_datei, name="dokument-datei"),
    path("dokumente/<int:pk>/ablage/", akte.dokument_ablage, name="dokument-ablage"),
    path("dokumente/<int:pk>/bearbeiten/", dokument_daten.dokument_bearbeiten, name="dokument-bearbeiten"),
    path("dokumente/<int:pk>/umlegen/", umlegung.dokument_umlegen, name="dokument-umlegen"),
    path("suche/", suche.suche, name="suche"),
    path("abwesenheit/", abwesenheit.abwesenheit, name="abwesenheit"),
    path("protokoll/", protokoll.protokoll, name="protokoll"),
    path("verwaltung/benutzer/", benutzer.benutzerverwaltung, name="benutzerverwaltung"),
    path("verwaltung/benutzer/neu/", benutzer.benutzer_neu, name="benutzer-neu"),
    path("verwaltung/benutzer/<int:pk>/", benutzer.benutzer_bearbeiten, name="benutzer-bearbeiten"),
    path("abwesenheit/<int:pk>/beenden/", abwesenheit.abwesenheit_beenden, name="abwesenheit-beenden"),
    path("", include("dms.neueingaenge.urls")),
    path("", include("dms.wiedervorlagen.urls")),
    path("", include("dms.personen.urls")),
]
