from django.urls import path

from . import sicherheit

urlpatterns = [
    path("protokoll/", sicherheit.ProtokollListe.as_view(), name="api-protokoll"),
    path("protokoll/export.csv", sicherheit.ProtokollExport.as_view(), name="api-protokoll-export"),
]
