"""System checks (`banshi check`, run at every start and in the test suite): the shipped deadline
policies name only actions that a workflow definition has, so no milestone waits for an action
that can never happen."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register()
def policies_name_known_actions(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from banshi.cases.workflow import all_actions
    from banshi.sla.policies import DEFAULT_POLICIES
    from banshi.sla.validation import policy_milestones_check

    known = all_actions()
    errors: list[Error] = []
    for p in DEFAULT_POLICIES:
        for problem in policy_milestones_check(list(p["milestones"]), known_actions=known):
            errors.append(Error(f"deadline policy {p['code']}: {problem}", id="cases.E001"))
    return errors


@register()
def notices_have_texts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every message a workflow rule sends has a default text (notify/data/templates.yaml)."""
    from banshi.cases.notices import citizen_templates
    from banshi.notify.templates import DEFAULT_TEXTS

    return [Error(f"workflow action {action}: message template {code!r} has no text", id="cases.E002")
            for action, code in sorted(citizen_templates().items()) if code not in DEFAULT_TEXTS]
