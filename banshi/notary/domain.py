"""公证 (公证法; 公证程序规则): the domain functions of the notary matter.

Booking: an office publishes slots (`slots_publish`: weekdays, 周末不打烊, special weeks with their
own capacity); a citizen (no actor) or the office's staff books a place (`book`) — a conditional
UPDATE takes the place, so of two bookings of the last place exactly one wins — which opens the
matter (state 已预约, policy `notarization`) with its file, sends the confirmation and schedules the
reminder the day before; a cancellation frees the place (`booking_cancel`, `nt_cancel`); the
office sees the day's list (`day_list`).

Handling: each action of the definition (notary/workflow.py) runs through the one `transition()`
and writes the file in the same transaction: 受理 (the certificate clock starts: the matter's
period, 5, 10 or 15 working days), 一次性告知补充材料 (the clock pauses, 公证法 art. 30), 出具公证书
(certificate number), 不予办理 (art. 31, with reasons), 终止.

What the assessment counts is written into the events' data (see `banshi/notary/__init__.py`).
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, service_unit, text_clean
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.core.privacy import id_number_normalise, mask_phone, phone_normalise
from banshi.notary import catalog
from banshi.notary.enums import BookingMode, BookingStatus, Delivery, NtState, SlotKind
from banshi.notary.inputs import BookingIn, SlotIn
from banshi.notary.models import NotaryBooking, NotaryFile, NotarySlot
from banshi.notify.models import OutboxMessage, OutboxStatus
from banshi.notify.outbox import outbox_enqueue
from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Unit
from banshi.orgs.scoping import sees_region, unit_within
from banshi.sla.models import Milestone, MilestoneStatus
from banshi.sla.periods import compute_due, parse_period
from banshi.sla.services import get_calendar

KIND = "notary"
POLICY = "notarization"
MILESTONE = "certificate"
OFFICE_KINDS = (UnitKind.NOTARY,)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8
MAX_LIVE_BOOKINGS_PER_PHONE = 3
MAX_SLOTS_PER_CALL = 200
MAX_SLOT_HOURS = 12
PUBLISH_AHEAD_DAYS = 366
REMINDER_HOUR = 10  # the reminder goes out at 10:00 the day before the slot
# The citizen's messages. Until notify/data/templates.yaml has the notary templates, the generic ones.
REMINDER_TEMPLATE = "nt_reminder"
REMINDER_KIND = "nt_reminder"
SMS_TEXT_LIMIT = 300  # cases/notices.py sends at most 300 characters of an event's text
PUBLISHERS = (Role.OPERATOR, Role.HANDLER, Role.LEADER)
WEEKDAYS = "一二三四五六日"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


# -- helpers ----------------------------------------------------------------------------------------


def _office(unit_id: int) -> Unit:
    return service_unit(unit_id, OFFICE_KINDS, _("公证处"))


def _local(dt: datetime) -> datetime:
    return timezone.localtime(dt)


def when_text(starts_at: datetime, ends_at: datetime) -> str:
    """11月3日（周六）9:00—10:00"""
    s, e = _local(starts_at), _local(ends_at)
    return f"{s.month}月{s.day}日（周{WEEKDAYS[s.weekday()]}）{s:%H:%M}—{e:%H:%M}"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _may_work_at(actor: Person, office: Unit) -> bool:
    return actor.is_active and actor.role in PUBLISHERS and unit_within(actor, office.pk)


def _may_see(actor: Person, office: Unit) -> bool:
    if not actor.is_active or actor.role == Role.ADMIN or actor.unit is None:
        return False
    if unit_within(actor, office.pk):
        return True
    return sees_region(actor) and office.region.path.startswith(actor.unit.region.path)


def _code_new() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not NotaryBooking.objects.filter(code=code).exists():
            return code


def _file(case: Case) -> NotaryFile:
    f = NotaryFile.objects.select_for_update().filter(case=case).first()
    if f is None:  # pragma: no cover - every notary matter is opened with its file
        raise Conflict(_("公证案卷不存在。"), code="no_file")
    return f


def _matter(code: str) -> dict[str, Any]:
    m = catalog.matter(code or "")
    if m is None:
        raise InvalidInput(_("公证事项不正确：%(v)s") % {"v": (code or "")[:40]}, code="invalid_matter")
    return m


def checklist_text(materials: list[str], room: int) -> str:
    """The whole checklist when it fits the message; else the first items and where to read the rest."""
    full = "；".join(materials) + "。"
    if len(full) <= room:
        return full
    shown: list[str] = []
    for m in materials:
        tail = _("等%(n)d项，详见预约确认单或凭查询码查询。") % {"n": len(materials)}
        if len("；".join([*shown, m])) + len(tail) > room:
            break
        shown.append(m)
    return "；".join(shown) + _("等%(n)d项，详见预约确认单或凭查询码查询。") % {"n": len(materials)}


def mobile_normalise(raw: str) -> str:
    """The citizen's mobile number (the booking code and the reminder come by SMS)."""
    phone = phone_normalise(raw)
    if not phone or not _MOBILE.match(phone):
        raise InvalidInput(_("请填写11位手机号码，用于接收预约码和提醒短信。"), code="invalid_phone")
    return phone


