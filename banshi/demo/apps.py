from django.apps import AppConfig


class Config(AppConfig):
    """The top floor: the demo world (`banshi demo`). No models; nothing below imports it."""

    name = "banshi.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
