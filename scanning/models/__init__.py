"""Models of the Poststelle. Other modules append their own import lines below."""

from .posteingang import Posteingang, PosteingangQuerySet
from .seitenverteilung import Seitenverteilung

__all__ = ["Posteingang", "PosteingangQuerySet", "Seitenverteilung"]
from scanning.altakten.models import (  # noqa: F401  (registered here: Django loads an app's models from models)
    Digitalisierungslos,
    Gliederung,
    Lieferung,
    LosAkte,
    LosStatuswechsel,
    Scanauftrag,
    Stichprobe,
)
from scanning.eingang.models import (  # noqa: F401
    EingangsMail,
    Onlineanlage,
    Onlineantrag,
    Plattform,
    Postfach,
    Zustaendigkeit,
)
from scanning.klassifikation.models import Klassifikationskorrektur, Seitenmerkmale  # noqa: F401
