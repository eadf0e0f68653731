"""/api/v1/notary/…: 公证 — the matters with their one-time materials checklists and the free places
(public: shown before the visit), bookings (a citizen without a token, or the office's staff with
one), cancellations, the office's day list and its slots. The matter's steps after the booking are
the generated case actions under /api/v1/cases/{id}/notary/…"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from banshi.api.schemas import ErrorOut
from banshi.intake.ratelimit import client_ip, rate_hit
from banshi.notary import catalog
from banshi.notary import domain as nt
from banshi.notary.inputs import BookingIn, CancelIn, SlotIn
from banshi.orgs.auth import api_token_person
from banshi.orgs.models import Person

router = Router(tags=["notary"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class MatterOut(Schema):
    code: str
    label: str
    item: str
    period: str = Field(description="出证期限，如 5wd（受理之日起5个工作日）")
    period_checked: bool
    video: bool = Field(description="可以远程视频办理（零跑腿）")
    in_person: str = Field(description="须到场办理的原因")
    one_visit: bool = Field(description="材料齐全时最多跑一次")
    one_visit_note: str
    fee: str
    materials: list[str] = Field(description="一次性告知的全部材料")
    notes: str
    basis: str


class MattersOut(Schema):
    matters: list[MatterOut]
    default_period: str
    periods: list[str]
    sources: list[dict[str, str]]
    refusal_reasons: dict[str, dict[str, str]]
    termination_reasons: dict[str, dict[str, str]]


class SlotOut(Schema):
    id: int
    office_id: int
    starts_at: datetime
    ends_at: datetime
    when: str
    capacity: int
    booked: int
    free: int
    kind: str = Field(description="regular 工作日 | weekend 周末不打烊 | special 专题服务周")
    kind_label: str
    label: str
    weekend: bool = Field(description="休息日（周末或法定节假日）")
    video: bool
    matters: list[str]
    matter_labels: list[str]
    note: str


class BookingOut(Schema):
    code: str = Field(description="预约码")
    status: str
    status_label: str
    matter: str
    matter_label: str
    mode: str
    mode_label: str
    citizen_name: str
    citizen_phone: str
    slot: SlotOut
    office: str
    case_id: int | None
    case_number: str | None
    tracking_code: str | None = Field(description="查询码（凭它和手机号查询办理进度）")
    state: str | None
    state_label: str | None
    note: str
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str


class DaySlotOut(SlotOut):
    bookings: list[BookingOut]


class DayOut(Schema):
    office_id: int
    office: str
    date: date
    weekend: bool
    bookings: int = Field(description="当日未取消的预约数")
    slots: list[DaySlotOut]


class SlotsPublishIn(Schema):
    office_id: int = Field(ge=1, le=2**62)
    slots: list[SlotIn] = Field(max_length=200)


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def _person_or_citizen(request: HttpRequest) -> Person | None:
    """Staff with a token, or a citizen without one (a token that does not work is refused, not
    taken for a citizen)."""
    header = request.headers.get("Authorization", "")
    if not header.strip():
        return None
    scheme, _, token = header.strip().partition(" ")
    person = api_token_person(token.strip()) if scheme.lower() == "bearer" else None
    if person is None:
        raise AuthenticationError()
    request.user = person
    return person


@router.get("/notary/matters", auth=None, response={200: MattersOut})
def notary_matters(request: HttpRequest) -> dict[str, Any]:
    """公证事项: each matter's one-time materials checklist (最多跑一次), whether it can be done by
    video (零跑腿), its fee note, its period and legal basis (data/matters.yaml)."""
    cat = catalog.catalogue()
    return {"matters": list(cat["matters"].values()), "default_period": cat["default_period"],
            "periods": cat["periods"], "sources": cat["sources"], "refusal_reasons": cat["refusal_reasons"],
            "termination_reasons": cat["termination_reasons"]}


@router.get("/notary/slots", auth=None, response={200: list[SlotOut], 400: ErrorOut})
def notary_slots(request: HttpRequest, office: int = Query(..., ge=1, le=2**62),
                 day: date = Query(..., alias="date"),  # noqa: B008
                 matter: str = Query("", max_length=40), mode: str = Query("", max_length=12)) -> list[dict[str, Any]]:
    """可预约时段: the office's slots of the day that still have a place (for a matter and a mode if given)."""
    return [nt.slot_out(s) for s in nt.slots_free(office, day, matter=matter, mode=mode)]


@router.post("/notary/slots", response={201: list[SlotOut], **ERRORS})
def notary_slots_publish(request: HttpRequest, body: SlotsPublishIn) -> Status:
    """发布预约时段 (the office's staff): weekdays, 周末不打烊, special weeks (e.g. 遗嘱公证周) with their own capacity."""
    rows = nt.slots_publish(body.office_id, body.slots, actor=_me(request))
    return Status(201, [nt.slot_out(s) for s in rows])


@router.post("/notary/bookings", auth=None, response={201: BookingOut, **ERRORS})
def notary_book(request: HttpRequest, body: BookingIn) -> Status:
    """预约: book a place (without a token: the citizen; with one: the office's staff). Returns the
    booking code and the matter it opened; the code comes by SMS with a reminder the day before.
    The last place goes to exactly one of two simultaneous bookings (the other gets 409)."""
    actor = _person_or_citizen(request)
    if actor is None:
        rate_hit("submit_ip", client_ip(request))
        rate_hit("submit_phone", (body.citizen_phone or "").strip())
    booking = nt.book(body, actor=actor)
    return Status(201, nt.booking_out(booking))


@router.post("/notary/bookings/{code}/cancel", auth=None, response={200: BookingOut, **ERRORS})
def notary_cancel(request: HttpRequest, code: str, body: CancelIn) -> dict[str, Any]:
    """取消预约: the citizen gives the phone number booked (before the slot starts); the office's
    staff need not. The place is freed."""
    actor = _person_or_citizen(request)
    if actor is None:
        rate_hit("citizen_action_ip", client_ip(request))
    booking = nt.booking_cancel(code, actor=actor, phone=body.phone, reason=body.reason)
    return nt.booking_out(booking, masked=actor is None)


@router.get("/notary/day", response={200: DayOut, **ERRORS})
def notary_day(request: HttpRequest, office: int = Query(..., ge=1, le=2**62),
               day: date = Query(..., alias="date")) -> dict[str, Any]:  # noqa: B008
    """当日预约 (staff of the office, or supervisors of its region): every slot of the day with its bookings."""
    return nt.day_list(office, day, actor=_me(request))
