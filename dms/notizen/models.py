"""Notiz: a short internal note on a file or on one of its documents, with author and time.

Not a Vermerk: a Vermerk (dms/vermerk.py) is a formal record that becomes a document of the file (a PDF with sheet
numbers, exported with the file); a note is a working aid of the authority. It is never exported (xdomea), never
part of a court submission or an inspection copy, and visible only inside the file's own authority.

Writes go through `dms.notizen.services`; reads start at `Notiz.objects.visible_to(user)` (the search asks the same
rule per matching note's file by primary key, `dms.suche.notiztreffer_sql`; change both together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from dms.access import sichtbare_akten_ids, zugang
from dms.models import Akte, Dokument

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

TEXT_LAENGE = 5000


class NotizQuerySet(models.QuerySet["Notiz"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> NotizQuerySet:
        """The notes her authority wrote, in every file the user may see: an inspection grant (Akteneinsicht) shows
        another authority the file, never its internal notes, and a file handed over to another authority goes
        without them (`behoerde` is the writing authority, dms 0034). A restricted file's notes only for those
        named on it (through `sichtbare_akten_ids`, the rule of `akte_sichtbar_q`)."""
        z = zugang(user)
        if z.behoerde_id is None:
            return self.none()
        return self.filter(akte_id__in=sichtbare_akten_ids(user), behoerde_id=z.behoerde_id)


class Notiz(models.Model):
    akte = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="notizen", verbose_name="Akte")
    # The authority that wrote the note (its file's when written), set by PostgreSQL (trigger, migration dms 0034),
    # never by code; it stays when the file goes to another authority: the note is that authority's working aid.
    behoerde = models.ForeignKey(
        "dms.Behoerde", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    # Set for a note on a document; the note then follows the document when it is moved (dms/services/umlegung.py).
    dokument = models.ForeignKey(
        Dokument, on_delete=models.CASCADE, null=True, blank=True, related_name="notizen", verbose_name="Dokument"
    )
    text = models.TextField("Text", max_length=TEXT_LAENGE)
    verfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="verfasst von"
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("zuletzt geändert", null=True, blank=True)
    # Optimistic locking (dms/services/locking.py): an edit names the version it was made on; a stale one is refused.
    version = models.PositiveIntegerField("Version", default=1)
    # The text's search vector (German), kept by PostgreSQL itself (trigger, migration dms 0033), never written by
    # code: the search filters on the stored vector, never on to_tsvector(text) computed per row (58 µs per note:
    # 1.2 s for a window of 20,000 notes, 21 s for a common word among a million).
    suchvektor = SearchVectorField(null=True, editable=False)

    objects = NotizQuerySet.as_manager()

    class Meta:
        verbose_name = "Notiz"
        verbose_name_plural = "Notizen"
        ordering = ["-angelegt_am", "-id"]
        indexes = [
            models.Index(fields=["akte", "-angelegt_am"], name="notiz_akte_zeit"),
            models.Index(fields=["dokument", "-angelegt_am"], name="notiz_dokument_zeit"),
            GinIndex(fields=["behoerde", "suchvektor"], name="notiz_behoerde_suchvektor", fastupdate=False),
        ]

    def __str__(self) -> str:
        return f"Notiz {self.pk} ({self.akte_id})"
