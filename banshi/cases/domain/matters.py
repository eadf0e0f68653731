"""Specialised matters (法律援助, 人民调解 …) on the one register: opening a matter of any kind with
its registration event, and opening one from a demand (转专项服务) linked both ways by `origin`.

The kinds themselves live above cases (banshi/services/): each registers its workflow definition
and an opener here at start-up, so a demand's `refer` action can open a matter of a kind cases
does not know."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.intake import tracking_code_new
from banshi.cases.enums import CaseType, Channel, Kind
from banshi.cases.models import Case
from banshi.cases.workflow import definition_for, record_registration, transition
from banshi.core.errors import InvalidInput, NotFound, PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.orgs.scoping import sees_region, unit_within
from banshi.sla.services import policy_by_code

# kind → opener(origin demand, *, actor, unit, note, now) → the new matter (in the caller's transaction)
Opener = Callable[..., Case]
_OPENERS: dict[str, Opener] = {}
MATTER_MAX_TEXT = 5000
NUMBER_PREFIX: dict[str, str] = {"demand": "BS", "legal_aid": "FY", "mediation": "TJ", "notary": "GZ",
                                  "judicial_aid": "JZ", "psych": "XL", "crisis": "WJ"}
# Called with every newly registered demand inside its transaction (e.g. a self-harm demand opens
# a crisis-intervention matter at once: banshi/psych). Filled by the apps above cases at start-up.
RegisteredHook = Callable[[Case], None]
_REGISTERED_HOOKS: list[RegisteredHook] = []


# kind → fn(person, case, datas, ip=…) → the events' data as this person may see it (e.g. judicial aid
# masks amounts for anyone outside the deciding unit and logs full views). Filled at start-up.
EventDataFilter = Callable[..., list[dict[str, Any]]]
_EVENT_DATA_FILTERS: dict[str, EventDataFilter] = {}


def event_data_filter_register(kind: str, fn: EventDataFilter) -> None:
    _EVENT_DATA_FILTERS[kind] = fn


def events_data_for(person: Person, case: Case, datas: list[dict[str, Any]], *, ip: str | None = None
                    ) -> list[dict[str, Any]]:
    """The event data of a case's timeline as this person may see it (every kind's own rule)."""
    fn = _EVENT_DATA_FILTERS.get(case.kind)
    return fn(person, case, datas, ip=ip) if fn else datas


def registered_hook_add(hook: RegisteredHook) -> None:
    if hook not in _REGISTERED_HOOKS:
        _REGISTERED_HOOKS.append(hook)


def registered_hooks_run(case: Case) -> None:
    for hook in _REGISTERED_HOOKS:
        hook(case)


def opener_register(kind: str, opener: Opener) -> None:
    _OPENERS[kind] = opener


def referral_kinds() -> list[str]:
    return [k for k in Kind.values if k in _OPENERS]


def text_clean(value: str | None, what: str, *, required: bool = True, limit: int = MATTER_MAX_TEXT) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(_("%(what)s不能为空。") % {"what": what}, code="text_required")
    if len(text) > limit:
        raise InvalidInput(_("%(what)s不能超过%(n)d字。") % {"what": what, "n": limit}, code="text_too_long")
    return text


def service_unit(unit_id: int, kinds: tuple[str, ...], what: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None or unit.kind not in kinds:
        raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code="invalid_unit")
    return unit


def opener_check(actor: Person | None, unit: Unit, origin: Case | None) -> None:
    """Who may open a matter at a unit directly: its own staff (or a parent unit's), or a supervisor
    of its region. From a demand, the demand's `refer` rule has decided; from the portal there is no
    actor."""
    if actor is None or origin is not None:
        return
    if not actor.is_active or actor.role == Role.ADMIN:
        raise PermissionDenied(_("您无权在该单位登记。"), code="action_forbidden")
    if unit_within(actor, unit.pk):
        return
    if sees_region(actor) and actor.unit is not None and unit.region.path.startswith(actor.unit.region.path):
        return
    raise PermissionDenied(_("您无权在该单位登记。"), code="action_forbidden")


def matter_register(
    kind: str, *, intake_unit: Unit, lead_unit: Unit | None, actor: Person | None, content: str,
    title: str = "", channel: str = Channel.WINDOW, type: str = CaseType.HELP, citizen_name: str = "",
    citizen_phone: str = "", citizen_id_number: str = "", address: str = "", origin: Case | None = None,
    policy_code: str = "", category: str = "", agency: str = "", urgency: str = "normal",
    received_at: datetime | None = None, now: datetime | None = None, data: dict[str, Any] | None = None,
    after: Callable[[Case], None] | None = None, notify: bool = True,
) -> Case:
    """Open a matter of `kind`: the case row, its number, its registration event and clock, and
    `after(case)` (the kind's own file row) — one transaction. Values are checked by the caller
    (the kind's domain function); this writes."""
    d = definition_for(kind)
    now = now or timezone.now()
    region = (origin.region if origin is not None and origin.region_id else None) or intake_unit.region
    policy = policy_by_code(policy_code) if policy_code else None
    if policy_code and policy is None:
        raise InvalidInput(_("时限规则不存在：%(code)s") % {"code": policy_code}, code="invalid_policy")
    received = received_at or now
    case = Case(
        kind=kind, origin=origin, tracking_code=tracking_code_new(), type=type, channel=channel,
        title=(title or content[:30])[:120], content=content, citizen_name=citizen_name, citizen_phone=citizen_phone,
        citizen_id_number=citizen_id_number, address=address, region=region, region_path=region.path,
        category=category, agency=agency or (lead_unit.agency if lead_unit else intake_unit.agency), urgency=urgency,
        received_at=received, policy=policy, intake_unit=intake_unit, lead_unit=lead_unit, created_by=actor,
        state=d.initial,
    )
    with transaction.atomic():
        case.save()
        case.number = f"{NUMBER_PREFIX.get(kind, 'BS')}{timezone.localtime(received):%Y%m%d}{case.pk:07d}"
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {Case._meta.db_table} SET number = %s WHERE id = %s", [case.number, case.pk])
        if after is not None:
            after(case)
        record_registration(case, actor, {"channel": channel, **(data or {})}, now, notify=notify)
    return case


def case_refer(case_id: int, *, actor: Person, kind: str, unit_id: int, note: str = "",
               expected_version: int | None = None, now: datetime | None = None) -> Case:
    """转专项服务: open a legal-aid or mediation matter from this demand, without re-typing; the
    demand's event names the new matter and the matter's `origin` names the demand. The demand
    itself goes on (its unit still replies to the citizen)."""
    opener = _OPENERS.get(kind)
    if opener is None:
        raise InvalidInput(_("不能转入该类事项：%(kind)s") % {"kind": kind[:20]}, code="invalid_kind")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise NotFound(_("单位不存在。"))
    now = now or timezone.now()
    opened: dict[str, Case] = {}

    def check(case: Case) -> None:
        if case.kind != Kind.DEMAND:
            raise InvalidInput(_("只有群众诉求可以转专项服务。"), code="invalid_kind")

    def open_matter(case: Case, event: Any) -> None:
        matter = opener(case, actor=actor, unit=unit, note=note, now=now)
        opened["matter"] = matter
        event.data = {**event.data, "matter_id": matter.pk, "matter_number": matter.number}
        event.save(update_fields=["data"])

    with transaction.atomic():
        case = transition(case_id, "refer", actor=actor, reason=note, before=check, after=open_matter,
                          expected_version=expected_version, now=now,
                          data={"kind": kind, "kind_label": str(Kind(kind).label), "unit": unit.name})
    return case
