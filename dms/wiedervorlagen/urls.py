from django.urls import path

from . import views

urlpatterns = [
    path("wiedervorlagen/", views.wiedervorlagen_liste, name="wiedervorlagen"),
    path("wiedervorlagen/neu/", views.wiedervorlage_anlegen, name="wiedervorlage-anlegen"),
    path("wiedervorlagen/<int:pk>/erledigen/", views.wiedervorlage_erledigen, name="wiedervorlage-erledigen"),
    path("wiedervorlagen/<int:pk>/verschieben/", views.wiedervorlage_verschieben, name="wiedervorlage-verschieben"),
]
