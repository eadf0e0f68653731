"""心理危机干预: the domain functions of the `crisis` matter (workflow.py), each running one action
through `transition()`.

A demand the triage flags as a self-harm emergency (`case.triage["emergency"] == "self_harm"`)
opens a crisis matter at once, inside the demand's registration transaction (`crisis_on_registered`,
registered with `registered_hook_add` in apps.ready()): at the station that serves the demand's
region (stations.py: the nearest station up the region tree with a duty counsellor), its `origin`
the demand, with the policy `crisis` (first contact within 2 hours), and alerts in the outbox — the
station unit's inbox (the `emergency` template, as every emergency registration), each duty
counsellor and the region's supervisors. No station for the region: logged and skipped; the
demand's registration never fails because of it.

First contact (`cr_contact`) records the minutes from opening to contact in its event's data
(`first_contact_minutes`, `within_deadline`); a hand-over to 110/120/… (`cr_handover`) does the same
when it is the first response. What was said goes to confidential notes (notes.py), never into
events."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, text_clean
from banshi.cases.enums import CaseType, Channel, Kind, Urgency
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput
from banshi.core.privacy import phone_normalise
from banshi.notify.outbox import outbox_enqueue
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.psych import catalog
from banshi.psych.enums import CrState
from banshi.psych.inputs import CrOpenIn
from banshi.psych.models import Counsellor, CrisisFile, Station
from banshi.psych.notes import note_add
from banshi.psych.stations import (
    counsellor_of,
    duty_counsellors,
    station_for_region,
    station_for_unit,
    station_get,
)

logger = logging.getLogger(__name__)

KIND = "crisis"
POLICY = "crisis"
TRIGGER = "self_harm"  # the triage emergency kind that opens a crisis matter (banshi/triage/emergency.py)
ALERT_TEMPLATE = "emergency"
FUTURE_SLACK = timedelta(minutes=5)


def _file(case: Case) -> CrisisFile:
    f = CrisisFile.objects.select_for_update().filter(case=case).first()
    if f is None:  # pragma: no cover - every crisis matter is opened with its file
        raise Conflict(_("危机干预案卷不存在。"), code="no_file")
    return f


# -- opening ---------------------------------------------------------------------------------------


def crisis_open(station: Station, *, actor: Person | None, source: str, content: str, origin: Case | None = None,
                emergency: str = "", counsellor: Counsellor | None = None, finding: str = "",
                citizen_name: str = "", citizen_phone: str = "", citizen_id_number: str = "", address: str = "",
                channel: str = Channel.PHONE, now: datetime | None = None, notify: bool = True) -> Case:
    """Open a crisis matter at the station (one transaction with its file and alerts). `finding`
    (what a counsellor found) is kept as a confidential note; `content` is what the responders need
    to reach the person (the demand's words, or a neutral line)."""
    now = now or timezone.now()
    counsellor = counsellor or next((c for c in duty_counsellors(station) if c.person_id), None)

    def file(case: Case) -> None:
        Case.objects.filter(pk=case.pk).update(confidential=True)
        case.confidential = True
        CrisisFile.objects.create(case=case, station=station, counsellor=counsellor, source=source,
                                  emergency=emergency, opened_at=now)
        note_add(case, "finding", finding, author=actor, counsellor=counsellor_of(actor, station), at=now)

    with transaction.atomic():
        case = matter_register(
            KIND, intake_unit=station.unit, lead_unit=station.unit, actor=actor, content=content,
            title=_("心理危机干预"), channel=channel, type=CaseType.HELP, citizen_name=citizen_name,
            citizen_phone=citizen_phone, citizen_id_number=citizen_id_number, address=address[:255], origin=origin,
            policy_code=POLICY, category=f"crisis.{source}", urgency=Urgency.EMERGENCY, received_at=now, now=now,
            after=file, notify=notify,
            data={"source": source, "emergency": emergency, "station_id": station.pk, "station": station.name,
                  "counsellor": counsellor.name if counsellor else "",
                  **({"origin_number": origin.number} if origin is not None else {})},
        )
        event = CaseEvent.objects.filter(case=case, action="cr_open").order_by("id").first()
        if notify and event is not None:
            crisis_alerts(case, event, station, counsellor)
    return case


def crisis_alerts(case: Case, event: CaseEvent, station: Station, counsellor: Counsellor | None) -> list[str]:
    """The alerts beyond the unit inbox (which every emergency registration gets, cases/notices.py):
    each duty counsellor of the station (and the matter's counsellor) and the region's supervisors
    — those of the nearest level up the region tree that has any. Returns the recipients."""
    recipients: list[str] = []
    people = [c.person_id for c in duty_counsellors(station) if c.person_id and c.person and c.person.is_active]
    if counsellor is not None and counsellor.person_id:
        people.append(counsellor.person_id)
    for code in reversed([c for c in case.region_path.split("/") if c]):
        ids = list(Person.objects.filter(role=Role.SUPERVISOR, is_active=True, unit__is_active=True,
                                         unit__region_id=code).order_by("id").values_list("id", flat=True))
        if ids:
            people += ids
            break
    payload: dict[str, Any] = {
        "number": case.number or "", "action": event.action, "label": _("心理危机干预：请立即联系（2小时内首次接触）"),
        "milestone": "first_contact", "station": station.name,
        "due_at": timezone.localtime(case.next_due_at).isoformat() if case.next_due_at else "",
        **({"origin_number": event.data["origin_number"]} if event.data.get("origin_number") else {}),
    }
    for pk in dict.fromkeys(people):
        recipient = f"person:{pk}"
        outbox_enqueue(channel="internal", template=ALERT_TEMPLATE, recipient=recipient, payload=payload,
                       at=event.at, case_id=case.pk, event_id=event.pk)
        recipients.append(recipient)
    return recipients


def _registered_at(demand: Case) -> datetime:
    event = CaseEvent.objects.filter(case=demand, from_state="").order_by("id").first()
    return event.at if event is not None else timezone.now()


def crisis_from_demand(demand: Case) -> Case | None:
    """The crisis matter for a self-harm demand just registered; None (logged) when no station
    serves its region."""
    station = station_for_region(demand.region_path)
    if station is None:
        logger.warning("心理危机干预未启动：诉求 %s 所在区域（%s）没有心理服务站点", demand.number, demand.region_path)
        return None
    return crisis_open(
        station, actor=None, source="self_harm", content=demand.content, origin=demand,
        emergency=str((demand.triage or {}).get("emergency") or ""), citizen_name=demand.citizen_name,
        citizen_phone=demand.citizen_phone, citizen_id_number=demand.citizen_id_number, address=demand.address,
        channel=demand.channel, now=_registered_at(demand),
    )


def crisis_on_registered(case: Case) -> None:
    """The registration hook (cases/domain/matters.py): a self-harm demand opens its crisis matter
    in the same transaction. It must never fail the demand: any failure is logged and rolled back
    to its own savepoint."""
    if case.kind != Kind.DEMAND or (case.triage or {}).get("emergency") != TRIGGER:
        return
    try:
        with transaction.atomic():
            crisis_from_demand(case)
    except Exception:  # the demand's registration must go on (its emergency alert is already written)
        logger.exception("心理危机干预启动失败：诉求 %s", case.number)


def crisis_open_direct(data: CrOpenIn, *, actor: Person, now: datetime | None = None) -> Case:
    """A crisis reported to a station directly (a call, a visit, a grid worker)."""
    station = station_get(data.station_id)
    opener_check(actor, station.unit, None)
    facts = text_clean(data.facts, _("发现的情况"))
    return crisis_open(
        station, actor=actor, source="manual", content=facts,
        citizen_name=text_clean(data.citizen_name, _("姓名"), required=False, limit=60),
        citizen_phone=phone_normalise(data.citizen_phone),
        address=text_clean(data.address, _("所在位置"), required=False, limit=255), now=now,
        counsellor=counsellor_of(actor, station),
    )


def crisis_open_from_demand(demand: Case, *, actor: Person, unit: Unit, note: str, now: datetime) -> Case:
    """转心理危机干预 (a demand's `refer`): at the unit's station nearest the demand's region."""
    existing = Case.objects.filter(origin=demand, kind=KIND).exclude(
        state__in=[CrState.CLOSED, CrState.DISMISSED]).values_list("number", flat=True).first()
    if existing:
        raise Conflict(_("该诉求已启动心理危机干预：%(n)s") % {"n": existing}, code="crisis_exists")
    station = station_for_unit(unit, demand.region_path)
    if station is None:
        raise InvalidInput(_("该单位没有心理服务站点，不能转心理危机干预。"), code="invalid_unit")
    return crisis_open(
        station, actor=actor, source="referral", content=demand.content, origin=demand,
        emergency=str((demand.triage or {}).get("emergency") or ""), finding=note, citizen_name=demand.citizen_name,
        citizen_phone=demand.citizen_phone, citizen_id_number=demand.citizen_id_number, address=demand.address,
        channel=demand.channel, now=now,
    )


# -- the steps -------------------------------------------------------------------------------------


def _when(at: datetime | None, now: datetime, opened: datetime, what: str) -> datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidInput(_("%(what)s须带时区。") % {"what": what}, code="invalid_time")
    if at > now + FUTURE_SLACK:
        raise InvalidInput(_("%(what)s不能晚于现在。") % {"what": what}, code="invalid_time")
    if at < opened - FUTURE_SLACK:
        raise InvalidInput(_("%(what)s不能早于危机干预启动时间。") % {"what": what}, code="invalid_time")
    return at


def _first_contact(f: CrisisFile, at: datetime) -> dict[str, Any]:
    minutes = max(0, int((at - f.opened_at).total_seconds() // 60))
    return {"first_contact_minutes": minutes, "first_contact_at": timezone.localtime(at).isoformat(),
            "within_deadline": minutes <= catalog.psych()["first_contact_minutes"]}


def _opened_at(case_id: int) -> datetime:
    f = CrisisFile.objects.filter(case_id=case_id).only("opened_at").first()
    if f is None:
        raise InvalidInput(_("该事项不是心理危机干预事项。"), code="invalid_kind")
    return f.opened_at


def cr_contact(case_id: int, *, actor: Person, risk: str, notes: str, mode: str = "phone", at: datetime | None = None,
               expected_version: int | None = None, now: datetime | None = None) -> Case:
    """首次接触 (within 2 hours): how, when, the risk assessed; the record is confidential. The
    event's data carries `first_contact_minutes` (opening → contact) and `within_deadline`."""
    now = now or timezone.now()
    mode = catalog.code_of("contact_modes", mode, _("接触方式"))
    risk = catalog.code_of("risk_levels", risk, _("风险等级"))
    notes = text_clean(notes, _("首次接触记录"))
    at = _when(at, now, _opened_at(case_id), _("首次接触时间"))
    data: dict[str, Any] = {"mode": mode, "risk": risk}

    def before(case: Case) -> None:
        data.update(_first_contact(CrisisFile.objects.get(case=case), at))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        mine = counsellor_of(actor, f.station)
        f.first_contact_at, f.first_contact_minutes = at, data["first_contact_minutes"]
        f.contact_mode, f.risk, f.interventions = mode, risk, f.interventions + 1
        f.counsellor = f.counsellor or mine
        f.save(update_fields=["first_contact_at", "first_contact_minutes", "contact_mode", "risk", "interventions",
                              "counsellor"])
        note_add(case, "contact", notes, author=actor, counsellor=mine, at=at)

    return transition(case_id, "cr_contact", actor=actor, before=before, after=record, data=data, now=now,
                      expected_version=expected_version,
                      reason=_("已首次接触（%(m)s），风险评估：%(r)s")
                      % {"m": catalog.label("contact_modes", mode), "r": catalog.label("risk_levels", risk)})


def cr_intervene(case_id: int, *, actor: Person, notes: str, mode: str = "phone", risk: str = "",
                 at: datetime | None = None, expected_version: int | None = None, now: datetime | None = None) -> Case:
    """干预记录: a further contact (or a follow-up after the hand-over); the record is confidential."""
    now = now or timezone.now()
    mode = catalog.code_of("contact_modes", mode, _("接触方式"))
    risk = catalog.code_of("risk_levels", risk, _("风险等级"), required=False)
    notes = text_clean(notes, _("干预记录"))
    at = _when(at, now, _opened_at(case_id), _("干预时间"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.interventions += 1
        f.risk = risk or f.risk
        f.save(update_fields=["interventions", "risk"])
        note_add(case, "intervention", notes, author=actor, counsellor=counsellor_of(actor, f.station), at=at)

    return transition(case_id, "cr_intervene", actor=actor, after=record, now=now, expected_version=expected_version,
                      data={"mode": mode, "risk": risk, "at": timezone.localtime(at).isoformat()},
                      reason=_("干预记录（%(m)s）") % {"m": catalog.label("contact_modes", mode)})


def cr_handover(case_id: int, *, actor: Person, to: str, receiver: str = "", notes: str = "",
                at: datetime | None = None, expected_version: int | None = None, now: datetime | None = None) -> Case:
    """移交处置: to 110 / 120 / a hospital / the guardian. As the first response (from 待首次接触)
    it meets the 2-hour first contact and records the minutes like `cr_contact`."""
    now = now or timezone.now()
    to = catalog.code_of("handover_targets", to, _("移交去向"))
    receiver = text_clean(receiver, _("接收单位或人员"), required=False, limit=120)
    notes = text_clean(notes, _("移交情况"), required=False)
    at = _when(at, now, _opened_at(case_id), _("移交时间"))
    data: dict[str, Any] = {"to": to, "to_label": catalog.label("handover_targets", to), "receiver": receiver}

    def before(case: Case) -> None:
        if case.state == CrState.NEW:
            data.update(_first_contact(CrisisFile.objects.get(case=case), at))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        fields = ["handover_to", "handover_receiver", "handover_at", "interventions"]
        f.handover_to, f.handover_receiver, f.handover_at = to, receiver, at
        f.interventions += 1
        if f.first_contact_at is None:
            f.first_contact_at, f.first_contact_minutes = at, data.get("first_contact_minutes")
            fields += ["first_contact_at", "first_contact_minutes"]
        f.save(update_fields=fields)
        note_add(case, "handover", notes, author=actor, counsellor=counsellor_of(actor, f.station), at=at)

    words = data["to_label"] + (f"（{receiver}）" if receiver else "")
    return transition(case_id, "cr_handover", actor=actor, before=before, after=record, data=data, now=now,
                      expected_version=expected_version, reason=_("已移交：%(to)s") % {"to": words})


def cr_close(case_id: int, *, actor: Person, outcome: str, notes: str = "", expected_version: int | None = None,
             now: datetime | None = None) -> Case:
    """结案 with the outcome (风险解除、送医、交监护人 …); the summary is confidential."""
    now = now or timezone.now()
    outcome = catalog.code_of("crisis_outcomes", outcome, _("结案情形"))
    notes = text_clean(notes, _("干预结案小结"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.outcome = outcome
        f.save(update_fields=["outcome"])
        note_add(case, "crisis_close", notes, author=actor, counsellor=counsellor_of(actor, f.station), at=now)

    return transition(case_id, "cr_close", actor=actor, after=record, now=now, expected_version=expected_version,
                      data={"outcome": outcome},
                      reason=_("结案：%(o)s") % {"o": catalog.label("crisis_outcomes", outcome)})


def cr_dismiss(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """经核实无危机 (a false alarm of the triage rules), by the station's leader, with the reason."""
    return transition(case_id, "cr_dismiss", actor=actor, reason=text_clean(reason, _("核实情况"), limit=500),
                      expected_version=expected_version, now=now)
