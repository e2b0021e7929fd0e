from django.urls import path

from . import views

urlpatterns = [
    path("neueingaenge/", views.neueingaenge_liste, name="neueingaenge"),
    path("neueingaenge/gelesen/", views.neueingaenge_gelesen_markieren, name="neueingaenge-gelesen"),
    path("neueingaenge/<int:dokument>/gelesen/", views.neueingang_gelesen_markieren, name="neueingang-gelesen"),
]
