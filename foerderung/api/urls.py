from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("foerderung/antraege", views.FoerderantragViewSet, basename="foerderantrag")

urlpatterns = [
    path("foerderung/berechnung/", views.BerechnungView.as_view(), name="foerderung-berechnung"),
    path("", include(router.urls)),
]
