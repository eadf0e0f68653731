"""心理咨询预约: the domain functions of the `psych` matter (workflow.py), each running one action
through `transition()`: request → scheduled → sessions → closed, or referred (12356, hospitals …),
or cancelled; a counsellor who finds a crisis opens a crisis matter from it.

Health information never enters the case row or its events: the request's concern, the session
notes, the referral reasons and the closing summary are confidential notes (notes.py). The case's
content is a neutral line (service, mode, station)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, text_clean
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.core.privacy import phone_normalise
from banshi.orgs.models import Person, Unit
from banshi.psych import catalog
from banshi.psych.crisis import crisis_open
from banshi.psych.inputs import PsRequestIn
from banshi.psych.models import Counsellor, PsychFile, PsychSession
from banshi.psych.notes import note_add
from banshi.psych.stations import counsellor_of, counsellor_pick, station_for_unit, station_get

KIND = "psych"
POLICY = "psych_appointment"
FAR_AHEAD = timedelta(days=180)


def _file(case: Case) -> PsychFile:
    f = PsychFile.objects.select_for_update().select_related("station").filter(case=case).first()
    if f is None:  # pragma: no cover - every psych matter is opened with its file
        raise Conflict(_("心理咨询案卷不存在。"), code="no_file")
    return f


def _file_of(case_id: int) -> PsychFile:
    f = PsychFile.objects.select_related("station", "counsellor").filter(case_id=case_id).first()
    if f is None:
        raise InvalidInput(_("该事项不是心理咨询预约。"), code="invalid_kind")
    return f


def _t(dt: datetime) -> str:
    return f"{timezone.localtime(dt):%Y年%m月%d日 %H:%M}"


def _aware(at: datetime, what: str) -> datetime:
    if timezone.is_naive(at):
        raise InvalidInput(_("%(what)s须带时区。") % {"what": what}, code="invalid_time")
    return at


def psych_request(data: PsRequestIn, *, actor: Person | None, origin: Case | None = None, now: datetime | None = None,
                  notify: bool = True) -> Case:
    """预约: open the matter at the station's unit; the 3-working-day clock to contact and schedule
    starts. The concern is kept as a confidential note."""
    now = now or timezone.now()
    station = station_get(data.station_id)
    opener_check(actor, station.unit, origin)
    service = catalog.code_of("services", data.service, _("服务类型"), default="individual")
    mode = catalog.code_of("modes", data.mode, _("咨询方式"), default="face_to_face")
    if data.channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    name = text_clean(data.citizen_name, _("求助者姓名（可填化名）"), limit=60)
    phone = phone_normalise(data.citizen_phone)
    preferred = text_clean(data.preferred, _("希望时间"), required=False, limit=120)
    concern = text_clean(data.concern, _("求助者自述"), required=False)
    content = _("心理咨询预约：%(s)s，%(m)s；站点：%(st)s") % {
        "s": catalog.label("services", service), "m": catalog.label("modes", mode), "st": station.name}
    if preferred:
        content += _("；希望时间：%(p)s") % {"p": preferred}

    def file(case: Case) -> None:
        Case.objects.filter(pk=case.pk).update(confidential=True)
        case.confidential = True
        PsychFile.objects.create(case=case, station=station, service=service, mode=mode, preferred=preferred)
        note_add(case, "concern", concern, author=actor, counsellor=counsellor_of(actor, station), at=now)

    return matter_register(
        KIND, intake_unit=station.unit, lead_unit=station.unit, actor=actor, content=content, title=_("心理咨询预约"),
        channel=data.channel, type=CaseType.HELP, citizen_name=name, citizen_phone=phone, origin=origin,
        policy_code=POLICY, category=f"psych.{service}", now=now, after=file, notify=notify,
        data={"service": service, "mode": mode, "station_id": station.pk, "station": station.name,
              "text": _("预约申请")},
    )


def psych_open_from_demand(demand: Case, *, actor: Person, unit: Unit, note: str, now: datetime) -> Case:
    """转心理服务 (a demand's `refer`): at the unit's station nearest the demand's region; the
    demand's words are the concern (kept confidential in the matter)."""
    station = station_for_unit(unit, demand.region_path)
    if station is None:
        raise InvalidInput(_("该单位没有心理服务站点，不能转心理服务。"), code="invalid_unit")
    data = PsRequestIn(station_id=station.pk, citizen_name=demand.citizen_name or _("（未留姓名）"),
                       citizen_phone=demand.citizen_phone, concern="\n".join(t for t in (demand.content, note) if t),
                       channel=demand.channel)
    return psych_request(data, actor=actor, origin=demand, now=now)


def _schedule(action: str, case_id: int, *, actor: Person, at: datetime, counsellor_id: int | None,
              counsellor_name: str, place: str, mode: str, expected_version: int | None, now: datetime | None) -> Case:
    now = now or timezone.now()
    at = _aware(at, _("预约时间"))
    if not now - timedelta(days=1) <= at <= now + FAR_AHEAD:
        raise InvalidInput(_("预约时间应在今天到半年以内。"), code="invalid_time")
    f = _file_of(case_id)
    counsellor = counsellor_pick(f.station, counsellor_id=counsellor_id, name=counsellor_name, actor=actor) \
        or f.counsellor
    mode = catalog.code_of("modes", mode, _("咨询方式"), default=f.mode)
    place = text_clean(place, _("地点"), required=False, limit=120) or (f.place if action != "ps_schedule" else "")
    place = place or (f.station.address if mode == "face_to_face" else "")

    def record(case: Case, event: CaseEvent) -> None:
        locked = _file(case)
        locked.scheduled_at, locked.counsellor, locked.mode, locked.place = at, counsellor, mode, place
        locked.save(update_fields=["scheduled_at", "counsellor", "mode", "place"])

    text = _("已为您安排%(m)s：%(t)s%(p)s。如需调整请来电。") % {
        "m": catalog.label("modes", mode), "t": _t(at), "p": _("，地点：%(p)s") % {"p": place} if place else ""}
    return transition(case_id, action, actor=actor, after=record, now=now, expected_version=expected_version,
                      reason=_("预约时间：%(t)s") % {"t": _t(at)},
                      data={"at": at.isoformat(), "mode": mode, "counsellor_id": counsellor.pk if counsellor else None,
                            "counsellor": counsellor.name if counsellor else "", "text": text})


def ps_schedule(case_id: int, *, actor: Person, at: datetime, counsellor_id: int | None = None,
                counsellor_name: str = "", place: str = "", mode: str = "", expected_version: int | None = None,
                now: datetime | None = None) -> Case:
    """联系并预约: the time, the counsellor (default: the actor, if a counsellor), the place."""
    return _schedule("ps_schedule", case_id, actor=actor, at=at, counsellor_id=counsellor_id,
                     counsellor_name=counsellor_name, place=place, mode=mode, expected_version=expected_version, now=now)


def ps_reschedule(case_id: int, *, actor: Person, at: datetime, counsellor_id: int | None = None,
                  counsellor_name: str = "", place: str = "", mode: str = "", expected_version: int | None = None,
                  now: datetime | None = None) -> Case:
    """改约 / 预约下次咨询."""
    return _schedule("ps_reschedule", case_id, actor=actor, at=at, counsellor_id=counsellor_id,
                     counsellor_name=counsellor_name, place=place, mode=mode, expected_version=expected_version, now=now)


def ps_session(case_id: int, *, actor: Person, at: datetime, notes: str, minutes: int = 50, mode: str = "",
               counsellor_id: int | None = None, next_at: datetime | None = None, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """会谈记录: one session by a counsellor of the station's unit. The event says when, how long,
    how and which session it was; what was said is a confidential note."""
    now = now or timezone.now()
    at = _aware(at, _("会谈时间"))
    if at > now + timedelta(hours=1):
        raise InvalidInput(_("会谈时间不能晚于现在。"), code="invalid_time")
    if not 5 <= minutes <= 480:
        raise InvalidInput(_("会谈时长应为5到480分钟。"), code="invalid_minutes")
    notes = text_clean(notes, _("会谈记录"), limit=20000)
    f = _file_of(case_id)
    mode = catalog.code_of("modes", mode, _("咨询方式"), default=f.mode)
    counsellor: Counsellor | None = counsellor_pick(f.station, counsellor_id=counsellor_id, actor=actor) \
        if counsellor_id is not None else counsellor_of(actor, f.station)
    if counsellor is None:
        raise PermissionDenied(_("只有本单位心理服务站点登记的咨询师可以记录会谈。"), code="not_counsellor")
    if next_at is not None:
        next_at = _aware(next_at, _("下次预约时间"))
        if not now <= next_at <= now + FAR_AHEAD:
            raise InvalidInput(_("下次预约时间应在现在到半年以内。"), code="invalid_time")
    data: dict[str, Any] = {"at": at.isoformat(), "minutes": minutes, "mode": mode, "counsellor_id": counsellor.pk}

    def before(case: Case) -> None:
        data["session_no"] = PsychSession.objects.filter(case=case).count() + 1

    def record(case: Case, event: CaseEvent) -> None:
        locked = _file(case)
        session = PsychSession.objects.create(case=case, number=data["session_no"], at=at, minutes=minutes, mode=mode,
                                              counsellor=counsellor, by=actor)
        note_add(case, "session", notes, author=actor, counsellor=counsellor, at=at, session=session)
        locked.sessions = data["session_no"]
        locked.counsellor = locked.counsellor or counsellor
        locked.scheduled_at = next_at
        locked.save(update_fields=["sessions", "counsellor", "scheduled_at"])

    return transition(case_id, "ps_session", actor=actor, before=before, after=record, data=data, now=now,
                      expected_version=expected_version,
                      reason=_("会谈记录（%(m)s，%(min)d分钟）") % {"m": catalog.label("modes", mode), "min": minutes})


def ps_refer(case_id: int, *, actor: Person, target: str, to: str = "", notes: str = "",
             expected_version: int | None = None, now: datetime | None = None) -> Case:
    """转介: beyond counselling — to the 12356 hotline, a psychiatric or general hospital, a school
    centre …; the reasons are confidential (转介单: documents.py)."""
    now = now or timezone.now()
    target = catalog.code_of("referral_targets", target, _("转介去向"))
    to = text_clean(to, _("转介机构"), required=False, limit=120)
    notes = text_clean(notes, _("转介说明"), required=False)
    words = catalog.label("referral_targets", target) + (f"（{to}）" if to else "")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.referral_target, f.referral_to, f.referred_at = target, to, now
        f.save(update_fields=["referral_target", "referral_to", "referred_at"])
        note_add(case, "referral", notes, author=actor, counsellor=counsellor_of(actor, f.station), at=now)

    return transition(case_id, "ps_refer", actor=actor, after=record, now=now, expected_version=expected_version,
                      reason=_("转介至：%(w)s") % {"w": words},
                      data={"target": target, "to": to})


def ps_cancel(case_id: int, *, actor: Person | None, reason: str, expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """取消预约 (the person, or the station), with the reason (not health information)."""
    return transition(case_id, "ps_cancel", actor=actor, reason=text_clean(reason, _("取消原因"), limit=500),
                      expected_version=expected_version, now=now)


def ps_close(case_id: int, *, actor: Person, notes: str = "", expected_version: int | None = None,
             now: datetime | None = None) -> Case:
    """结案 after the sessions; the summary is confidential."""
    now = now or timezone.now()
    notes = text_clean(notes, _("结案小结"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        note_add(case, "closing", notes, author=actor, counsellor=counsellor_of(actor, f.station), at=now)
        event.data = {**event.data, "sessions": f.sessions}
        event.save(update_fields=["data"])

    return transition(case_id, "ps_close", actor=actor, after=record, now=now, expected_version=expected_version,
                      reason=_("心理咨询结案"))


def ps_crisis(case_id: int, *, actor: Person, notes: str = "", expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """发现危机，启动危机干预: opens a crisis matter (its origin this matter) at the same station,
    with the matter's counsellor on it; what was found is a confidential note of the crisis matter."""
    now = now or timezone.now()
    notes = text_clean(notes, _("发现的危机情况"), required=False)
    opened: dict[str, Case] = {}

    def check(case: Case) -> None:
        existing = Case.objects.filter(origin=case, kind="crisis").exclude(
            state__in=["cr_closed", "cr_dismissed"]).values_list("number", flat=True).first()
        if existing:
            raise Conflict(_("已启动心理危机干预：%(n)s") % {"n": existing}, code="crisis_exists")

    def open_crisis(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        crisis = crisis_open(
            f.station, actor=actor, source="counselling",
            content=_("心理咨询%(n)s中发现心理危机风险，启动危机干预。") % {"n": case.number},
            origin=case, counsellor=f.counsellor or counsellor_of(actor, f.station), finding=notes,
            citizen_name=case.citizen_name, citizen_phone=case.citizen_phone, channel=case.channel, now=now)
        opened["crisis"] = crisis
        event.data = {**event.data, "matter_id": crisis.pk, "matter_number": crisis.number}
        event.save(update_fields=["data"])

    return transition(case_id, "ps_crisis", actor=actor, before=check, after=open_crisis, now=now,
                      expected_version=expected_version, reason=_("发现心理危机风险，已启动危机干预"))
