from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("aussonderung/loeschsperren", api.SperreViewSet, basename="aussonderung-loeschsperre")
router.register("aussonderung/anbietungen", api.AnbietungViewSet, basename="aussonderung-anbietung")
router.register("aussonderung/ausgang", api.AusgangViewSet, basename="aussonderung-ausgang")
router.register("aussonderung/loeschungen", api.LoeschungViewSet, basename="aussonderung-loeschung")

urlpatterns = [
    path("aussonderung/", api.FaelligListe.as_view(), name="aussonderung-list"),
    path("aussonderung/abschluss/", api.AbschlussView.as_view(), name="aussonderung-abschluss"),
    path("aussonderung/land/", api.LandZahlenView.as_view(), name="aussonderung-land"),
    path("", include(router.urls)),
]
