"""Page editing as a new version: rotate, delete, reorder, split, merge (docs/schreibtisch.md)."""
