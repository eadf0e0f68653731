from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
