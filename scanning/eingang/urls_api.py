from django.urls import path

from . import api

urlpatterns = [path("eingang/einreichungen/", api.EinreichungView.as_view(), name="eingang-einreichung")]
