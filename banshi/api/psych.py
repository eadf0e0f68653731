"""/api/v1/psych/… endpoints of the social-psychological service platform: opening an appointment
or a crisis matter (their steps are the generated case actions under /api/v1/cases/{id}/psych/…
and …/crisis/…), the confidential notes (the only way to read them: the counsellor and the station
head, every view logged), the printable document, group activities, stations and the codes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from banshi.api.schemas import CaseCreatedOut, ErrorOut
from banshi.cases.queries.cases import case_get_for
from banshi.orgs.models import Person
from banshi.psych import catalog
from banshi.psych.activities import activities_for, activity_create, activity_out
from banshi.psych.appointments import psych_request
from banshi.psych.crisis import crisis_open_direct
from banshi.psych.documents import psych_document_html
from banshi.psych.inputs import ActivityIn, CrOpenIn, PsRequestIn
from banshi.psych.models import Counsellor
from banshi.psych.notes import notes_view
from banshi.psych.stations import stations_for

router = Router(tags=["psych"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
NO_STORE = "no-store"


class NoteOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: str | None
    text: str
    session_number: int | None = None
    counsellor: str = ""
    author: str = ""


class NotesOut(Schema):
    case_id: int
    number: str | None
    kind: str
    notes: list[NoteOut]


class ActivityOut(Schema):
    id: int
    station_id: int
    station: str
    kind: str
    kind_label: str
    topic: str
    held_on: date
    place: str
    attendance: int
    counsellors: list[str]


class ActivityListOut(Schema):
    count: int
    attendance: int
    items: list[ActivityOut]


class CounsellorOut(Schema):
    id: int
    name: str
    title: str
    on_duty: bool
    is_head: bool


class StationOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    unit_id: int
    unit: str
    region_code: str
    region_name: str
    address: str
    phone: str
    counsellors: list[CounsellorOut]


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def _created(case: Any) -> dict[str, Any]:
    from banshi.api.views import case_out

    out = case_out(case)
    out["tracking_code"] = case.tracking_code
    return out


@router.post("/psych/appointments", response={201: CaseCreatedOut, **ERRORS})
def appointment_request(request: HttpRequest, body: PsRequestIn) -> Status:
    """心理咨询预约 at a station (心灵驿站). `concern` is kept as a confidential note, never in the case."""
    return Status(201, _created(psych_request(body, actor=_me(request))))


@router.post("/psych/crises", response={201: CaseCreatedOut, **ERRORS})
def crisis_open(request: HttpRequest, body: CrOpenIn) -> Status:
    """心理危机干预 opened directly at a station (a self-harm demand opens one by itself)."""
    return Status(201, _created(crisis_open_direct(body, actor=_me(request))))


@router.get("/psych/{case_id}/notes", response={200: NotesOut, 403: ErrorOut, 404: ErrorOut})
def notes(request: HttpRequest, response: HttpResponse, case_id: int) -> dict[str, Any]:
    """The confidential notes (会谈记录 …) of a psych or crisis matter: only the matter's counsellor
    and the station head; every view — and every refusal — is written to the audit log."""
    out = notes_view(_me(request), case_id, ip=request.META.get("REMOTE_ADDR"))
    response["Cache-Control"] = NO_STORE
    return out


@router.get("/psych/{case_id}/document", response={200: None, 403: ErrorOut, 404: ErrorOut})
def document(request: HttpRequest, case_id: int) -> HttpResponse:
    """The printable 心理服务转介单 or 心理危机干预记录 (HTML; never any confidential note)."""
    case = case_get_for(_me(request), case_id)
    resp = HttpResponse(psych_document_html(case), content_type="text/html; charset=utf-8")
    resp["Cache-Control"] = NO_STORE
    return resp


@router.get("/psych/activities", response={200: ActivityListOut, 400: ErrorOut})
def activity_list(
    request: HttpRequest,
    station_id: int | None = Query(None, ge=1, le=2**62),
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """团体活动 of the stations this person works with (newest first), with the total attendance."""
    from django.db.models import Count, Sum

    qs = activities_for(_me(request), station_id=station_id, kind=kind, date_from=date_from, date_to=date_to)
    totals = qs.aggregate(n=Count("id"), people=Sum("attendance"))
    return {"count": totals["n"] or 0, "attendance": totals["people"] or 0,
            "items": [activity_out(a) for a in qs[offset : offset + limit]]}


@router.post("/psych/activities", response={201: ActivityOut, **ERRORS})
def activity_add(request: HttpRequest, body: ActivityIn) -> Status:
    """Record a group activity (团体心理辅导, 心理健康讲座 …): date, place, topic, attendance."""
    return Status(201, activity_out(activity_create(body, actor=_me(request))))


@router.get("/psych/stations", response=list[StationOut])
def stations(request: HttpRequest) -> list[dict[str, Any]]:
    """The stations this person works with and their counsellors (ids for scheduling)."""
    rows = stations_for(_me(request))
    by_station: dict[int, list[Counsellor]] = {}
    for c in Counsellor.objects.filter(station__in=rows, is_active=True).order_by("id"):
        by_station.setdefault(c.station_id, []).append(c)
    levels = catalog.psych()["station_levels"]
    return [{"id": s.pk, "name": s.name, "level": s.level, "level_label": levels.get(s.level, {}).get("label", s.level),
             "unit_id": s.unit_id, "unit": s.unit.name, "region_code": s.region_id, "region_name": s.region.name,
             "address": s.address, "phone": s.phone,
             "counsellors": [{"id": c.pk, "name": c.name, "title": c.title, "on_duty": c.on_duty, "is_head": c.is_head}
                             for c in by_station.get(s.pk, [])]}
            for s in rows]


@router.get("/psych/catalogue", response=dict[str, Any])
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """The codes of data/psych.yaml (station levels, services, modes, referral and hand-over targets …)."""
    return catalog.psych()
