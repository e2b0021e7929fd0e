"""Notizen: short internal notes on a file or a document (docs/schreibtisch.md, "Notizen")."""
