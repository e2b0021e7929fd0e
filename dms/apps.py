from django.apps import AppConfig


class DmsConfig(AppConfig):
    name = "dms"
    verbose_name = "E-Akte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login/logout audit only: a decoupled side concern)
        from .betrieb import registrierung

        registrierung.registrieren()
