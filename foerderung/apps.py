from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"
    default_auto_field = "django.db.models.BigAutoField"
