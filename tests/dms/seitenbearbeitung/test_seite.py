"""The page editor on the document page: buttons per page, CSRF, messages, a stale form, the merged document."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from dms.models import Dokument
from tests import factories as f

from .hilfen import ablegen, drehungen

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(sachbearbeitung):
    c = Client()
    c.force_login(sachbearbeitung)
    return c


@pytest.fixture
def akte(sachbearbeitung):
    return f.AkteFactory(sachbearbeitung=sachbearbeitung)


def _post(client, dok, **daten):
    return client.post(f"/dokumente/{dok.pk}/seiten/bearbeiten/", daten, follow=True)


def test_editor_offers_each_page_action_with_csrf(client, akte):
    dok = ablegen(akte, "Brief", 3)
    ablegen(akte, "Anlage", 1)
    seite = client.get(f"/dokumente/{dok.pk}/").content.decode()
    editor = seite[seite.index('id="seiten-bearbeiten"') :]
    assert editor.count("csrfmiddlewaretoken") == 3 * 2 + 1  # page form + delete form per page, merge form
    assert "Seite 1</strong> · Bl. 1" in editor and "Hier teilen" in editor
    assert len(re.findall(r'value="hoch"', editor)) == 2 and len(re.findall(r'value="runter"', editor)) == 2
    strikt = Client(enforce_csrf_checks=True)
    strikt.force_login(akte.sachbearbeitung)
    antwort = strikt.post(f"/dokumente/{dok.pk}/seiten/bearbeiten/", {"aktion": "links", "seite": 1, "version": 1})
    assert antwort.status_code == 403 and dok.versionen.count() == 1


def test_rotate_move_delete_split_from_the_page(client, akte):
    dok = ablegen(akte, "Brief", 4)
    antwort = _post(client, dok, aktion="rechts", seite=2, version=1)
    assert "Seite 2 wurde gedreht (Version 2)" in antwort.content.decode()
    assert drehungen(dok.versionen.get(nummer=2)) == [0, 90, 0, 0]
    antwort = _post(client, dok, aktion="hoch", seite=1, version=2)
    assert "schon die erste Seite" in antwort.content.decode() and dok.versionen.count() == 2
    _post(client, dok, aktion="runter", seite=1, version=2)
    assert dok.versionen.get(nummer=3).blattnummern == [2, 1, 3, 4]
    antwort = _post(client, dok, aktion="loeschen", seite=4, version=3, grund="")
    assert "Grund" in antwort.content.decode() and dok.versionen.count() == 3
    antwort = _post(client, dok, aktion="loeschen", seite=4, version=3, grund="doppelt eingescannt")
    assert "Seite 4 wurde gelöscht" in antwort.content.decode()
    antwort = _post(client, dok, aktion="teilen", seite=3, version=4)
    seite = antwort.content.decode()
    assert "Die Seiten ab Seite 3 sind jetzt das neue Dokument" in seite
    neu = Dokument.objects.exclude(pk=dok.pk).get()
    assert neu.versionen.get().blattnummern == [3]
    inhalt = client.get(f"/akten/{akte.pk}/inhaltsverzeichnis/").content.decode()
    assert "Bl. 4 entfernt am" in inhalt and "doppelt eingescannt" in inhalt
    # the earlier versions are listed for download
    assert "?version=1&amp;original=1" in seite


def test_stale_form_is_refused_with_the_current_version(client, akte):
    dok = ablegen(akte, "Brief", 2)
    _post(client, dok, aktion="links", seite=1, version=1)
    antwort = _post(client, dok, aktion="rechts", seite=2, version=1)
    assert "inzwischen bearbeitet (jetzt Version 2)" in antwort.content.decode()
    assert dok.versionen.count() == 2


def test_merge_from_the_page_and_the_ended_document_says_where_it_went(client, akte):
    a = ablegen(akte, "Antrag", 1)
    b = ablegen(akte, "<b>Anlage</b>", 1)
    seite = client.get(f"/dokumente/{a.pk}/").content.decode()
    assert "&lt;b&gt;Anlage&lt;/b&gt;" in seite and "<b>Anlage</b>" not in seite
    antwort = _post(client, a, aktion="zusammenfuehren", dokument=b.pk, version=1)
    assert "stehen jetzt am Ende (Version 2); alle Seiten behalten ihr Blatt" in antwort.content.decode()
    seite = client.get(f"/dokumente/{b.pk}/").content.decode()
    assert 'id="aufgegangen"' in seite and f'href="/dokumente/{a.pk}/"' in seite
    assert 'id="seiten-bearbeiten"' not in seite
    assert f"/dokumente/{b.pk}/" not in client.get(f"/akten/{akte.pk}/").content.decode()


def test_read_only_role_sees_no_editor_and_may_not_post(akte):
    dok = ablegen(akte, "Brief", 2)
    poststelle = Client()
    poststelle.force_login(f.benutzer("OF", "poststelle"))  # sees the files of her authority, changes none
    seite = poststelle.get(f"/dokumente/{dok.pk}/")
    assert seite.status_code == 200 and 'id="seiten-bearbeiten"' not in seite.content.decode()
    antwort = poststelle.post(f"/dokumente/{dok.pk}/seiten/bearbeiten/", {"aktion": "links", "seite": 1, "version": 1})
    assert antwort.status_code == 403 and dok.versionen.count() == 1
