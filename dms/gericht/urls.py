from django.urls import path

from . import views

urlpatterns = [
    path("akten/<int:pk>/inhaltsverzeichnis/", views.inhalt, name="akte-inhaltsverzeichnis"),
    path("akten/<int:pk>/aktenvorlage/", views.aktenvorlage, name="akte-aktenvorlage"),
    path("akten/<int:pk>/akteneinsicht/", views.akteneinsicht, name="akte-akteneinsicht"),
]
