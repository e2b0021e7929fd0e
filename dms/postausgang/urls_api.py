from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("postausgang", api.AusgangsschreibenViewSet, basename="postausgang")
router.register("briefvorlagen", api.BriefvorlageViewSet, basename="briefvorlage")

urlpatterns = [
    path("postausgang/rueckmeldung/", api.RueckmeldungView.as_view(), name="postausgang-rueckmeldung"),
    path("", include(router.urls)),
]
