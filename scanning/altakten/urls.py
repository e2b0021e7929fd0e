"""Pages of the legacy-file digitisation, under /poststelle/altakten/ in the `scanning` namespace."""

from django.urls import path

from . import views

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
]
