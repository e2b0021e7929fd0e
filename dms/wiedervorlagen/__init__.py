"""Resubmissions (Wiedervorlagen) on a file, a procedure or a document (docs/schreibtisch.md)."""
