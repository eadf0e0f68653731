from django.apps import AppConfig


class Config(AppConfig):
    """The social-psychological service platform (社会心理服务): stations at three levels with their
    counsellors, counselling appointments (`psych`) and crisis intervention (`crisis`) on the one
    engine, confidential notes, group activities."""

    name = "banshi.psych"
    label = "psych"
    verbose_name = "心理服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the two definitions with their action entries and openers (workflow.py), the
        # crisis hook every newly registered demand passes through, and the category labels.
        from banshi.cases.domain.matters import registered_hook_add
        from banshi.psych import workflow  # noqa: F401
        from banshi.psych.catalog import category_label
        from banshi.psych.crisis import crisis_on_registered
        from banshi.triage.labels import category_labeller_add

        registered_hook_add(crisis_on_registered)
        for prefix in ("psych", "crisis"):
            category_labeller_add(prefix, category_label)
