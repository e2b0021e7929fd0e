from django.urls import path

from . import views

urlpatterns = [
    path("akten/<int:pk>/notizen/", views.akte_notizen, name="akte-notizen"),
    path("dokumente/<int:pk>/notizen/", views.dokument_notizen, name="dokument-notizen"),
    path("notizen/neu/", views.notiz_anlegen, name="notiz-anlegen"),
    path("notizen/<int:pk>/aendern/", views.notiz_aendern, name="notiz-aendern"),
    path("notizen/<int:pk>/loeschen/", views.notiz_loeschen, name="notiz-loeschen"),
]