# -- slots ------------------------------------------------------------------------------------------


def slots_publish(office_id: int, slots: list[SlotIn], *, actor: Person, now: datetime | None = None) -> list[NotarySlot]:
    """发布预约时段 (the office's own staff): regular weekday slots, 周末不打烊 slots on rest days, and
    special weeks (e.g. 遗嘱公证周) with their own label, capacity and matters. Whether a slot falls on
    a rest day is read from the legal calendar (a 调休 Saturday is a working day)."""
    now = now or timezone.now()
    office = _office(office_id)
    if not _may_work_at(actor, office):
        raise PermissionDenied(_("只有本公证处的工作人员可以发布预约时段。"), code="action_forbidden")
    if not slots:
        raise InvalidInput(_("请至少填写一个时段。"), code="slots_required")
    if len(slots) > MAX_SLOTS_PER_CALL:
        raise InvalidInput(_("一次最多发布%(n)d个时段。") % {"n": MAX_SLOTS_PER_CALL}, code="too_many_slots")
    cal = get_calendar()
    known = catalog.matters()
    rows: list[NotarySlot] = []
    seen: set[tuple[datetime, datetime, str, str]] = set()
    for i, s in enumerate(slots, 1):
        where = _("第%(i)d个时段") % {"i": i}
        if timezone.is_naive(s.starts_at) or timezone.is_naive(s.ends_at):
            raise InvalidInput(_("%(w)s：时间必须带时区，如 2026-11-07T09:00:00+08:00。") % {"w": where}, code="naive_datetime")
        start, end = _local(s.starts_at), _local(s.ends_at)
        if end <= start:
            raise InvalidInput(_("%(w)s：结束时间应晚于开始时间。") % {"w": where}, code="invalid_slot_time")
        if start.date() != (end - timedelta(microseconds=1)).date() or end - start > timedelta(hours=MAX_SLOT_HOURS):
            raise InvalidInput(_("%(w)s：一个时段应在同一天内，且不超过%(h)d小时。") % {"w": where, "h": MAX_SLOT_HOURS},
                               code="invalid_slot_time")
        if end <= now:
            raise InvalidInput(_("%(w)s：不能发布已经结束的时段。") % {"w": where}, code="slot_past")
        if start > now + timedelta(days=PUBLISH_AHEAD_DAYS):
            raise InvalidInput(_("%(w)s：最多提前一年发布。") % {"w": where}, code="slot_too_far")
        if s.kind not in SlotKind.values:
            raise InvalidInput(_("%(w)s：时段类型不正确。") % {"w": where}, code="invalid_slot_kind")
        if not 1 <= s.capacity <= 500:
            raise InvalidInput(_("%(w)s：可预约人数应为1至500。") % {"w": where}, code="invalid_capacity")
        label = text_clean(s.label, _("专题名称"), required=s.kind == SlotKind.SPECIAL, limit=60)
        rest = cal.is_rest_day(start.date())
        kind = s.kind
        if kind == SlotKind.WEEKEND and not rest:
            raise InvalidInput(_("%(w)s：“周末不打烊”时段应在周末或法定节假日（%(d)s是工作日）。")
                               % {"w": where, "d": f"{start:%Y-%m-%d}"}, code="not_a_rest_day")
        if kind == SlotKind.REGULAR and rest:
            kind = SlotKind.WEEKEND  # a slot on a rest day is a 周末不打烊 slot
        matters = list(dict.fromkeys(str(m) for m in s.matters))
        unknown = [m for m in matters if m not in known]
        if unknown:
            raise InvalidInput(_("%(w)s：公证事项不正确：%(v)s") % {"w": where, "v": "、".join(unknown)[:80]},
                               code="invalid_matter")
        if s.video and matters and not any(known[m]["video"] for m in matters):
            raise InvalidInput(_("%(w)s：所限事项都须本人到场办理，不能开放视频办理。") % {"w": where}, code="video_not_allowed")
        key = (start, end, kind, label)
        if key in seen or NotarySlot.objects.filter(office=office, starts_at=start, ends_at=end, kind=kind,
                                                    label=label).exists():
            raise Conflict(_("%(w)s：该时段已经发布过。") % {"w": where}, code="slot_exists")
        seen.add(key)
        rows.append(NotarySlot(
            office=office, starts_at=start, ends_at=end, capacity=s.capacity, kind=kind, label=label, weekend=rest,
            video=s.video, matters=matters, note=text_clean(s.note, _("说明"), required=False, limit=200),
            created_by=actor, created_at=now,
        ))
    with transaction.atomic():
        return NotarySlot.objects.bulk_create(rows)


