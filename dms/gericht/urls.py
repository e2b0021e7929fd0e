from django.urls import path

from . import uebereinstimmung, views

urlpatterns = [
    path("akten/<int:pk>/inhaltsverzeichnis/", views.inhalt, name="akte-inhaltsverzeichnis"),
    path("akten/<int:pk>/aktenvorlage/", views.aktenvorlage, name="akte-aktenvorlage"),
    path("akten/<int:pk>/auftraege/", views.auftraege, name="akte-gericht-auftraege"),
    path("akten/<int:pk>/akteneinsicht/", views.akteneinsicht, name="akte-akteneinsicht"),
    path("dokumente/<int:pk>/uebereinstimmung/", uebereinstimmung.dokument_bestaetigen, name="dokument-qes"),
    path("akten/<int:pk>/uebereinstimmung/", uebereinstimmung.akte_bestaetigen, name="akte-qes"),
    path("siegel/<int:pk>/nachweis/", uebereinstimmung.nachweis, name="siegel-nachweis"),
    path("uebereinstimmung/auftraege/<int:pk>/", uebereinstimmung.qes_auftrag, name="qes-auftrag"),
    path("uebereinstimmung/auftraege/<int:pk>/stand/", uebereinstimmung.qes_auftrag_stand, name="qes-auftrag-stand"),
]
