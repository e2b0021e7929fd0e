from django.apps import AppConfig


class DmsConfig(AppConfig):
    name = "dms"
    verbose_name = "E-Akte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login/logout audit only: a decoupled side concern)
        from .aussonderung import betrieb as aussonderung_betrieb
        from .aussonderung.demo import faellige_akten_anlegen
        from .betrieb import registrierung
        from .demo import demo_teil_registrieren

        registrierung.registrieren()
        aussonderung_betrieb.registrieren()
        demo_teil_registrieren("Aussonderung", faellige_akten_anlegen)
