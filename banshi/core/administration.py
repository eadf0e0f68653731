"""Administration writes (units, people, policies, calendars, templates, service points, the
routing catalogue), each audited. None of these touches a case's state. The web's admin pages (and any admin API) call these."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from banshi.cases.enums import Channel
from banshi.core.audit import audit_write
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.intake.models import ServicePoint
from banshi.notify.models import MessageTemplate
from banshi.orgs.enums import UNIT_KIND_AGENCY, Agency, Role, UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.sla.models import CalendarYear, Policy
from banshi.sla.periods import parse_period
from banshi.sla.services import calendar_reload, policy_cache_clear
from banshi.triage.catalogue import POLICIES as CATALOGUE_POLICIES
from banshi.triage.integration import catalogue_model_reset
from banshi.triage.models import CatalogueItem

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


# -- routing catalogue (事项目录) ------------------------------------------------------------------

CATALOGUE_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_KEYWORD_SPLIT = re.compile(r"[\s,，、;；]+")
MAX_KEYWORDS, MAX_KEYWORD_CHARS = 200, 40
MAX_EXAMPLES, MAX_EXAMPLE_CHARS = 200, 300
CATALOGUE_FIELDS = ("name", "agency", "category", "policy_code", "unit_kinds", "examples", "keywords",
                    "department", "notes", "is_active")


@dataclass
class CatalogueInput:
    """One catalogue item as an administrator submits it. `code` is used on create only (empty: one
    is generated from the agency and a counter); an item's code never changes, since suggestions
    stored on cases, correction labels and the emergency rules name items by code."""

    name: str
    agency: str
    policy_code: str
    code: str = ""
    category: str = ""
    unit_kinds: Sequence[str] = ()
    keywords: Sequence[str] = ()
    examples: Sequence[str] = ()
    department: str = ""
    notes: str = ""
    is_active: bool = True


def _catalogue_admin(actor: Person) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("只有系统管理员可以维护事项目录。"), code="admin_only")


def _texts(values: Sequence[str], *, split: re.Pattern[str] | None = None) -> list[str]:
    """Trimmed, non-empty, de-duplicated (first occurrence kept) entries."""
    out: list[str] = []
    for value in values:
        for part in split.split(value) if split else [value]:
            part = (part or "").strip()
            if part and part not in out:
                out.append(part)
    return out


def _catalogue_clean(data: CatalogueInput) -> dict[str, Any]:
    name = _req(data.name, _("事项名称"))
    if len(name) > 80:
        raise InvalidInput(_("事项名称不能超过80字。"), code="too_long")
    agency = (data.agency or "").strip()
    if not agency:
        raise InvalidInput(_("请选择条线。"), code="invalid_agency")
    if agency not in Agency.values:
        raise InvalidInput(_("条线不正确：%(a)s") % {"a": agency}, code="invalid_agency")
    category = (data.category or "").strip()
    if len(category) > 40:
        raise InvalidInput(_("分类不能超过40字。"), code="too_long")
    policy_code = (data.policy_code or "").strip()
    policy = Policy.objects.filter(code=policy_code).first() if policy_code else None
    if policy is None:
        raise InvalidInput(_("时限规则不存在：%(c)s") % {"c": policy_code or "—"}, code="invalid_policy")
    if not policy.is_active:
        raise InvalidInput(_("时限规则已停用：%(c)s，请选择启用中的规则。") % {"c": policy.name}, code="invalid_policy")
    if policy_code not in CATALOGUE_POLICIES:
        # The classifier (triage/catalogue.py) knows a fixed set of policy codes; any other would
        # make every later suggestion fail.
        raise InvalidInput(_("时限规则“%(c)s”不能用于事项目录。") % {"c": policy.name}, code="invalid_policy")
    kinds = _texts(data.unit_kinds)
    for kind in kinds:
        if kind not in UnitKind.values:
            raise InvalidInput(_("优先承办单位类型不正确：%(k)s") % {"k": kind}, code="invalid_unit_kind")
        if UNIT_KIND_AGENCY[kind] != agency:
            raise InvalidInput(_("优先承办单位类型“%(k)s”不属于所选条线。") % {"k": UnitKind(kind).label},
                               code="invalid_unit_kind")
    keywords = _texts(data.keywords, split=_KEYWORD_SPLIT)
    examples = _texts(data.examples)
    if not keywords and not examples:
        raise InvalidInput(_("关键词和示例至少填写一项：分流模型要据此识别这类诉求。"), code="no_text")
    if len(keywords) > MAX_KEYWORDS or any(len(k) > MAX_KEYWORD_CHARS for k in keywords):
        raise InvalidInput(_("关键词最多%(n)d个，每个不超过%(c)d字。") % {"n": MAX_KEYWORDS, "c": MAX_KEYWORD_CHARS},
                           code="too_long")
    if len(examples) > MAX_EXAMPLES or any(len(e) > MAX_EXAMPLE_CHARS for e in examples):
        raise InvalidInput(_("示例最多%(n)d条，每条不超过%(c)d字。") % {"n": MAX_EXAMPLES, "c": MAX_EXAMPLE_CHARS},
                           code="too_long")
    department = (data.department or "").strip()
    if len(department) > 80:
        raise InvalidInput(_("通常承办部门不能超过80字。"), code="too_long")
    notes = (data.notes or "").strip()
    if len(notes) > 2000:
        raise InvalidInput(_("说明不能超过2000字。"), code="too_long")
    return {"name": name, "agency": agency, "category": category, "policy_code": policy_code, "unit_kinds": kinds,
            "examples": examples, "keywords": keywords, "department": department, "notes": notes,
            "is_active": bool(data.is_active)}


def _catalogue_code(raw: str, agency: str) -> str:
    code = (raw or "").strip().lower()
    if code:
        if len(code) > 40 or not CATALOGUE_CODE_RE.match(code):
            raise InvalidInput(_("事项编码只能包含小写字母、数字、点、下划线和连字符，不超过40个字符。"),
                               code="invalid_code")
        if CatalogueItem.objects.filter(code=code).exists():
            raise Conflict(_("事项编码已存在：%(c)s") % {"c": code}, code="code_taken")
        return code
    taken = set(CatalogueItem.objects.filter(code__startswith=f"{agency}.custom_").values_list("code", flat=True))
    n = len(taken) + 1
    while f"{agency}.custom_{n}" in taken:
        n += 1
    return f"{agency}.custom_{n}"


def _catalogue_item_for_update(item_id: int, *, deactivating: bool) -> CatalogueItem:
    """The item, locked. A deactivation first locks every active item in id order, so writers
    take the locks in the same order: concurrent deactivations queue instead of deadlocking, and
    the second sees the first's result. The last active item cannot be deactivated: an empty
    catalogue would silently bring back the default (a catalogue has tens to hundreds of rows)."""
    if deactivating:
        list(CatalogueItem.objects.select_for_update().filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    item = CatalogueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise InvalidInput(_("事项不存在。"), code="invalid_item")
    if deactivating and item.is_active and not CatalogueItem.objects.filter(is_active=True).exclude(pk=item.pk).exists():
        raise Conflict(_("至少要保留一个启用的事项。"), code="last_active")
    return item


def _catalogue_changed() -> None:
    """Called inside the write's transaction. The callers also reset the model right after their
    atomic block (so the same request, or an enclosing transaction, sees the edit); the reset on
    commit covers another thread having rebuilt the model from the old rows in between. Other
    processes notice the change within a minute (the stamp check in triage/integration.py)."""
    transaction.on_commit(catalogue_model_reset)


def catalogue_item_save(*, actor: Person, item_id: int | None, data: CatalogueInput) -> CatalogueItem:
    """Create (item_id None) or update a routing-catalogue item; the classifier is retrained from
    the edited catalogue on the next suggestion. The audit row names the fields that changed."""
    _catalogue_admin(actor)
    values = _catalogue_clean(data)
    code = (data.code or "").strip().lower()
    try:
        with transaction.atomic():
            if item_id is None:
                code = _catalogue_code(code, values["agency"])
                item = CatalogueItem.objects.create(code=code, **values)
                audit_write(actor_id=actor.pk, action="catalogue_item_create", object_type="catalogue_item",
                            object_id=item.pk, data={"code": code, "name": item.name, "agency": item.agency,
                                                     "policy": item.policy_code, "active": item.is_active})
            else:
                item = _catalogue_item_for_update(item_id, deactivating=not values["is_active"])
                changed = sorted(k for k, v in values.items() if getattr(item, k) != v)
                before = {k: getattr(item, k) for k in changed}
                for k, v in values.items():
                    setattr(item, k, v)
                item.save()
                audit_write(actor_id=actor.pk, action="catalogue_item_update", object_type="catalogue_item",
                            object_id=item.pk, data={"code": item.code, "changed": changed, "before": before,
                                                     "after": {k: values[k] for k in changed}})
            _catalogue_changed()
    except IntegrityError:
        raise Conflict(_("事项编码已存在：%(c)s") % {"c": code}, code="code_taken") from None
    catalogue_model_reset()
    return item


def catalogue_item_set_active(*, actor: Person, item_id: int, active: bool) -> CatalogueItem:
    """Deactivate (or reactivate) an item; items are never deleted."""
    _catalogue_admin(actor)
    with transaction.atomic():
        item = _catalogue_item_for_update(item_id, deactivating=not active)
        item.is_active = active
        item.save(update_fields=["is_active", "updated_at"])
        audit_write(actor_id=actor.pk, action="catalogue_item_activate" if active else "catalogue_item_deactivate",
                    object_type="catalogue_item", object_id=item.pk, data={"code": item.code})
        _catalogue_changed()
    catalogue_model_reset()
    return item
