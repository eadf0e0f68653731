"""Chinese names for routing codes in templates (`{% load code_labels %}`): a page shows 诈骗, never
`police.fraud`; and the catalogue picker, grouped by agency, for forms that choose an item."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from banshi.triage.labels import agency_label, category_choices, category_label

register = template.Library()


@register.filter(name="category_label")
def category_label_filter(code: str | None) -> str:
    return category_label(code)


@register.filter(name="agency_label")
def agency_label_filter(code: str | None) -> str:
    return agency_label(code)


@register.simple_tag
def category_options(selected: Any = "", blank: str = "") -> SafeString:
    """`<option>`s of the active catalogue items in one `<optgroup>` per agency, the first one
    blank (``blank``: its text). A selected value that is no active item (an old or free-text
    category) stays selectable under its own name."""
    chosen = str(selected or "")
    groups = category_choices()
    known = {code for _, items in groups for code, _ in items}
    parts = [format_html('<option value="">{}</option>', blank)]
    if chosen and chosen not in known:
        parts.append(format_html('<option value="{}" selected>{}</option>', chosen, category_label(chosen)))
    for agency, items in groups:
        options = format_html_join("", '<option value="{}"{}>{}</option>',
                                   ((code, " selected" if code == chosen else "", name) for code, name in items))
        parts.append(format_html('<optgroup label="{}">{}</optgroup>', agency, options))
    return SafeString("".join(parts))
