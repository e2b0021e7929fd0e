"""/metrics: Prometheus text format for operators only; queue depth read from Redis under this run's key prefix."""

from __future__ import annotations

import pytest
from celery import current_app
from django.contrib.auth.models import Permission
from prometheus_client.parser import text_string_to_metric_families

from dms.models import Rolle
from tests import factories as f

pytestmark = pytest.mark.django_db
TOKEN = "betrieb-token-0123456789abcdef"


def werte(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    ergebnis = {}
    for familie in text_string_to_metric_families(text):
        for probe in familie.samples:
            ergebnis[(probe.name, tuple(sorted(probe.labels.items())))] = probe.value
    return ergebnis


def test_no_credentials_or_wrong_token_is_401(client, settings):
    settings.METRICS_TOKEN = TOKEN
    r = client.get("/metrics")
    assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Bearer")
    assert b"akte_" not in r.content
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401


def test_token_unset_never_matches(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_caseworker_and_authority_admin_get_404(client):
    for rolle in (Rolle.SACHBEARBEITUNG, Rolle.BEHOERDENADMIN):
        client.force_login(f.benutzer("OF", rolle))
        assert client.get("/metrics").status_code == 404


def test_operator_by_permission_superuser_and_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    betrieb = f.UserFactory()
    betrieb.user_permissions.add(Permission.objects.get(codename="betrieb_ueberwachen"))
    client.force_login(betrieb)
    r = client.get("/metrics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain; version=0.0.4")
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/metrics").status_code == 200
    client.logout()
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_request_latency_by_view_and_items_by_status(client, settings, sachbearbeitung):
    settings.METRICS_TOKEN = TOKEN
    client.force_login(sachbearbeitung)
    assert client.get("/").status_code == 200
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    w = werte(text)
    assert (
        w[("akte_http_anfrage_sekunden_count", (("methode", "GET"), ("status", "2xx"), ("view", "arbeitsplatz")))] >= 1
    )
    assert ("akte_posteingang", (("status", "zu_pruefen"),)) in w
    fehler = {k[1][0][1]: v for k, v in w.items() if k[0] == "akte_metriken_sammler_fehler"}
    assert fehler and set(fehler.values()) == {0.0}, fehler


def test_queue_depth_per_queue_under_this_runs_prefix(client, settings):
    """A message on `altakten` (no worker of the tests reads it) shows as depth 1 there, under this run's prefix."""
    settings.METRICS_TOKEN = TOKEN
    with current_app.connection_for_write() as verbindung:
        verbindung.default_channel.client.delete(
            f"{settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix']}altakten"
        )
        vorher = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
        assert vorher[("akte_warteschlange_laenge", (("warteschlange", "altakten"),))] == 0
        current_app.send_task("scanning.tasks.dokument_verarbeiten", args=[0], queue="altakten", connection=verbindung)
        w = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
        assert w[("akte_warteschlange_laenge", (("warteschlange", "altakten"),))] == 1
        assert {("akte_warteschlange_laenge", (("warteschlange", q),)) for q in ("ocr", "default")} <= set(w)
        verbindung.default_channel.client.delete(
            f"{settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix']}altakten"
        )


def test_storage_errors_are_counted_by_operation(client, settings):
    from django.core.files.storage import default_storage

    settings.METRICS_TOKEN = TOKEN

    def fehler() -> float:
        w = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
        return w.get(("akte_speicher_fehler_total", (("art", "FileNotFoundError"), ("vorgang", "lesen"))), 0.0)

    vorher = fehler()
    with pytest.raises(FileNotFoundError):
        default_storage.open("dokumente/gibt-es-nicht/1/original", "rb")
    assert fehler() == vorher + 1


def test_log_sentences_lose_their_quoted_values():
    from dms.betrieb.protokollierung import ohne_werte

    assert ohne_werte("Die Primärdatei „x.pdf“ („Bescheid Öztürk.pdf“) fehlt im Paket.") == (
        "Die Primärdatei „…“ („…“) fehlt im Paket."
    )
    assert ohne_werte("Das Paket enthält einen unzulässigen Pfad ('../Müller.pdf').") == (
        "Das Paket enthält einen unzulässigen Pfad ('…')."
    )
    assert ohne_werte("Die Nachricht ist kein wohlgeformtes XML: Zeile 3 Ayşe") == (
        "Die Nachricht ist kein wohlgeformtes XML: …"
    )


def test_audit_chain_check_result_is_exported(client, settings):
    """The last `protokoll_pruefen` result reaches operators: 1/0 for the chain, findings, time of the check."""
    from django.utils import timezone

    from dms.models import ProtokollPruefung
    from dms.protokoll.pruefung import pruefung_ausfuehren

    settings.METRICS_TOKEN = TOKEN
    ergebnis = pruefung_ausfuehren()
    assert ergebnis.in_ordnung
    w = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert w[("akte_protokollkette_ok", ())] == 1
    assert w[("akte_protokollkette_befunde", ())] == 0
    ProtokollPruefung.objects.create(zeitpunkt=timezone.now(), in_ordnung=False, befunde=2, erster_befund="Eintrag 7")
    w = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert w[("akte_protokollkette_ok", ())] == 0
    assert w[("akte_protokollkette_befunde", ())] == 2
