from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.sla"
    label = "sla"
    default_auto_field = "django.db.models.BigAutoField"
