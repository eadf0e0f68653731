from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.judicial_aid"
    label = "judicial_aid"
    verbose_name = "司法救助"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the workflow definition(s) and action entries of this kind (workflow.py).
        pass
