from django.urls import path

from . import views

urlpatterns = [
    path("wiedervorlagen/", views.wiedervorlagen, name="wiedervorlagen"),
    path("wiedervorlagen/neu/", views.anlegen, name="wiedervorlage-anlegen"),
    path("wiedervorlagen/<int:pk>/erledigen/", views.erledigen, name="wiedervorlage-erledigen"),
    path("wiedervorlagen/<int:pk>/verschieben/", views.verschieben, name="wiedervorlage-verschieben"),
]
