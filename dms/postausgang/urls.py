from django.urls import path

from . import views

urlpatterns = [
    path("postausgang/", views.liste, name="postausgang"),
    path("postausgang/<int:pk>/", views.schreiben, name="postausgang-schreiben"),
    path("postausgang/<int:pk>/pdf/", views.pdf, name="postausgang-pdf"),
    path("akten/<int:akte_id>/schreiben/neu/", views.neu, name="postausgang-neu"),
]
