"""In-tray pages, included at / without a namespace (the URL names predate the move from dms)."""

from django.urls import path

from . import views

urlpatterns = [
    path("postkorb/", views.postkorb, name="postkorb"),
    path("postkorb/sammel/", views.sammel, name="postkorb-sammel"),
    path("postkorb/<int:pk>/", views.eintrag, name="postkorb-eintrag"),
    path("postkorb/<int:pk>/vorschau/<int:seite>.png", views.vorschau, name="postkorb-vorschau"),
    path("postkorb/<int:pk>/zuordnen/", views.eintrag_zuordnen, name="postkorb-zuordnen"),
    path("postkorb/<int:pk>/neue-akte/", views.neue_akte, name="postkorb-neue-akte"),
    path("postkorb/<int:pk>/weiterleiten/", views.weiterleiten, name="postkorb-weiterleiten"),
    path("postkorb/zuruecklegen/<int:dokument>/", views.zuruecklegen, name="postkorb-zuruecklegen"),
    path("postkorb/akten-suche/", views.akten_suche, name="postkorb-akten-suche"),
]
