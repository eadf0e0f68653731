from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.orgs"
    label = "orgs"
    default_auto_field = "django.db.models.BigAutoField"
