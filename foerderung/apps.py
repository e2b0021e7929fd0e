from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dms.demo import demo_teil_registrieren
        from dms.navigation import Menuepunkt, menuepunkt_registrieren

        from .demo import foerderrunde_oeffnen
        from .zugriff import darf_foerderung_sehen

        demo_teil_registrieren("Förderung", foerderrunde_oeffnen)

        menuepunkt_registrieren(
            Menuepunkt("Förderung", "foerderung-uebersicht", darf_foerderung_sehen, 80, "/foerderung/")
        )
