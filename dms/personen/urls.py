from django.urls import path

from . import views

urlpatterns = [
    path("vorsprache/", views.vorsprache, name="vorsprache"),
    path("personen/<int:pk>/akte-anlegen/", views.akte_fuer_person, name="person-akte-anlegen"),
    path("personen/<int:pk>/bearbeiten/", views.person_bearbeiten, name="person-bearbeiten"),
]
