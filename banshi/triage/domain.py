"""Administration writes for the routing catalogue (事项目录) the classifier learns from, each
audited; every write resets the live catalogue model, so the next suggestion follows the edit.
Only system administrators may write. The web's admin pages (and any admin API) call these.

Deadline policies belong to sla, which triage does not import: the caller passes `policy_find`
(a policy by code, e.g. `sla.Policy.objects.filter(code=…).first`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from banshi.core.admin import required_text
from banshi.core.audit import audit_write
from banshi.core.errors import Conflict, InvalidInput
from banshi.orgs.enums import UNIT_KIND_AGENCY, Agency, UnitKind
from banshi.orgs.models import Person
from banshi.orgs.permissions import admin_required
from banshi.triage.catalogue import POLICIES as CATALOGUE_POLICIES
from banshi.triage.integration import catalogue_model_reset
from banshi.triage.models import CatalogueItem

CATALOGUE_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_KEYWORD_SPLIT = re.compile(r"[\s,，、;；]+")
MAX_KEYWORDS, MAX_KEYWORD_CHARS = 200, 40
MAX_EXAMPLES, MAX_EXAMPLE_CHARS = 200, 300
CATALOGUE_FIELDS = ("name", "agency", "category", "policy_code", "unit_kinds", "examples", "keywords",
                    "department", "notes", "is_active")


class PolicyRef(Protocol):
    """What the catalogue checks about a deadline policy; an `sla.models.Policy` row is one."""

    @property
    def name(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


PolicyFind = Callable[[str], PolicyRef | None]
"""A deadline policy by code (active or not), None when there is none."""


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
    admin_required(actor, what=_("维护事项目录"))


def _texts(values: Sequence[str], *, split: re.Pattern[str] | None = None) -> list[str]:
    """Trimmed, non-empty, de-duplicated (first occurrence kept) entries."""
    out: list[str] = []
    for value in values:
        for part in split.split(value) if split else [value]:
            part = (part or "").strip()
            if part and part not in out:
                out.append(part)
    return out


def _catalogue_clean(data: CatalogueInput, policy_find: PolicyFind) -> dict[str, Any]:
    name = required_text(data.name, _("事项名称"))
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
    policy = policy_find(policy_code) if policy_code else None
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


def catalogue_item_save(*, actor: Person, item_id: int | None, data: CatalogueInput,
                        policy_find: PolicyFind) -> CatalogueItem:
    """Create (item_id None) or update a routing-catalogue item; the classifier is retrained from
    the edited catalogue on the next suggestion. The audit row names the fields that changed.
    `policy_find` looks up `data.policy_code` (see the module docstring)."""
    _catalogue_admin(actor)
    values = _catalogue_clean(data, policy_find)
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
