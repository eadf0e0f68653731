from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported at start-up so that the heartbeat's grace period counts from process start.
        from banshi.notify import health  # noqa: F401
