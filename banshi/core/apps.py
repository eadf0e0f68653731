from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from banshi.core import lookups  # noqa: F401  (registers the `__any` lookup)
