from django.urls import path

from . import api, views

urlpatterns = [
    path("akten/azr/<str:azr_nummer>/", views.akte_per_azr, name="akte-azr"),
    path("akten/fachverfahren/<str:kennung>/", views.akte_per_kennung, name="akte-fachverfahren"),
]

urlpatterns_api = [
    path("fachverfahren/dokumente/", api.DokumentEinstellenView.as_view(), name="fachverfahren-dokumente"),
    path("fachverfahren/verknuepfen/", api.VerknuepfenView.as_view(), name="fachverfahren-verknuepfen"),
]
