"""Pages of the legacy-file digitisation, under /poststelle/altakten/ in the `scanning` namespace."""

from django.urls import path

from . import views, views_gliederung

urlpatterns = [
    path("", views.uebersicht, name="altakten-uebersicht"),
    path("los/neu/", views.los_neu, name="altakten-los-neu"),
    path("los/<int:pk>/", views.los_detail, name="altakten-los"),
    path("los/<int:pk>/status/", views.los_status, name="altakten-los-status"),
    path("los/<int:pk>/lieferung/", views.lieferung_starten, name="altakten-lieferung"),
    path("los/<int:pk>/lieferung/<int:lieferung_pk>/", views.lieferung_status, name="altakten-lieferung-status"),
    path("los/<int:pk>/stichproben/", views.stichproben, name="altakten-stichproben"),
    path("los/<int:pk>/stichprobe/<int:probe_pk>/", views.stichprobe_erfassen, name="altakten-stichprobe"),
    path("los/<int:pk>/eilscan/", views.eilscan, name="altakten-eilscan"),
    path("los/<int:pk>/uebergabeliste.pdf", views.uebergabeliste, name="altakten-uebergabeliste"),
    path("los/<int:pk>/gliederungen/", views_gliederung.gliederungen_offen, name="altakten-gliederungen"),
    path("los/<int:pk>/gliederungen/vorschlagen/", views_gliederung.gliederungen_anstossen, name="altakten-gliedern"),
    path("gliederung/<int:pk>/", views_gliederung.gliederung_bearbeiten, name="altakten-gliederung"),
    path("registertrennblaetter.pdf", views_gliederung.trennblaetter, name="altakten-trennblaetter"),
]
