"""Full-text search over documents (PostgreSQL, German configuration)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet

from dms.models import Dokument


def suchanfrage(q: str) -> SearchQuery:
    """websearch syntax: words, "phrases", -exclusions; German stemming."""
    return SearchQuery(q, config="german", search_type="websearch")


def dokumente_volltext(qs: QuerySet[Dokument], q: str) -> QuerySet[Dokument]:
    query = suchanfrage(q)
    return qs.filter(suchvektor=query).annotate(rang=SearchRank(F("suchvektor"), query))
