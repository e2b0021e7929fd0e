"""German date formats for every page (FORMAT_MODULE_PATH): dates always as TT.MM.JJJJ, never "1. Dezember 2026" or
the browser's locale order; input as TT.MM.JJJJ, ISO (YYYY-MM-DD) still accepted for the API and older clients."""

from django.conf.locale.de.formats import *  # noqa: F403  (everything else as Django's German locale has it)

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
