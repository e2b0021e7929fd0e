from django.urls import path

from . import views

urlpatterns = [
    path("dokumente/<int:pk>/seiten/bearbeiten/", views.seiten_bearbeiten, name="dokument-seiten-bearbeiten"),
    path("dokumente/<int:pk>/vorschau/<int:seite>.png", views.seite_vorschau, name="dokument-vorschau"),
]
