"""The audit trail's integrity: keyed chains per authority, checkpoints outside the database, the check, and the one
sanctioned change (pseudonymisation for deletion by law). Entries are written by `dms.audit.protokollieren`.

Decisions and operation: docs/protokoll.md.
"""
