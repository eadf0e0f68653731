from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.notary"
    label = "notary"
    verbose_name = "公证"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the workflow definition and its action entries (workflow.py), and the words of
        # the matters' categories ("notary.will" → 公证·遗嘱公证) for lists and statistics.
        from banshi.notary import workflow  # noqa: F401
        from banshi.notary.catalog import category_label
        from banshi.triage.labels import category_labeller_add

        category_labeller_add("notary", category_label)
