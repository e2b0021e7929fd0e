from django.urls import path

from . import views

urlpatterns = [
    path("neueingaenge/", views.neueingaenge, name="neueingaenge"),
    path("neueingaenge/gelesen/", views.alle_gelesen, name="neueingaenge-gelesen"),
    path("neueingaenge/<int:dokument>/gelesen/", views.gelesen, name="neueingang-gelesen"),
]