def slots_of_day(office_id: int, day: date) -> list[NotarySlot]:
    start, end = _day_bounds(day)
    return list(NotarySlot.objects.filter(office_id=office_id, starts_at__gte=start, starts_at__lt=end)
                .order_by("starts_at", "id"))


def slots_free(office_id: int, day: date, *, matter: str = "", mode: str = "",
               now: datetime | None = None) -> list[NotarySlot]:
    """The slots of an office on a day that still have a place (and have not ended), for a matter
    and a mode if given."""
    now = now or timezone.now()
    office = _office(office_id)
    if matter:
        _matter(matter)
    if mode and mode not in BookingMode.values:
        raise InvalidInput(_("办理方式不正确。"), code="invalid_mode")
    out = []
    for s in slots_of_day(office.pk, day):
        if s.booked >= s.capacity or s.ends_at <= now:
            continue
        if matter and s.matters and matter not in s.matters:
            continue
        if mode == BookingMode.VIDEO and not s.video:
            continue
        out.append(s)
    return out


def slot_out(s: NotarySlot) -> dict[str, Any]:
    return {
        "id": s.pk, "office_id": s.office_id, "starts_at": _local(s.starts_at), "ends_at": _local(s.ends_at),
        "when": when_text(s.starts_at, s.ends_at), "capacity": s.capacity, "booked": s.booked, "free": s.free,
        "kind": s.kind, "kind_label": str(SlotKind(s.kind).label), "label": s.label, "weekend": s.weekend,
        "video": s.video, "matters": list(s.matters),
        "matter_labels": [catalog.matter_label(m) for m in s.matters], "note": s.note,
    }


# -- booking ----------------------------------------------------------------------------------------


def _reminder_at(slot: NotarySlot, now: datetime) -> datetime | None:
    """10:00 the day before the slot; none when that is less than an hour away (the confirmation is enough)."""
    day_before = _local(slot.starts_at).date() - timedelta(days=1)
    at = timezone.make_aware(datetime.combine(day_before, time(REMINDER_HOUR)))
    return at if at > now + timedelta(hours=1) else None


