from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The top floor: the commands that run the system (serve, worker, the SLA sweep)."""

    name = "banshi.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"
