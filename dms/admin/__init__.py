"""Django admin for every model of the e-file (German), fast with 100,000 files.

- Superusers see everything; a user with the role `behoerdenadmin` sees only her own authority's objects
  (`BehoerdeMixin`, the single place of that rule). Land-wide data is read-only for her.
- Persons, files, procedures and documents are written through `dms.services` (audit entry, numbering, locking).
- No COUNT(*) over huge tables: `SchaetzenderPaginator` and `show_full_result_count = False`.
"""

from . import akten, landesdaten, organisation, zugriff  # noqa: F401  (registers the ModelAdmins)
from .basis import BEHOERDENADMIN_GRUPPE, behoerdenadmin_gruppe

# isort: split
from dms.postausgang import admin as _postausgang_admin  # noqa: F401  (letter templates)

__all__ = ["BEHOERDENADMIN_GRUPPE", "behoerdenadmin_gruppe"]
