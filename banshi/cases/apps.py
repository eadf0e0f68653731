from typing import Any

from django.apps import AppConfig


class Config(AppConfig):
    name = "banshi.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Wire cases into the generic services below it: its background tasks into notify's
        registry, its region paths to orgs' region moves, and its actions into the check of
        deadline policies (a policy may name only actions some workflow definition has)."""
        from banshi.cases import checks  # noqa: F401  (registers the system checks)
        from banshi.cases.links import case_duplicates_link
        from banshi.cases.workflow import all_actions
        from banshi.notify.tasks import task_register
        from banshi.orgs.signals import region_moved
        from banshi.sla.validation import known_actions_provider_set

        def duplicate_check(payload: dict[str, Any]) -> None:
            case_duplicates_link(int(str(payload["case_id"])))

        task_register("duplicate_check", duplicate_check)
        region_moved.connect(_region_moved, dispatch_uid="cases.region_moved")
        known_actions_provider_set(all_actions)


def _region_moved(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from banshi.cases.models import Case

    Case.objects.filter(region_path__startswith=old_path).update(
        region_path=Concat(Value(new_path), Substr("region_path", len(old_path) + 1))
    )
