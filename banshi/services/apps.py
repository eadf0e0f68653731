from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """Specialised matters on the one engine: 法律援助 and 人民调解 (each its own workflow definition)."""

    name = "banshi.services"
    label = "services"
    verbose_name = "专项服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the definitions, their action entries and the openers a demand's 转专项服务 uses.
        from banshi.services.catalog import category_label
        from banshi.services.workflow import legal_aid, mediation  # noqa: F401
        from banshi.triage.labels import category_labeller_add

        for prefix in ("legal_aid", "mediation"):
            category_labeller_add(prefix, category_label)
