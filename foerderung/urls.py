from django.urls import path

from . import views

urlpatterns = [
    path("", views.uebersicht, name="foerderung-uebersicht"),
    path("antrag/neu/", views.antrag_neu, name="foerderung-antrag-neu"),
    path("antrag/<int:pk>/", views.antrag_detail, name="foerderung-antrag"),
    path("antrag/<int:pk>/bescheid/", views.bescheid_erteilen, name="foerderung-bescheid"),
    path("antrag/<int:pk>/verwendungsnachweis/", views.nachweis_erstellen, name="foerderung-nachweis-erstellen"),
    path("verwendungsnachweis/<int:pk>.pdf", views.nachweis_pdf, name="foerderung-nachweis-pdf"),
    path("verwendungsnachweis/<int:pk>.csv", views.nachweis_csv, name="foerderung-nachweis-csv"),
]
