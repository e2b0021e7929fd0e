from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "scanning"
    verbose_name = "Poststelle und Scannen"
    default_auto_field = "django.db.models.BigAutoField"
