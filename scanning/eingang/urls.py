from django.urls import path

from . import views

app_name = "eingang"

urlpatterns = [
    path("verpflichtungserklaerung/", views.verpflichtungserklaerung, name="verpflichtungserklaerung"),
    path("verpflichtungserklaerung/eingegangen/<uuid:einreichung>/", views.bestaetigung, name="bestaetigung"),
]
