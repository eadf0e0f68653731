"""Display helpers: Chinese labels for workflow actions and states."""

from __future__ import annotations

from django import template

from banshi.cases.workflow import definitions, state_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The Chinese label of an event's action, from whichever kind's definition has it (registration,
    the sweep's events and every rule are in the definitions; shared actions have one label)."""
    for d in definitions():
        if action == d.register.action:
            return str(d.register.label)
        rule = d.table.get(action)
        if rule is not None:
            return str(rule.label)
    return action


@register.filter
def state_name(state: str) -> str:
    return state_label(state) if state else "—"