def book(data: BookingIn, *, actor: Person | None, now: datetime | None = None, notify: bool = True) -> NotaryBooking:
    """预约: take a place of the slot and open the matter (已预约) with its file. `actor` None: the
    citizen (portal, API without a token); else the office's staff (window, phone). The place is
    taken by one conditional UPDATE (`booked < capacity`), so of two bookings of the last place
    exactly one wins (the other gets 409), on SQLite and PostgreSQL."""
    now = now or timezone.now()
    slot = NotarySlot.objects.select_related("office", "office__region").filter(pk=data.slot_id).first()
    if slot is None:
        raise NotFound(_("预约时段不存在。"), code="slot_not_found")
    office = _office(slot.office_id)
    opener_check(actor, office, None)
    matter = _matter(data.matter)
    if slot.matters and matter["code"] not in slot.matters:
        raise InvalidInput(_("该时段只办理：%(m)s。") % {"m": "、".join(catalog.matter_label(m) for m in slot.matters)},
                           code="matter_not_in_slot")
    if data.mode not in BookingMode.values:
        raise InvalidInput(_("办理方式不正确：应为到公证处办理或视频办理。"), code="invalid_mode")
    video = data.mode == BookingMode.VIDEO
    if video and not matter["video"]:
        raise InvalidInput(_("%(m)s不能视频办理：%(r)s。") % {"m": matter["label"], "r": matter["in_person"]},
                           code="video_not_allowed")
    if video and not slot.video:
        raise InvalidInput(_("该时段不提供视频办理，请选择可视频办理的时段。"), code="video_not_allowed")
    name = text_clean(data.citizen_name, _("姓名"), limit=60)
    phone = mobile_normalise(data.citizen_phone)
    id_number = id_number_normalise(data.citizen_id_number)
    note = text_clean(data.note, _("留言"), required=False, limit=200)
    if slot.ends_at <= now:
        raise Conflict(_("该时段已经结束，请选择其他时段。"), code="slot_past")
    code = _code_new()
    mode_label = str(BookingMode(data.mode).label)
    when = when_text(slot.starts_at, slot.ends_at)
    special = slot.label if slot.kind == SlotKind.SPECIAL else ""
    text = _("已预约%(o)s %(w)s 办理%(m)s（%(mode)s），预约码%(c)s。请按清单备齐材料：") % {
        "o": office.name, "w": when, "m": matter["label"], "mode": mode_label, "c": code}
    text += checklist_text(matter["materials"], SMS_TEXT_LIMIT - len(text))
    content = _("预约办理%(m)s（%(mode)s），时段：%(w)s%(s)s。") % {
        "m": matter["label"], "mode": mode_label, "w": when, "s": f"（{special}）" if special else ""}
    if note:
        content += _("留言：%(n)s") % {"n": note}
    holder: dict[str, NotaryBooking] = {}

    def file(case: Case) -> None:
        NotaryFile.objects.create(case=case, matter=matter["code"], mode=data.mode, period=matter["period"],
                                  weekend=slot.weekend, special=special)
        holder["booking"] = NotaryBooking.objects.create(
            code=code, slot=slot, matter=matter["code"], citizen_name=name, citizen_phone=phone, mode=data.mode,
            case=case, note=note, booked_by=actor, created_at=now)

    try:
        with transaction.atomic():
            live = NotaryBooking.objects.filter(citizen_phone=phone, status=BookingStatus.BOOKED, slot__ends_at__gt=now)
            if live.filter(slot=slot).exists():
                raise Conflict(_("该手机号已预约这个时段，请勿重复预约。"), code="already_booked")
            if live.count() >= MAX_LIVE_BOOKINGS_PER_PHONE:
                raise Conflict(_("同一手机号最多同时保留%(n)d个未到期的预约，请先办理或取消已有预约。")
                               % {"n": MAX_LIVE_BOOKINGS_PER_PHONE}, code="too_many_bookings")
            taken = NotarySlot.objects.filter(pk=slot.pk, booked__lt=F("capacity"), ends_at__gt=now).update(
                booked=F("booked") + 1)
            if taken != 1:
                raise Conflict(_("该时段已约满，请选择其他时段。"), code="slot_full")
            case = matter_register(
                KIND, intake_unit=office, lead_unit=office, actor=actor, content=content,
                title=_("公证预约：%(m)s") % {"m": matter["label"]},
                channel=Channel.PORTAL if actor is None else Channel.WINDOW, type=CaseType.HELP, citizen_name=name,
                citizen_phone=phone, citizen_id_number=id_number, policy_code=POLICY,
                category=f"notary.{matter['code']}", now=now, after=file, notify=notify,
                data={"booking_code": code, "matter": matter["code"], "office_id": office.pk, "slot_id": slot.pk,
                      "slot_starts_at": _local(slot.starts_at).isoformat(), "mode": data.mode, "video": video,
                      "weekend": slot.weekend, "special": special, "text": text},
            )
            reminder = _reminder_at(slot, now) if notify else None
            if reminder is not None:
                outbox_enqueue(channel="sms", template=REMINDER_TEMPLATE, recipient=phone, at=reminder, case_id=case.pk,
                               payload={"number": case.number or "", "tracking_code": case.tracking_code,
                                        "kind": REMINDER_KIND,
                                        "text": _("提醒：您预约了%(o)s %(w)s 办理%(m)s（%(mode)s），预约码%(c)s，请按时%(go)s并带齐材料。")
                                        % {"o": office.name, "w": when, "m": matter["label"], "mode": mode_label,
                                           "c": code, "go": _("接通视频") if video else _("到场")}})
    except IntegrityError:  # a second tap of the same booking in the same instant
        raise Conflict(_("该手机号已预约这个时段，请勿重复预约。"), code="already_booked") from None
    return booking_get(holder["booking"].code)


