"""Small helpers shared by the apps' administration writes (orgs, sla, notify, triage and intake
`domain` modules). Nothing here imports above core."""

from __future__ import annotations

from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput


def required_text(value: str, what: str) -> str:
    """`value` trimmed; InvalidInput ("…不能为空。") when nothing is left. `what` names the field."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(what)s不能为空。") % {"what": what}, code="required")
    return value
