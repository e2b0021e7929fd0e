from django.urls import path

from . import gesundheit, metriken

# /healthz and /readyz are answered by BetriebMiddleware before the rest of the stack; the patterns name them
# for reverse() and the route walker of the access tests.
urlpatterns = [
    path("healthz", lambda request: gesundheit.healthz(), name="healthz"),
    path("readyz", lambda request: gesundheit.readyz(), name="readyz"),
    path("metrics", metriken.metriken, name="metriken"),
]