def booking_get(code: str) -> NotaryBooking:
    b = (NotaryBooking.objects.select_related("slot", "slot__office", "case")
         .filter(code=(code or "").strip().upper()[:12]).first())
    if b is None:
        raise NotFound(_("预约不存在：请核对预约码。"), code="booking_not_found")
    return b


def booking_cancel(code: str, *, actor: Person | None, phone: str = "", reason: str = "",
                   now: datetime | None = None) -> NotaryBooking:
    """取消预约 by its code: the citizen (no actor) with the phone number booked, before the slot
    starts; or the office's staff. The place is freed for someone else."""
    now = now or timezone.now()
    b = NotaryBooking.objects.select_related("slot").filter(code=(code or "").strip().upper()[:12]).first()
    if actor is None:
        given = phone_normalise(phone) if (phone or "").strip() else ""
        if b is None or not given or given != b.citizen_phone:
            raise NotFound(_("预约码或手机号不正确。"), code="booking_not_found")
        if b.status == BookingStatus.BOOKED and b.slot.starts_at <= now:
            raise Conflict(_("预约时段已经开始，不能在线取消，请联系公证处。"), code="slot_started")
    elif b is None:
        raise NotFound(_("预约不存在：请核对预约码。"), code="booking_not_found")
    if b.case_id is None:  # pragma: no cover - a booking opens its matter in the same transaction
        raise Conflict(_("预约没有对应的公证事项。"), code="no_case")
    if b.status != BookingStatus.BOOKED:
        raise Conflict(_("该预约当前状态为“%(s)s”，不能取消。") % {"s": str(BookingStatus(b.status).label)},
                       code="booking_not_live")
    nt_cancel(b.case_id, actor=actor, reason=reason, now=now)
    return booking_get(b.code)


def booking_out(b: NotaryBooking, *, masked: bool = False) -> dict[str, Any]:
    case = b.case
    return {
        "code": b.code, "status": b.status, "status_label": str(BookingStatus(b.status).label),
        "matter": b.matter, "matter_label": catalog.matter_label(b.matter),
        "mode": b.mode, "mode_label": str(BookingMode(b.mode).label),
        "citizen_name": b.citizen_name, "citizen_phone": mask_phone(b.citizen_phone) if masked else b.citizen_phone,
        "slot": slot_out(b.slot), "office": b.slot.office.name if b.slot.office_id else "",
        "case_id": b.case_id, "case_number": case.number if case else None,
        "tracking_code": case.tracking_code if case and not masked else None,
        "state": case.state if case else None, "state_label": str(NtState(case.state).label) if case else None,
        "note": b.note, "created_at": _local(b.created_at),
        "cancelled_at": _local(b.cancelled_at) if b.cancelled_at else None, "cancel_reason": b.cancel_reason,
    }


