"""N+1 guard: the detail of a file costs the same number of queries with 10 or 200 documents."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from dms.models import Dokument, DokumentVersion, Register
from tests import factories as f

pytestmark = pytest.mark.django_db

# Measured (Nov 2026): 11 for the detail (membership + substitutes, the file, the person, the audit entry with
# lock/last hash/insert, the register overview in 2) and 4 for a list page. One query of headroom each;
# what matters is that neither grows with the number of documents.
BUDGET_AKTE = 12
BUDGET_DOKUMENTLISTE = 5


def _akte_mit_dokumenten(anzahl: int):
    akte = f.AkteFactory()
    register = list(Register.objects.aktiv().order_by("nummer"))
    dokumente = Dokument.objects.bulk_create(
        Dokument(akte=akte, register=register[i % len(register)], titel=f"Schreiben {i}") for i in range(anzahl)
    )
    DokumentVersion.objects.bulk_create(
        DokumentVersion(
            dokument=d,
            nummer=1,
            original=f"dokumente/{d.uuid}/1/original",
            dateiname="scan.pdf",
            sha256=f"{d.pk:064d}",
            groesse=100,
            mime_type="application/pdf",
        )
        for d in dokumente
    )
    return akte


def _anfragen(api, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("anzahl", [10, 200])
def test_akte_detail_query_count_is_constant(api, anzahl, django_assert_max_num_queries):
    akte = _akte_mit_dokumenten(anzahl)
    with django_assert_max_num_queries(BUDGET_AKTE):
        r = api.get(f"/api/v1/akten/{akte.pk}/")
    assert r.status_code == 200
    assert sum(reg["anzahl"] for reg in r.json()["register"]) == anzahl


def test_akte_detail_same_queries_for_10_and_200_documents(api):
    klein, gross = _akte_mit_dokumenten(10), _akte_mit_dokumenten(200)
    _anfragen(api, f"/api/v1/akten/{klein.pk}/")  # warm caches (content types, permissions)
    assert _anfragen(api, f"/api/v1/akten/{klein.pk}/") == _anfragen(api, f"/api/v1/akten/{gross.pk}/")


@pytest.mark.parametrize("anzahl", [10, 200])
def test_document_list_of_a_file_query_count_is_constant(api, anzahl, django_assert_max_num_queries):
    akte = _akte_mit_dokumenten(anzahl)
    with django_assert_max_num_queries(BUDGET_DOKUMENTLISTE):
        r = api.get(f"/api/v1/dokumente/?akte={akte.pk}")
    assert r.status_code == 200
    assert r.json()["count"] == anzahl


def test_akte_page_same_queries_for_10_and_200_documents(client, sachbearbeitung):
    """The HTML page of a file (built in another module): its query count must not grow with the documents either."""
    klein, gross = _akte_mit_dokumenten(10), _akte_mit_dokumenten(200)
    resolve(f"/akten/{klein.pk}/")  # a removed page fails here (Resolver404), it is never skipped
    client.force_login(sachbearbeitung)
    _anfragen(client, f"/akten/{klein.pk}/")
    assert _anfragen(client, f"/akten/{klein.pk}/") == _anfragen(client, f"/akten/{gross.pk}/")
