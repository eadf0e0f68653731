from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"