def day_list(office_id: int, day: date, *, actor: Person) -> dict[str, Any]:
    """当日预约: the office's slots of the day, each with its bookings (live ones first), for the
    window. The citizen's phone is masked (the full number is on the case, shown with an audit)."""
    office = _office(office_id)
    if not _may_see(actor, office):
        raise PermissionDenied(_("您无权查看该公证处的预约。"), code="action_forbidden")
    slots = slots_of_day(office.pk, day)
    bookings = (NotaryBooking.objects.filter(slot__in=slots).select_related("case", "slot", "slot__office")
                .order_by("created_at", "id"))
    by_slot: dict[int, list[NotaryBooking]] = {}
    for b in bookings:
        by_slot.setdefault(b.slot_id, []).append(b)
    order = {BookingStatus.BOOKED: 0, BookingStatus.ATTENDED: 1, BookingStatus.MISSED: 2, BookingStatus.CANCELLED: 3}
    out = []
    for s in slots:
        rows = sorted(by_slot.get(s.pk, []), key=lambda b: order.get(BookingStatus(b.status), 9))
        out.append({**slot_out(s), "bookings": [booking_out(b, masked=True) for b in rows]})
    live = sum(1 for rows in by_slot.values() for b in rows if b.status != BookingStatus.CANCELLED)
    return {"office_id": office.pk, "office": office.name, "date": day, "weekend": get_calendar().is_rest_day(day),
            "slots": out, "bookings": live}


# -- the matter's actions ---------------------------------------------------------------------------


def _booking_for(case: Case) -> NotaryBooking | None:
    return NotaryBooking.objects.select_for_update().filter(case=case).select_related("slot").first()


