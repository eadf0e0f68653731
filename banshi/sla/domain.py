"""Administration writes for deadline policies and the holiday calendar, each audited. None of
these touches a case: new deadlines follow the edit (the policy cache is cleared on commit, the
calendar reloaded). The web's admin pages (and any admin API) call these."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.core.admin import required_text
from banshi.core.audit import audit_write
from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person
from banshi.orgs.permissions import admin_required
from banshi.sla.models import CalendarYear, Policy
from banshi.sla.periods import parse_period
from banshi.sla.services import calendar_reload, policy_cache_clear
from banshi.sla.validation import known_actions

MILESTONE_KEYS = {"kind", "label", "period", "start", "met_by", "recurring", "next_period", "pausable", "on_reopen"}


def policy_milestones_parse(text: str) -> list[dict[str, Any]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(_("时限节点不是有效的JSON：%(e)s") % {"e": exc.msg}, code="invalid_json") from None
    if not isinstance(value, list) or not value:
        raise InvalidInput(_("时限节点必须是非空列表。"), code="invalid_milestones")
    kinds: set[str] = set()
    for i, m in enumerate(value, 1):
        if not isinstance(m, dict):
            raise InvalidInput(_("第%(i)d个节点必须是对象。") % {"i": i}, code="invalid_milestones")
        unknown = set(m) - MILESTONE_KEYS
        if unknown:
            raise InvalidInput(_("第%(i)d个节点有未知字段：%(f)s") % {"i": i, "f": "、".join(sorted(unknown))},
                               code="invalid_milestones")
        if not isinstance(m.get("kind"), str) or not m["kind"] or m["kind"] in kinds:
            raise InvalidInput(_("第%(i)d个节点的 kind 缺失或重复。") % {"i": i}, code="invalid_milestones")
        kinds.add(m["kind"])
        for key in ("period", "next_period"):
            if key in m:
                try:
                    parse_period(m[key])
                except ValueError as exc:
                    raise InvalidInput(_("第%(i)d个节点：%(e)s") % {"i": i, "e": exc}, code="invalid_period") from None
        if "period" not in m:
            raise InvalidInput(_("第%(i)d个节点缺少期限 period。") % {"i": i}, code="invalid_milestones")
        for key in ("start", "met_by"):
            if not isinstance(m.get(key, []), list) or not all(isinstance(a, str) for a in m.get(key, [])):
                raise InvalidInput(_("第%(i)d个节点的 %(k)s 必须是操作名列表。") % {"i": i, "k": key},
                                   code="invalid_milestones")
            # A typo here would make a milestone that is never started or never met: every action
            # named must be one some workflow definition has (told to sla by the workflow at start-up).
            known = known_actions()
            unknown_actions = sorted({a for a in m.get(key, []) if known is not None and a not in known})
            if unknown_actions:
                raise InvalidInput(
                    _("第%(i)d个节点的 %(k)s 含有不存在的操作：%(a)s") % {"i": i, "k": key, "a": "、".join(unknown_actions)},
                    code="unknown_action",
                )
    return value


def policy_update(*, actor: Person, policy_id: int, name: str, source: str, milestones_json: str,
                  max_extension: str, active: bool) -> Policy:
    admin_required(actor)
    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise InvalidInput(_("时限规则不存在。"), code="invalid_policy")
    milestones = policy_milestones_parse(milestones_json)
    max_extension = (max_extension or "").strip()
    if max_extension:
        try:
            max_extension = str(parse_period(max_extension))
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_period") from None
    before = {"milestones": policy.milestones, "max_extension": policy.max_extension, "active": policy.is_active}
    with transaction.atomic():
        policy.name = required_text(name, _("名称"))[:80]
        policy.source = (source or "").strip()[:255]
        policy.milestones, policy.max_extension, policy.is_active = milestones, max_extension, active
        policy.save()
        transaction.on_commit(policy_cache_clear)
        audit_write(actor_id=actor.pk, action="policy_update", object_type="policy", object_id=policy.pk,
                    data={"before": before, "after": {"milestones": milestones, "max_extension": max_extension,
                                                      "active": active}})
    return policy


def _dates(text: str, year: int, what: str) -> list[str]:
    out: set[str] = set()
    for token in (text or "").replace("，", ",").replace("\n", ",").split(","):
        token = token.strip()
        if not token:
            continue
        try:
            d = date.fromisoformat(token)
        except ValueError:
            raise InvalidInput(_("%(what)s中的日期格式不正确：%(t)s（应为 2027-01-01）") % {"what": what, "t": token},
                               code="invalid_date") from None
        if d.year != year:
            raise InvalidInput(_("%(what)s中的日期 %(t)s 不属于%(y)d年。") % {"what": what, "t": token, "y": year},
                               code="invalid_date")
        out.add(d.isoformat())
    return sorted(out)


def calendar_year_load(*, actor: Person, year: int, holidays: str, workdays: str, source: str) -> CalendarYear:
    admin_required(actor)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年份不正确。"), code="invalid_year")
    hol = _dates(holidays, year, _("放假日期"))
    work = _dates(workdays, year, _("调休上班日期"))
    if set(hol) & set(work):
        raise InvalidInput(_("同一天不能既放假又上班。"), code="calendar_overlap")
    with transaction.atomic():
        row, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"holidays": hol, "workdays": work, "source": (source or "").strip()[:255],
                                 "loaded_by": actor})
        audit_write(actor_id=actor.pk, action="calendar_load", object_type="calendar", object_id=year,
                    data={"holidays": len(hol), "workdays": len(work), "source": row.source})
    calendar_reload()
    return row
