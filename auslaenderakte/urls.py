from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dms.fachverfahren import urls as fachverfahren_urls

admin.site.site_header = "Elektronische Ausländerakte – Verwaltung"
admin.site.site_title = "Ausländerakte Verwaltung"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without <link rel="icon"> (Django admin): no 404 in the logs.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True), name="favicon"),
    path("", include("dms.betrieb.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Behind login (SERVE_PERMISSIONS), Swagger UI from our own static files, its start script a file of its own
    # (split view) so the page runs under the same CSP as every other page.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("dms.api.urls")),
    path("api/v1/", include("dms.api.urls_sicherheit")),
    path("api/v1/", include("dms.api.urls_abgabe")),
    path("api/v1/", include("dms.postausgang.urls_api")),
    path("api/v1/", include("dms.aussonderung.urls_api")),
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
    path("", include("dms.aussonderung.urls")),
    path("", include("scanning.postkorb.urls")),
    path("", include("dms.urls")),
]
