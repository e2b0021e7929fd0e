from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views
from .suche import SucheView
from .umlegung import DokumentUmlegenView

router = DefaultRouter()
router.register("behoerden", views.BehoerdeViewSet, basename="behoerde")
router.register("personen", views.PersonViewSet, basename="person")
router.register("akten", views.AkteViewSet, basename="akte")
router.register("vorgaenge", views.VorgangViewSet, basename="vorgang")
router.register("dokumente", views.DokumentViewSet, basename="dokument")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("suche/", SucheView.as_view(), name="api-suche"),
    path("dokumente/<int:pk>/umlegen/", DokumentUmlegenView.as_view(), name="api-dokument-umlegen"),
    path("", include("dms.neueingaenge.urls_api")),
    path("", include("dms.wiedervorlagen.urls_api")),
    path("", include("dms.seitenbearbeitung.urls_api")),
    path("", include("dms.notizen.urls_api")),
    path("", include(router.urls)),
]
