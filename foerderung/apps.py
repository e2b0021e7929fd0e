from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dms.navigation import Menuepunkt, menuepunkt_registrieren

        from .zugriff import darf_foerderung_sehen

        menuepunkt_registrieren(
            Menuepunkt("Förderung", "foerderung-uebersicht", darf_foerderung_sehen, 80, "/foerderung/")
        )
