from django.urls import path

from . import api

urlpatterns = [
    path("akten/<int:pk>/notizen/", api.AkteNotizenView.as_view(), name="api-akte-notizen"),
    path("dokumente/<int:pk>/notizen/", api.DokumentNotizenView.as_view(), name="api-dokument-notizen"),
    path("notizen/<int:pk>/", api.NotizView.as_view(), name="api-notiz"),
]
