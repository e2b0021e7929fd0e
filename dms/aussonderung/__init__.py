"""Retention, the state archive and deletion by law (Aussonderung, issue 15); see docs/aussonderung.md."""
