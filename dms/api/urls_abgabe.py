"""API routes of issue 7: hand-over between authorities, Datei B, xdomea export and import."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import abgabe

router = SimpleRouter()
router.register("abgaben", abgabe.AktenabgabeViewSet, basename="abgabe")
router.register("datei-b", abgabe.DateiBViewSet, basename="datei-b")

urlpatterns = [
    path("akten/<int:pk>/xdomea-export/", abgabe.XdomeaExportView.as_view(), name="akte-xdomea-export"),
    path("xdomea/import/", abgabe.XdomeaImportView.as_view(), name="xdomea-import"),
    path("", include(router.urls)),
]
