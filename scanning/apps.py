from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "scanning"
    verbose_name = "Poststelle und Scannen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dms.access import zugang
        from dms.demo import demo_teil_registrieren
        from dms.navigation import Menuepunkt, menuepunkt_registrieren
        from dms.services import nach_umlegung_registrieren
        from dms.suche import suchquelle_registrieren
        from dms.views.arbeitsplatz import abschnitt_registrieren

        from . import betrieb
        from .altakten.zugriff import darf_fortschritt_sehen
        from .postkorb.queries import arbeitsplatz_abschnitt
        from .postkorb.suche import postkorb_durchsuchen

        # The start page lives in dms, which never imports the mail room: the in-tray part is registered here.
        abschnitt_registrieren(arbeitsplatz_abschnitt)
        # The search box (dms.suche) finds items waiting in the in-trays the user sees.
        suchquelle_registrieren(postkorb_durchsuchen)
        from .demo import post_einlegen

        demo_teil_registrieren("Post", post_einlegen)
        from .services.posteingang import posteingang_umgelegt

        # A document moved to another file (dms.services.dokument_umlegen): the Posteingangsbuch follows it.
        nach_umlegung_registrieren(posteingang_umgelegt)
        betrieb.registrieren()  # file sources, metrics and queues for dms/betrieb
        # The main menu (dms.navigation): the same checks the views make.
        menuepunkt_registrieren(Menuepunkt("Postkorb", "postkorb", lambda u: zugang(u).darf_aendern, 20, "/postkorb/"))
        menuepunkt_registrieren(
            Menuepunkt("Poststelle", "scanning:poststelle", lambda u: zugang(u).hat_postzugang, 70, "/poststelle/")
        )
        menuepunkt_registrieren(
            Menuepunkt("Altakten", "scanning:altakten-uebersicht", darf_fortschritt_sehen, 75, "/poststelle/altakten/")
        )
