from django.urls import path

from . import api

urlpatterns = [
    path("akten/<int:pk>/inhaltsverzeichnis/", api.InhaltsverzeichnisView.as_view(), name="api-inhaltsverzeichnis"),
    path("akten/<int:pk>/aktenvorlage/", api.AktenvorlageAnlegenView.as_view(), name="api-aktenvorlage-anlegen"),
    path("akten/<int:pk>/akteneinsicht/", api.AkteneinsichtAnlegenView.as_view(), name="api-akteneinsicht-anlegen"),
    path("aktenvorlagen/<int:pk>/", api.AktenvorlageView.as_view(), name="api-aktenvorlage"),
    path("aktenvorlagen/<int:pk>/datei/", api.AktenvorlageDateiView.as_view(), name="api-aktenvorlage-datei"),
    path("einsichtskopien/<int:pk>/", api.EinsichtskopieView.as_view(), name="api-einsichtskopie"),
    path("akten/<int:pk>/uebereinstimmung/", api.QesAnlegenView.as_view(), name="api-qes-anlegen"),
    path("uebereinstimmungen/<int:pk>/", api.QesAuftragView.as_view(), name="api-qes-auftrag"),
    path("einsichtskopien/<int:pk>/datei/", api.EinsichtskopieDateiView.as_view(), name="api-einsichtskopie-datei"),
]
