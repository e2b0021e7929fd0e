from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dms.fachverfahren import urls as fachverfahren_urls

admin.site.site_header = "Elektronische Ausländerakte – Verwaltung"
admin.site.site_title = "Ausländerakte Verwaltung"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("", include("dms.betrieb.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("dms.api.urls")),
    path("api/v1/", include("dms.api.urls_sicherheit")),
    path("api/v1/", include("dms.api.urls_abgabe")),
    path("api/v1/", include("dms.postausgang.urls_api")),
    path("api/v1/", include("dms.gericht.urls_api")),
    path("api/v1/", include(fachverfahren_urls.urlpatterns_api)),
    path("api/v1/", include("scanning.api.urls")),
    path("api/v1/", include("scanning.eingang.urls_api")),
    path("api/v1/", include("foerderung.api.urls")),
    path("poststelle/", include("scanning.urls")),
    path("online/", include("scanning.eingang.urls")),  # public online services, no login
    path("foerderung/", include("foerderung.urls")),
    path("", include(fachverfahren_urls.urlpatterns)),
    path("", include("dms.gericht.urls")),
    path("", include("dms.postausgang.urls")),  # deep links /akten/azr/<nr>/ before /akten/<pk>/
    path("", include("dms.urls_sicherheit")),
    path("", include("dms.urls_abgabe")),
    path("", include("scanning.postkorb.urls")),
    path("", include("dms.urls")),
]
