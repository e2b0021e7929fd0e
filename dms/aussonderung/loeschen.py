"""Really deleting: every row that belongs to a file or a document, and its stored bytes (originals, derived PDFs,
thumbnails, cached page images). The full-text index lives in the rows themselves (`Dokument.suchvektor`,
`Person.namen_normalisiert`), so it goes with them.

Which rows: found by walking Django's model graph backwards from the roots (Akte, Person, Vorgang, Dokument,
DokumentVersion), so rows of apps above dms (a scanned item filed into the file, an online application) and of models
added later are found without dms importing them. From a root every referencing row is deleted; below a root the
`on_delete` rule decides (CASCADE/PROTECT: delete, SET_NULL: unlink); rows that must survive (the deletion record,
the archive's decisions, Datei B) are unlinked, never deleted. PostgreSQL checks the foreign keys at commit
(Django creates them DEFERRABLE INITIALLY DEFERRED), so the rows go in one statement per table in any order.

Stored files: every FileField value of a deleted row and every path in a `vorschaubilder` list; each lies in a folder
of its own object (`dokumente/<uuid>/`, `posteingang/<uuid>/`, `online/<uuid>/`), which is emptied completely (that
also takes the page images cached there). Storage is changed only after the commit (`transaction.on_commit`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from dms.models import Akte, DateiBEintrag, Dokument, DokumentVersion, Person, Vorgang

from .models import Anbietungsposten, Loeschung

logger = logging.getLogger("dms.aussonderung")

WURZELN: frozenset[type[models.Model]] = frozenset({Akte, Person, Vorgang, Dokument, DokumentVersion})
BEHALTEN: frozenset[type[models.Model]] = frozenset({Anbietungsposten, Loeschung, DateiBEintrag})
_LOESCHEN = (models.CASCADE, models.PROTECT, models.RESTRICT)


@dataclass
class Loeschumfang:
    """What a deletion takes: rows per model, rows to unlink, stored paths and their object folders."""

    zeilen: dict[type[models.Model], set[Any]] = field(default_factory=lambda: defaultdict(set))
    loesen: list[tuple[type[models.Model], str, set[Any]]] = field(default_factory=list)
    pfade: set[str] = field(default_factory=set)

    @property
    def ordner(self) -> set[str]:
        return {"/".join(p.split("/")[:2]) for p in self.pfade if p.count("/") >= 2}

    def anzahl(self, model: type[models.Model]) -> int:
        return len(self.zeilen.get(model, ()))


def _rueckbezuege(model: type[models.Model]) -> list[Any]:
    """Every foreign key or one-to-one pointing at `model`, hidden ones (related_name="+") and M2M tables included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def umfang_sammeln(wurzeln: Mapping[type[models.Model], Iterable[Any]]) -> Loeschumfang:
    umfang = Loeschumfang()
    offen: list[tuple[type[models.Model], set[Any]]] = [(m, set(ids)) for m, ids in wurzeln.items()]
    while offen:
        model, ids = offen.pop()
        neu = ids - umfang.zeilen[model]
        if not neu:
            continue
        umfang.zeilen[model] |= neu
        for rel in _rueckbezuege(model):
            ziel: type[models.Model] = rel.related_model
            fk = rel.field
            treffer = set(ziel._base_manager.filter(**{f"{fk.name}__in": neu}).values_list("pk", flat=True))
            if not treffer:
                continue
            loeschen = ziel not in BEHALTEN and (
                model in WURZELN or fk.remote_field.on_delete in _LOESCHEN or not fk.null
            )
            if ziel is model and fk.null:
                loeschen = False  # a self-reference (a split batch's parent) is unlinked, not followed
            if loeschen:
                offen.append((ziel, treffer))
            else:
                umfang.loesen.append((ziel, fk.attname, neu))
    for model, ids in umfang.zeilen.items():
        umfang.pfade |= _gespeicherte_pfade(model, ids)
    return umfang


def _gespeicherte_pfade(model: type[models.Model], ids: set[Any]) -> set[str]:
    dateifelder = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    vorschau = [f.name for f in model._meta.concrete_fields if f.name == "vorschaubilder"]
    if not dateifelder and not vorschau:
        return set()
    pfade: set[str] = set()
    for zeile in model._base_manager.filter(pk__in=ids).values(*dateifelder, *vorschau):
        for name in dateifelder:
            if zeile[name]:
                pfade.add(str(zeile[name]))
        for name in vorschau:
            pfade |= {str(p) for p in zeile[name] or [] if p}
    return pfade


def umfang_loeschen(umfang: Loeschumfang) -> None:
    """Delete the collected rows (call inside the caller's transaction) and schedule the stored files' removal."""
    for model, spalte, ids in umfang.loesen:
        model._base_manager.filter(**{f"{spalte}__in": ids}).update(**{spalte: None})
    with connection.cursor() as cursor:
        for model, ids in umfang.zeilen.items():
            _generische_bezuege_loeschen(model, ids)
            liste = list(ids)
            for start in range(0, len(liste), 5000):
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = ANY(%s)',  # noqa: S608
                    [liste[start : start + 5000]],
                )
    ordner = sorted(umfang.ordner)
    transaction.on_commit(lambda: ordner_leeren(ordner))


def _generische_bezuege_loeschen(model: type[models.Model], ids: set[Any]) -> None:
    """Rows that name an object only by content type and id: the admin's change log (its text names the person)
    and django-guardian's generic object permissions."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    texte = [str(i) for i in ids]
    LogEntry.objects.filter(content_type=ct, object_id__in=texte).delete()
    from guardian.models import GroupObjectPermission, UserObjectPermission

    UserObjectPermission.objects.filter(content_type=ct, object_pk__in=texte).delete()
    GroupObjectPermission.objects.filter(content_type=ct, object_pk__in=texte).delete()


def _dateien_unter(ordner: str) -> list[str]:
    try:
        unterordner, dateien = default_storage.listdir(ordner)
    except FileNotFoundError:
        return []
    pfade = [f"{ordner}/{d}" for d in dateien]
    for u in unterordner:
        pfade += _dateien_unter(f"{ordner}/{u}")
    return pfade


def groesse_ermitteln(umfang: Loeschumfang) -> tuple[int, int]:
    """Number and bytes of the stored files the deletion will remove (read before, for the record)."""
    pfade = [p for o in sorted(umfang.ordner) for p in _dateien_unter(o)]
    return len(pfade), sum(default_storage.size(p) for p in pfade)


def ordner_leeren(ordner: Iterable[str]) -> int:
    """Remove every file under each object folder (and the local empty directories); returns the number removed."""
    anzahl = 0
    for o in ordner:
        for pfad in _dateien_unter(o):
            default_storage.delete(pfad)
            anzahl += 1
        _leere_ordner_entfernen(o)
    logger.info("Aussonderung: %s Dateien aus dem Speicher gelöscht", anzahl)
    return anzahl


def _leere_ordner_entfernen(ordner: str) -> None:
    pfad_von = getattr(default_storage, "path", None)
    if pfad_von is None:
        return  # object stores have no directories
    import shutil
    from pathlib import Path

    try:
        verzeichnis = Path(pfad_von(ordner))
    except Exception:
        return
    if verzeichnis.is_dir() and not any(p.is_file() for p in verzeichnis.rglob("*")):
        shutil.rmtree(verzeichnis, ignore_errors=True)
