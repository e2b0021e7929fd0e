"""Pages of the Aussonderung (included at /)."""

from django.urls import path

from . import views

urlpatterns = [
    path("aussonderung/", views.uebersicht, name="aussonderung"),
    path("aussonderung/land/", views.land, name="aussonderung-land-seite"),
    path("akten/<int:pk>/abschluss/", views.abschluss_setzen, name="aussonderung-abschluss"),
    path("aussonderung/anbieten/", views.anbieten, name="aussonderung-anbieten"),
    path("aussonderung/sperren/", views.sperre_setzen, name="aussonderung-sperren"),
    path("aussonderung/sperren/<int:pk>/aufheben/", views.sperre_aufheben, name="aussonderung-sperre-aufheben"),
    path("aussonderung/antwort/", views.antwort_einlesen, name="aussonderung-antwort"),
    path("aussonderung/anbietungen/<int:pk>/uebergeben/", views.uebergeben, name="aussonderung-uebergeben"),
    path("aussonderung/ausgang/<int:pk>/senden/", views.ausgang_senden, name="aussonderung-ausgang-senden"),
    path("aussonderung/loeschen/", views.loeschung_beantragen, name="aussonderung-loeschen"),
    path("aussonderung/loeschungen/<int:pk>/", views.loeschnachweis, name="aussonderung-loeschnachweis"),
    path("aussonderung/loeschungen/<int:pk>/genehmigen/", views.loeschung_genehmigen, name="aussonderung-genehmigen"),
]
