from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("posteingang", views.PosteingangViewSet, basename="posteingang")

urlpatterns = [path("", include(router.urls))]
