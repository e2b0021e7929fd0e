from django.urls import path

from . import api

urlpatterns = [path("wiedervorlagen/", api.WiedervorlagenView.as_view(), name="api-wiedervorlagen")]
