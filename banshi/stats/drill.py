"""Every figure drills down to the cases behind it: the queue's query parameters for a figure,
and the case filters those parameters mean. The list itself is the ordinary queue, read within
the viewer's scope (cases/queries/cases.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput
from banshi.orgs.models import Unit
from banshi.orgs.scoping import unit_subtree_ids
from banshi.stats.measures import actions_for, measures


def drill_params(measure: str, start: date, end: date, *, unit_id: int | None = None,
                 region_code: str | None = None, agency: str | None = None, subtree: bool = False) -> str:
    """The queue's query string for the cases behind one figure (`subtree`: the unit and its sub-units)."""
    params: dict[str, Any] = {"m": measure, "m_from": start.isoformat(), "m_to": end.isoformat()}
    if unit_id:
        params["m_unit"] = unit_id
        if subtree:
            params["m_tree"] = 1
    if region_code:
        params["region"] = region_code
    if agency:
        params["m_agency"] = agency
    return urlencode(params)


def _day(raw: str | None, what: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("%(what)s格式不正确。") % {"what": what}, code="invalid_date") from None


def drill_filters(get: Any) -> dict[str, Any]:
    """The CaseFilters fields a drill-down's parameters (`m`, `m_from`, `m_to`, `m_unit`,
    `m_agency`) mean; {} when the request is not a drill-down. `get` is a QueryDict or a dict."""
    measure = (get.get("m") or "").strip()
    if not measure:
        return {}
    if measure not in measures():
        raise InvalidInput(_("统计口径不正确：%(m)s") % {"m": measure[:24]}, code="invalid_measure")
    start = _day(get.get("m_from"), _("统计开始日期"))
    end = _day(get.get("m_to"), _("统计结束日期"))
    unit = (get.get("m_unit") or "").strip()
    if unit and not (unit.isascii() and unit.isdigit() and len(unit) <= 18):
        raise InvalidInput(_("单位不正确。"), code="invalid_unit")
    agency = (get.get("m_agency") or "").strip()[:16] or None
    units: list[int] | None = None
    if unit:
        root = Unit.objects.filter(pk=int(unit)).first()
        subtree = root is not None and bool(get.get("m_tree"))
        units = unit_subtree_ids(root) if subtree and root is not None else [int(unit)]
    if measure == "received":
        return {"received_from": start, "received_to": end, "intake_unit_ids": units}
    actions = sorted(actions_for(measure))
    if not actions:
        raise InvalidInput(_("该口径不能查看明细。"), code="invalid_measure")
    return {"event_actions": actions, "event_from": start, "event_to": end, "event_unit_ids": units,
            "event_agency": agency}