def nt_cancel(case_id: int, *, actor: Person | None, reason: str = "", expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """取消预约: the place is freed (a conditional UPDATE, never below zero) and the reminder is not sent."""
    now = now or timezone.now()
    reason = text_clean(reason, _("取消原因"), required=False, limit=200)
    b = NotaryBooking.objects.filter(case_id=case_id).select_related("slot", "slot__office").first()
    what = (_("您预约的%(o)s %(w)s 办理%(m)s已取消，名额已释放。") % {
        "o": b.slot.office.name, "w": when_text(b.slot.starts_at, b.slot.ends_at), "m": catalog.matter_label(b.matter)}
        if b is not None else _("您的公证预约已取消。"))

    def free(case: Case, event: CaseEvent) -> None:
        booking = _booking_for(case)
        if booking is None or booking.status != BookingStatus.BOOKED:
            return
        NotaryBooking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(
            status=BookingStatus.CANCELLED, cancelled_at=now, cancel_reason=reason)
        NotarySlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        OutboxMessage.objects.filter(case_id=case.pk, status=OutboxStatus.PENDING, payload__kind=REMINDER_KIND).delete()
        event.data = {**event.data, "booking_code": booking.code, "slot_id": booking.slot_id}
        event.save(update_fields=["data"])

    return transition(case_id, "nt_cancel", actor=actor, reason=reason, after=free, now=now,
                      expected_version=expected_version, data={"text": what})


def nt_no_show(case_id: int, *, actor: Person | None, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """预约未到场: only once the slot has ended; the matter closes (the citizen may book again)."""
    now = now or timezone.now()

    def check(case: Case) -> None:
        b = NotaryBooking.objects.filter(case=case).select_related("slot").first()
        if b is not None and b.slot.ends_at > now:
            raise Conflict(_("预约时段尚未结束，不能记为未到场。"), code="slot_not_over")

    def record(case: Case, event: CaseEvent) -> None:
        booking = _booking_for(case)
        if booking is not None:
            NotaryBooking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(status=BookingStatus.MISSED)

    return transition(case_id, "nt_no_show", actor=actor, before=check, after=record, now=now,
                      expected_version=expected_version, reason=_("预约时段已过，当事人未到场或未接通视频。"))


def no_show_sweep(now: datetime | None = None, *, grace: timedelta = timedelta(days=1)) -> int:
    """The worker: bookings whose slot ended more than `grace` ago without the matter being accepted."""
    now = now or timezone.now()
    ids = (NotaryBooking.objects.filter(status=BookingStatus.BOOKED, slot__ends_at__lt=now - grace,
                                        case__state=NtState.BOOKED).values_list("case_id", flat=True))
    n = 0
    for case_id in list(ids[:500]):
        if case_id is None:
            continue
        try:
            nt_no_show(case_id, actor=None, now=now)
            n += 1
        except Conflict:
            continue
    return n


def nt_accept(case_id: int, *, actor: Person, note: str = "", period: str = "", expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """受理: the certificate must be issued within the matter's period (15 working days by default;
    5 or 10 for simple matters) from now; the booking is marked attended, the visit counted."""
    now = now or timezone.now()
    note = text_clean(note, _("说明"), required=False)
    f0 = NotaryFile.objects.filter(case_id=case_id).first()  # None: not a notary matter (the engine says so)
    chosen = (period or "").strip().lower() or (f0.period if f0 else "") or catalog.catalogue()["default_period"]
    if chosen not in catalog.catalogue()["periods"]:
        raise InvalidInput(_("出证期限应为%(p)s之一。") % {"p": "、".join(catalog.catalogue()["periods"])},
                           code="invalid_period")
    due = compute_due(now, parse_period(chosen), get_calendar()).at
    video = f0 is not None and f0.mode == BookingMode.VIDEO
    text = _("您申请的%(m)s已受理，将于%(d)s前出具公证书（补充材料、核实期间不计入）。") % {
        "m": catalog.matter_label(f0.matter) if f0 else _("公证"), "d": f"{_local(due):%Y年%m月%d日}"}

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.accepted_at, f.period, f.visits = now, chosen, 0 if video else 1
        f.save(update_fields=["accepted_at", "period", "visits"])
        booking = _booking_for(case)
        if booking is not None:
            NotaryBooking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(status=BookingStatus.ATTENDED)

    return transition(case_id, "nt_accept", actor=actor, reason=note, after=record, now=now,
                      expected_version=expected_version,
                      data={"periods": {MILESTONE: chosen}, "period": chosen, "due_at": due.isoformat(),
                            "matter": f0.matter if f0 else "", "video": video, "weekend": bool(f0 and f0.weekend),
                            "text": text})


def nt_docs_request(case_id: int, *, actor: Person, documents: list[str], note: str = "",
                    expected_version: int | None = None, now: datetime | None = None) -> Case:
    """一次性告知补充材料: every missing document in one notice; the certificate clock pauses (公证法 art. 30)."""
    now = now or timezone.now()
    docs = [text_clean(d, _("补充材料"), limit=100) for d in documents if (d or "").strip()]
    if not docs:
        raise InvalidInput(_("请列出需要补充的全部材料（一次性告知）。"), code="documents_required")
    if len(docs) > 20:
        raise InvalidInput(_("补充材料最多列20项。"), code="too_many_documents")
    note = text_clean(note, _("说明"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.docs_missing, f.docs_requested_at = docs, now
        f.save(update_fields=["docs_missing", "docs_requested_at"])

    return transition(case_id, "nt_docs_request", actor=actor, reason=note, after=record, now=now,
                      expected_version=expected_version, data={"documents": docs, "text": "、".join(docs)})


def nt_docs_received(case_id: int, *, actor: Person | None, in_person: bool = False, note: str = "",
                     expected_version: int | None = None, now: datetime | None = None) -> Case:
    """补充材料已收到: the clock runs again (the paused days do not count); a visit to hand them in counts."""
    note = text_clean(note, _("说明"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.docs_missing = []
        f.save(update_fields=["docs_missing"])
        if in_person:
            NotaryFile.objects.filter(pk=f.pk).update(visits=F("visits") + 1)

    return transition(case_id, "nt_docs_received", actor=actor, reason=note, after=record, now=now,
                      expected_version=expected_version, data={"in_person": bool(in_person)})


def nt_issue(case_id: int, *, actor: Person, certificate_number: str, delivery: str = Delivery.ON_SPOT, note: str = "",
             expected_version: int | None = None, now: datetime | None = None) -> Case:
    """出具公证书: the certificate number is recorded; the event says whether it was on time, by video,
    on a rest day, and whether the citizen came at most once (最多跑一次)."""
    now = now or timezone.now()
    number = text_clean(certificate_number, _("公证书编号"), limit=60)
    if delivery not in Delivery.values:
        raise InvalidInput(_("送达方式不正确。"), code="invalid_delivery")
    note = text_clean(note, _("说明"), required=False)
    f0 = NotaryFile.objects.filter(case_id=case_id).first()
    video = f0 is not None and f0.mode == BookingMode.VIDEO
    if video and delivery == Delivery.ON_SPOT:
        raise InvalidInput(_("视频办理的公证书请选择邮寄送达、电子公证书或到窗口领取。"), code="invalid_delivery")
    if NotaryFile.objects.filter(certificate_number=number).exclude(case_id=case_id).exists():
        raise Conflict(_("公证书编号%(n)s已被使用。") % {"n": number}, code="certificate_number_used")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        visits = f.visits + (1 if delivery == Delivery.PICKUP else 0)
        f.certificate_number, f.issued_at, f.delivery, f.visits = number, now, delivery, visits
        f.save(update_fields=["certificate_number", "issued_at", "delivery", "visits"])
        m = Milestone.objects.filter(case=case, kind=MILESTONE).order_by("-id").first()
        on_time = m is not None and m.status == MilestoneStatus.MET
        event.data = {**event.data, "on_time": on_time, "visits": visits, "one_visit": visits <= 1}
        event.save(update_fields=["data"])

    words = str(Delivery(delivery).label)
    try:
        with transaction.atomic():
            return transition(case_id, "nt_issue", actor=actor, reason=note, after=record, now=now,
                              expected_version=expected_version,
                              data={"certificate_number": number, "delivery": delivery,
                                    "matter": f0.matter if f0 else "", "video": video,
                                    "weekend": bool(f0 and f0.weekend),
                                    "text": _("您的公证书已出具，编号%(n)s（%(d)s）。") % {"n": number, "d": words}})
    except IntegrityError:  # the same number given to two matters at the same moment
        raise Conflict(_("公证书编号%(n)s已被使用。") % {"n": number}, code="certificate_number_used") from None


def _reasoned(kind: str, code: str, reason: str, what: str) -> tuple[str, str]:
    if code not in catalog.catalogue()[kind]:
        raise InvalidInput(_("%(w)s不正确。") % {"w": what}, code="invalid_reason")
    return catalog.reason_text(kind, code), text_clean(reason, _("理由"))


def nt_refuse(case_id: int, *, actor: Person, reason_code: str, reason: str, expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """不予办理 (公证法 art. 31): the situation and the reasons, told to the citizen in writing."""
    situation, reason = _reasoned("refusal_reasons", reason_code, reason, _("不予办理的情形"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.refusal_reason, f.reasons = reason_code, reason
        f.save(update_fields=["refusal_reason", "reasons"])

    return transition(case_id, "nt_refuse", actor=actor, reason=f"{situation}：{reason}", after=record, now=now,
                      expected_version=expected_version,
                      data={"reason_code": reason_code, "text": _("不予办理公证：%(s)s。%(r)s") % {"s": situation, "r": reason}})


def nt_terminate(case_id: int, *, actor: Person, reason_code: str, reason: str, expected_version: int | None = None,
                 now: datetime | None = None) -> Case:
    """终止公证 (e.g. the citizen withdraws before the certificate is issued)."""
    situation, reason = _reasoned("termination_reasons", reason_code, reason, _("终止的情形"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.termination_reason, f.reasons = reason_code, reason
        f.save(update_fields=["termination_reason", "reasons"])

    return transition(case_id, "nt_terminate", actor=actor, reason=f"{situation}：{reason}", after=record, now=now,
                      expected_version=expected_version,
                      data={"reason_code": reason_code, "text": _("终止公证：%(s)s。%(r)s") % {"s": situation, "r": reason}})
