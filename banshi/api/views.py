"""The JSON API under /api/v1/. It parses, calls the domain, renders; it holds no rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, NinjaAPI, Query, Router, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from banshi.api import schemas as s
from banshi.api.judicial_aid import router as judicial_aid_router
from banshi.api.notary import router as notary_router
from banshi.api.psych import router as psych_router
from banshi.api.services import router as services_router
from banshi.api.stats import router as stats_router
from banshi.cases.actions import Action, api_endpoints
from banshi.cases.domain import lifecycle as life
from banshi.cases.domain.intake import case_register
from banshi.cases.domain.matters import events_data_for
from banshi.cases.models import Case, CaseEvent
from banshi.cases.queries.available import actions_available
from banshi.cases.queries.cases import LIST_COUNT_CAP, CaseFilters, capped_count, case_get_for, case_list_for
from banshi.cases.queries.personal import citizen_masked, citizen_reveal
from banshi.cases.registration import VIA_STAFF
from banshi.cases.workflow import definitions, state_label
from banshi.core.errors import DomainError, InvalidInput
from banshi.notary.files import notary_file
from banshi.orgs.auth import api_token_issue, api_token_person, person_sign_in
from banshi.orgs.models import Person, Unit
from banshi.psych.files import psych_matter_file
from banshi.services.files import matter_file, related_matters
from banshi.sla.models import Milestone
from banshi.sla.periods import compute_due, parse_period
from banshi.sla.services import due_state, get_calendar
from banshi.stats.drill import drill_filters
from banshi.triage.labels import agency_label, category_label, suggestion_labelled


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = api_token_person(token)
        if person is not None:
            request.user = person
        return person


api = NinjaAPI(
    title="banshi 办实事 API",
    version="1",
    description="政法机关“我为群众办实事”诉求登记、派单、办理、答复与回访接口。错误返回 {code, message}（中文）。",
    auth=TokenAuth(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [".".join(str(p) for p in e.get("loc", [])[1:]) or str(e.get("loc", "")) for e in exc.errors]
    return _error(request, 400, "invalid_input", _("请求数据不正确：%(f)s") % {"f": "、".join(fields)}, {"errors": exc.errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("请先登录：在 Authorization 头中提供有效的令牌。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _local(dt: datetime | None) -> datetime | None:
    return timezone.localtime(dt) if dt else None


def case_out(case: Case) -> dict[str, Any]:
    """A case for clients: the machine codes they depend on, each with its Chinese label beside it
    (`type_label`, `channel_label`, `category_label`, `agency_label`, `urgency_label`, …)."""
    return {
        "id": case.pk, "number": case.number, "kind": case.kind, "kind_label": case.get_kind_display(),
        "origin_id": case.origin_id, "type": case.type, "type_label": case.get_type_display(),
        "channel": case.channel, "channel_label": case.get_channel_display(), "title": case.title,
        "content": case.content, "citizen": citizen_masked(case), "anonymous": case.anonymous,
        "confidential": case.confidential, "address": case.address, "region_code": case.region_id,
        "region_name": case.region.name if case.region_id and case.region else None,
        "category": case.category, "category_label": category_label(case.category),
        "agency": case.agency, "agency_label": agency_label(case.agency),
        "urgency": case.urgency, "urgency_label": case.get_urgency_display(),
        "received_at": _local(case.received_at), "backdated": case.backdated, "state": case.state,
        "state_label": state_label(case.state, case.kind), "version": case.version,
        "policy": case.policy.code if case.policy_id and case.policy else None,
        "policy_label": case.policy.name if case.policy_id and case.policy else None,
        "intake_unit_id": case.intake_unit_id, "lead_unit_id": case.lead_unit_id,
        "lead_unit": case.lead_unit.name if case.lead_unit_id and case.lead_unit else None,
        "handler_id": case.handler_id, "next_due_at": _local(case.next_due_at), "overdue": case.overdue,
        "satisfaction": case.satisfaction,
        "satisfaction_label": case.get_satisfaction_display() if case.satisfaction else None,
        "reopen_count": case.reopen_count, "merged_into_id": case.merged_into_id,
        "triage": suggestion_labelled(case.triage),
    }


def case_detail_out(case: Case, person: Person) -> dict[str, Any]:
    now = timezone.now()
    out = case_out(case)
    out["milestones"] = [
        {"kind": m.kind, "label": m.label, "period": m.period, "due_at": _local(m.due_at), "status": m.status,
         "clock": due_state(m, now), "provisional": m.provisional, "extended": m.extended}
        for m in Milestone.objects.filter(case=case).order_by("starts_at", "id")
    ]
    out["allowed_actions"] = [
        {"action": r.action, "label": str(r.label), "needs_reason": r.needs_reason} for r in actions_available(case, person)
    ]
    # A judicial-aid file (amounts, circumstances) is read only through its own endpoint, which applies
    # the access rule and logs each view: /api/v1/judicial-aid/{id}/file.
    out["file"] = matter_file(case) or notary_file(case) or psych_matter_file(case)
    out["related"] = related_matters(case)
    return out


auth_router = Router(tags=["auth"])


@auth_router.post("/token", auth=None, response={200: s.TokenOut, 403: s.ErrorOut, 429: s.ErrorOut})
def token_create(request: HttpRequest, body: s.TokenIn) -> dict[str, str]:
    """Exchange a username and password for an API token (locked after 5 failures)."""
    person = person_sign_in(username=body.username, password=body.password, ip=_ip(request))
    return {"token": api_token_issue(person)}


@auth_router.get("/me", response=s.MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    p = _me(request)
    return {"id": p.pk, "username": p.username, "name": str(p), "role": p.role, "unit_id": p.unit_id,
            "unit": p.unit.name if p.unit else None}


router = Router(tags=["cases"])
ERRORS = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


@router.post("", response={201: s.CaseCreatedOut, 200: s.CaseCreatedOut, **ERRORS})
def case_create(request: HttpRequest, body: s.CaseIn) -> Status:
    """Register a demand. Send an `Idempotency-Key` header so a retried request never makes two cases."""
    person = _me(request)
    key = request.headers.get("Idempotency-Key")
    case, created = case_register(data=body, intake_unit=person.unit, actor=person, via=VIA_STAFF,
                                  idempotency_key=key)
    if not created and case.created_by_id != person.pk:
        raise InvalidInput(_("该 Idempotency-Key 已被使用。"), code="idempotency_key_reused")
    out = case_out(case)
    out["tracking_code"] = case.tracking_code
    return Status(201 if created else 200, out)


@router.get("", response={200: s.CaseListOut, 400: s.ErrorOut})
def case_list(
    request: HttpRequest,
    queue: str | None = None,
    state: str | None = Query(None, description="comma-separated states"),
    type: str | None = None,
    channel: str | None = None,
    category: str | None = None,
    region: str | None = None,
    unit_id: int | None = None,
    due: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    q: str | None = None,
    sort: str = "-received",
    m: str | None = Query(None, description="drill-down: the measure of a figure (stats)"),
    m_from: date | None = None,
    m_to: date | None = None,
    m_unit: int | None = Query(None, ge=1, le=2**62),
    m_agency: str | None = None,
    m_tree: bool = Query(False, description="drill-down: the unit and its sub-units"),
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    filters = CaseFilters(
        queue=queue, state=state.split(",") if state else None, type=type, channel=channel, category=category,
        region=region, unit_id=unit_id, due=due, received_from=received_from, received_to=received_to, q=q, sort=sort,
    )
    if m:
        drill = drill_filters({"m": m, "m_from": m_from.isoformat() if m_from else "",
                               "m_to": m_to.isoformat() if m_to else "", "m_unit": str(m_unit or ""),
                               "m_agency": m_agency or "", "m_tree": "1" if m_tree else ""})
        filters = replace(filters, **{k: v for k, v in drill.items() if v is not None})
    qs = case_list_for(_me(request), filters).select_related("lead_unit", "policy", "region")
    items = list(qs[offset : offset + limit])
    count = capped_count(qs, LIST_COUNT_CAP)
    return {"count": count, "count_capped": count >= LIST_COUNT_CAP, "items": [case_out(c) for c in items],
            "offset": offset, "limit": limit}


@router.get("/{case_id}", response={200: s.CaseDetailOut, 404: s.ErrorOut})
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    person = _me(request)
    return case_detail_out(case_get_for(person, case_id), person)


@router.get("/{case_id}/events", response={200: list[s.EventOut], 404: s.ErrorOut})
def case_events(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    person = _me(request)
    case = case_get_for(person, case_id)
    events = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id"))
    datas = events_data_for(person, case, [e.data for e in events], ip=_ip(request))  # each kind's access rule
    return [
        {"id": e.pk, "action": e.action, "from_state": e.from_state, "to_state": e.to_state,
         "actor": str(e.actor) if e.actor else None, "actor_role": e.actor_role, "at": _local(e.at),
         "reason": e.reason, "data": data}
        for e, data in zip(events, datas, strict=True)
    ]


@router.post("/{case_id}/reveal", response={200: s.CitizenOut, 403: s.ErrorOut, 404: s.ErrorOut})
def case_reveal(request: HttpRequest, case_id: int, body: s.RevealIn) -> dict[str, Any]:
    """The citizen's full name, phone and ID number, for roles that need them; each view is logged."""
    person = _me(request)
    return citizen_reveal(person, case_get_for(person, case_id), ip=_ip(request), purpose=body.purpose)


