from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.triage"
    label = "triage"
    default_auto_field = "django.db.models.BigAutoField"
