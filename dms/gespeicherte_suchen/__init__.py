"""Gespeicherte Suchen: a user's own saved queries, listed on her desk (docs/schreibtisch.md)."""