def _detail_after(person: Person, case_pk: int) -> dict[str, Any]:
    # The actor may no longer see the case (e.g. after returning it): they still get the result.
    return case_detail_out(Case.objects.select_related("lead_unit", "policy").get(pk=case_pk), person)


def _endpoint(action: Action) -> Callable[..., dict[str, Any]]:
    """The endpoint of one registry entry: parse the typed body, call the domain function (the
    version is compared under the row lock), render the case."""

    def endpoint(request: HttpRequest, case_id: int, body: Any) -> dict[str, Any]:
        person = _me(request)
        case = case_get_for(person, case_id)  # 404 for a case this person may not see
        done = action.call(case.pk, person, body)
        return _detail_after(person, done.pk)

    endpoint.__name__ = endpoint.__qualname__ = f"action_{action.name}"
    endpoint.__annotations__ = {"request": HttpRequest, "case_id": int, "body": action.input, "return": dict[str, Any]}
    return endpoint


def _all_endpoints() -> list[Action]:
    """One endpoint per API path over every kind of matter (cases/actions.py): a path two kinds
    share (督办, 备注 …) runs the same domain function, which applies the case's own definition."""
    seen: dict[str, Action] = {}
    for kind in [d.kind for d in definitions()]:
        for a in api_endpoints(kind):
            first = seen.setdefault(a.path, a)
            if first.run is not a.run or first.input is not a.input:
                raise ValueError(f"API path {a.path!r} means different things for different kinds")
    return list(seen.values())


