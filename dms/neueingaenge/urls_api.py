from django.urls import path

from . import api

urlpatterns = [
    path("neueingaenge/", api.NeueingaengeView.as_view(), name="api-neueingaenge"),
    path("neueingaenge/<int:dokument>/gelesen/", api.NeueingangGelesenView.as_view(), name="api-neueingang-gelesen"),
]
