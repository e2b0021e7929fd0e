from django.urls import path

from . import api

urlpatterns = [path("dokumente/<int:pk>/seiten/", api.DokumentSeitenView.as_view(), name="api-dokument-seiten")]
