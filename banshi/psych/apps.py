from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.psych"
    label = "psych"
    verbose_name = "心理服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the workflow definition(s) and action entries of this kind (workflow.py).
        pass
