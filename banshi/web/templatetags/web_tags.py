"""Display helpers: Chinese labels for workflow actions and states."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.workflow import REGISTER, TABLE, state_label

register = template.Library()


# Events the deadline sweep writes on its own (banshi/sla/sweep.py); they are not workflow actions.
SYSTEM_EVENTS = {"sla_warning": gettext_lazy("时限预警"), "sla_breach": gettext_lazy("已超时")}


@register.filter
def action_label(action: str) -> str:
    if action == REGISTER:
        return _("登记")
    if action in SYSTEM_EVENTS:
        return str(SYSTEM_EVENTS[action])
    rule = TABLE.get(action)
    return str(rule.label) if rule else action


@register.filter
def state_name(state: str) -> str:
    return state_label(state) if state else "—"
