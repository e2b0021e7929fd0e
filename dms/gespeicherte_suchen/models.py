"""GespeicherteSuche: a name, a query string and the search page's filters, for one user only.

Writes go through `dms.gespeicherte_suchen.services`; reads start at `GespeicherteSuche.objects.visible_to(user)`
(her own, nobody else's: not her team lead's, not an administrator's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

NAME_LAENGE = 100
# The filters the search page offers (dms.suche.Filter), stored as their query-string values.
FILTERFELDER = ("register", "vorgangsart", "von", "bis")


class GespeicherteSucheQuerySet(models.QuerySet["GespeicherteSuche"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> GespeicherteSucheQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)


class GespeicherteSuche(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="Benutzer"
    )
    name = models.CharField("Name", max_length=NAME_LAENGE)
    q = models.CharField("Suchbegriff", max_length=500)
    filter = models.JSONField("Filter", default=dict, blank=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    # When she last ran it from her desk: what was filed since then counts as new (the desk's hit counts).
    zuletzt_ausgefuehrt_am = models.DateTimeField("zuletzt ausgeführt am", null=True, blank=True)

    objects = GespeicherteSucheQuerySet.as_manager()

    class Meta:
        verbose_name = "gespeicherte Suche"
        verbose_name_plural = "gespeicherte Suchen"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="gespeicherte_suche_name_je_user")]

    def __str__(self) -> str:
        return self.name

    @property
    def parameter(self) -> dict[str, str]:
        werte = {"q": self.q}
        filter_ = self.filter if isinstance(self.filter, dict) else {}
        werte.update({k: str(filter_[k]) for k in FILTERFELDER if filter_.get(k)})
        return werte

    @property
    def url(self) -> str:
        return f"{reverse('suche')}?{urlencode(self.parameter)}"