for _a in _all_endpoints():
    router.post(f"/{{case_id}}/{_a.path}", response={200: s.CaseDetailOut, **ERRORS}, summary=_a.summary,
                operation_id=f"case_action_{_a.name}")(_endpoint(_a))


@router.post("/{case_id}/attachments", response={200: s.CaseDetailOut, 413: s.ErrorOut, 415: s.ErrorOut, **ERRORS},
             summary="上传附件 attach photos or PDFs (checked by content, size-limited)")
def a_attach(request: HttpRequest, case_id: int, files: list[UploadedFile] = File(...), note: str = "") -> dict[str, Any]:  # noqa: B008
    from banshi.cases.uploads import upload_check

    person = _me(request)
    case = case_get_for(person, case_id)
    done = life.case_attach(case.pk, actor=person, files=upload_check(files), note=note)
    return _detail_after(person, done.pk)


misc = Router(tags=["reference"])


@misc.get("/units", response=list[s.UnitOut])
def units(request: HttpRequest, agency: str | None = None, region: str | None = None) -> list[dict[str, Any]]:
    qs = Unit.objects.filter(is_active=True)
    if agency:
        qs = qs.filter(agency=agency)
    if region:
        qs = qs.filter(region_id=region)
    return [{"id": u.pk, "name": u.name, "kind": u.kind, "agency": u.agency, "region_code": u.region_id,
             "parent_id": u.parent_id} for u in qs.order_by("id")[:2000]]


@misc.get("/sla/due", response={200: s.DueOut, 400: s.ErrorOut})
def sla_due(request: HttpRequest, start: datetime, period: str) -> dict[str, Any]:
    """The end of a legal period (民法典 arts. 200–204) on the official working-day calendar."""
    if timezone.is_naive(start):
        raise InvalidInput(_("起算时间必须带时区，如 2026-09-28T10:00:00+08:00。"), code="naive_datetime")
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_period") from exc
    due = compute_due(start, p, get_calendar())
    return {"start": start, "period": str(p), "due_at": _local(due.at), "last_day": due.last_day,
            "provisional": due.provisional}


@misc.get("/hotspots", response={200: list[dict[str, Any]]})
def hotspots(request: HttpRequest, days: int = Query(30, ge=1, le=180)) -> list[dict[str, Any]]:
    """热点: recent demands this person may see, grouped by topic and place, hottest first."""
    from banshi.cases.links import hotspots_for

    return hotspots_for(_me(request), days=days)


api.add_router("/auth", auth_router)
api.add_router("/cases", router)
api.add_router("/stats", stats_router)
api.add_router("/", services_router)
api.add_router("/", notary_router)
api.add_router("/", judicial_aid_router)
api.add_router("/", psych_router)
api.add_router("/", misc)
