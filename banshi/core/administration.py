"""Administration writes (units, people, policies, calendars, templates, service points), each
audited. None of these touches a case's state. The web's admin pages (and any admin API) call these."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.cases.enums import Channel
from banshi.core.audit import audit_write
from banshi.core.errors import Conflict, InvalidInput
from banshi.intake.models import ServicePoint
from banshi.notify.models import MessageTemplate
from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.sla.models import CalendarYear, Policy
from banshi.sla.periods import parse_period
from banshi.sla.services import calendar_reload, policy_cache_clear

MILESTONE_KEYS = {"kind", "label", "period", "start", "met_by", "recurring", "next_period", "pausable", "on_reopen"}


def _req(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(what)s不能为空。") % {"what": what}, code="required")
    return value


def unit_create(*, actor: Person, name: str, kind: str, region_code: str, parent_id: int | None) -> Unit:
    name = _req(name, _("单位名称"))[:120]
    if kind not in UnitKind.values:
        raise InvalidInput(_("单位类型不正确。"), code="invalid_kind")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise InvalidInput(_("行政区划代码不存在。"), code="invalid_region")
    parent = Unit.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        raise InvalidInput(_("上级单位不存在。"), code="invalid_parent")
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, region=region, parent=parent)
        audit_write(actor_id=actor.pk, action="unit_create", object_type="unit", object_id=unit.pk,
                    data={"name": name, "kind": kind, "region": region_code, "parent": parent_id})
    return unit


def unit_set_active(*, actor: Person, unit_id: int, active: bool) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput(_("单位不存在。"), code="invalid_unit")
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(is_active=active)
        audit_write(actor_id=actor.pk, action="unit_activate" if active else "unit_deactivate",
                    object_type="unit", object_id=unit.pk)
    unit.is_active = active
    return unit


def person_create(*, actor: Person, username: str, display_name: str, role: str, unit_id: int | None,
                  password: str) -> Person:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    username = _req(username, _("用户名"))[:150]
    if role not in Role.values:
        raise InvalidInput(_("角色不正确。"), code="invalid_role")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if Person.objects.filter(username=username).exists():
        raise Conflict(_("用户名已存在。"), code="username_taken")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak_password") from None
    with transaction.atomic():
        p = Person(username=username, display_name=(display_name or "").strip()[:60], role=role, unit=unit)
        p.set_password(password)
        p.save()
        audit_write(actor_id=actor.pk, action="person_create", object_type="person", object_id=p.pk,
                    data={"username": username, "role": role, "unit": unit.pk})
    return p


def person_update(*, actor: Person, person_id: int, role: str, unit_id: int | None, active: bool) -> Person:
    p = Person.objects.filter(pk=person_id).first()
    if p is None:
        raise InvalidInput(_("人员不存在。"), code="invalid_person")
    if role not in Role.values:
        raise InvalidInput(_("角色不正确。"), code="invalid_role")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if p.pk == actor.pk and (role != Role.ADMIN or not active):
        raise Conflict(_("不能取消自己的管理员身份或停用自己。"), code="self_demote")
    before = {"role": p.role, "unit": p.unit_id, "active": p.is_active}
    with transaction.atomic():
        p.role, p.unit, p.is_active = role, unit, active
        p.save(update_fields=["role", "unit", "is_active"])
        audit_write(actor_id=actor.pk, action="person_update", object_type="person", object_id=p.pk,
                    data={"before": before, "after": {"role": role, "unit": unit.pk, "active": active}})
    return p


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
    return value


def policy_update(*, actor: Person, policy_id: int, name: str, source: str, milestones_json: str,
                  max_extension: str, active: bool) -> Policy:
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
        policy.name = _req(name, _("名称"))[:80]
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


def template_save(*, actor: Person, code: str, name: str, body: str) -> MessageTemplate:
    code = _req(code, _("代码"))[:40]
    with transaction.atomic():
        tpl, created = MessageTemplate.objects.update_or_create(
            code=code, defaults={"name": _req(name, _("名称"))[:80], "body": _req(body, _("内容"))})
        audit_write(actor_id=actor.pk, action="template_create" if created else "template_update",
                    object_type="message_template", object_id=tpl.pk, data={"code": code})
    return tpl


def service_point_create(*, actor: Person, code: str, name: str, channel: str, unit_id: int | None) -> ServicePoint:
    from django.utils.text import slugify

    code = slugify(_req(code, _("编码")))[:40]
    if not code:
        raise InvalidInput(_("编码只能包含字母、数字和连字符。"), code="invalid_code")
    if channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if ServicePoint.objects.filter(code=code).exists():
        raise Conflict(_("编码已存在。"), code="code_taken")
    with transaction.atomic():
        sp = ServicePoint.objects.create(code=code, name=_req(name, _("名称"))[:120], channel=channel, unit=unit,
                                         region=unit.region)
        audit_write(actor_id=actor.pk, action="service_point_create", object_type="service_point", object_id=sp.pk,
                    data={"code": code, "unit": unit.pk})
    return sp
