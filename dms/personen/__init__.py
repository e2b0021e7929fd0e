"""Walk-ins and corrections from the desk: a person and her file without the admin, duplicates checked first;
person data corrected with optimistic locking and history (docs/schreibtisch.md)."""
