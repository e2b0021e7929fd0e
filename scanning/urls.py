from django.urls import include, path

from . import views

app_name = "scanning"

urlpatterns = [
    path("", views.poststelle, name="poststelle"),
    path("hochladen/", views.hochladen, name="hochladen"),
    path("status/", views.status, name="status"),
    path("heute/", views.heute, name="heute"),
    path("buch/", views.buch, name="buch"),
    path("<int:pk>/original/", views.original, name="original"),
    path("deckblatt/<int:akte_id>/", views.deckblatt, name="deckblatt"),
    path("altakten/", include("scanning.altakten.urls")),  # legacy-file digitisation
]
