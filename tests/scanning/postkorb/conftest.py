"""The caseworker fixtures of the page tests (team, caseworker, colleague, file) serve the in-tray too."""

from tests.dms.ui.conftest import akte, client_sb, kollegin, sb, team  # noqa: F401
