"""Display helpers: Chinese labels for workflow actions and states."""

from __future__ import annotations

from django import template

from banshi.cases.workflow import DEMAND, TABLE, state_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The Chinese label of an event's action (registration, the sweep's events and every rule are
    in the definition)."""
    if action == DEMAND.register.action:
        return str(DEMAND.register.label)
    rule = TABLE.get(action)
    return str(rule.label) if rule else action


@register.filter
def state_name(state: str) -> str:
    return state_label(state) if state else "—"
