"""Models of the Poststelle. Other modules append their own import lines below."""

from .posteingang import Posteingang, PosteingangQuerySet

__all__ = ["Posteingang", "PosteingangQuerySet"]
from .altakten import Digitalisierungslos, Lieferung, LosAkte, LosStatuswechsel, Scanauftrag, Stichprobe  # noqa: F401
