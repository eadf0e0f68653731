"""Display helpers: Chinese labels for workflow actions and states."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from banshi.cases.workflow import REGISTER, TABLE, state_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    if action == REGISTER:
        return _("登记")
    rule = TABLE.get(action)
    return str(rule.label) if rule else action


@register.filter
def state_name(state: str) -> str:
    return state_label(state) if state else "—"
