from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.judicial_aid"
    label = "judicial_aid"
    verbose_name = "司法救助"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The definition, its action entries and the opener a demand's `refer` uses (转国家司法救助).
        from banshi.judicial_aid import workflow  # noqa: F401
        from banshi.judicial_aid.catalog import category_label
        from banshi.triage.labels import category_labeller_add

        category_labeller_add("judicial_aid", category_label)
        from banshi.cases.domain.matters import event_data_filter_register
        from banshi.judicial_aid.access import events_data_for

        event_data_filter_register("judicial_aid", events_data_for)
