"""The JSON API under /api/v1/. It parses, calls the domain, renders; it holds no rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, NinjaAPI, Query, Router, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from banshi.api import schemas as s
from banshi.cases.domain import lifecycle as life
from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.models import Case, CaseEvent
from banshi.cases.queries.cases import LIST_COUNT_CAP, CaseFilters, capped_count, case_get_for, case_list_for
from banshi.cases.queries.personal import citizen_masked, citizen_reveal
from banshi.cases.workflow import allowed_actions, state_label
from banshi.core.errors import DomainError, InvalidInput, PermissionDenied
from banshi.orgs.auth import api_token_issue, api_token_person, person_sign_in
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.sla.models import Milestone
from banshi.sla.periods import compute_due, parse_period
from banshi.sla.services import due_state, get_calendar


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
    return {
        "id": case.pk, "number": case.number, "type": case.type, "channel": case.channel, "title": case.title,
        "content": case.content, "citizen": citizen_masked(case), "anonymous": case.anonymous,
        "confidential": case.confidential, "address": case.address, "region_code": case.region_id,
        "category": case.category, "agency": case.agency, "urgency": case.urgency,
        "received_at": _local(case.received_at), "backdated": case.backdated, "state": case.state,
        "state_label": state_label(case.state), "version": case.version,
        "policy": case.policy.code if case.policy_id and case.policy else None,
        "intake_unit_id": case.intake_unit_id, "lead_unit_id": case.lead_unit_id,
        "lead_unit": case.lead_unit.name if case.lead_unit_id and case.lead_unit else None,
        "handler_id": case.handler_id, "next_due_at": _local(case.next_due_at), "overdue": case.overdue,
        "satisfaction": case.satisfaction, "reopen_count": case.reopen_count, "merged_into_id": case.merged_into_id,
        "triage": case.triage or {},
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
        {"action": r.action, "label": str(r.label), "needs_reason": r.needs_reason} for r in allowed_actions(case, person)
    ]
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
    if person.role not in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR) or person.unit is None:
        raise PermissionDenied(_("您的角色不能登记诉求。"))
    data = CaseInput(**body.dict())
    key = request.headers.get("Idempotency-Key")
    case, created = case_register(data=data, intake_unit=person.unit, actor=person, idempotency_key=key)
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
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    filters = CaseFilters(
        queue=queue, state=state.split(",") if state else None, type=type, channel=channel, category=category,
        region=region, unit_id=unit_id, due=due, received_from=received_from, received_to=received_to, q=q, sort=sort,
    )
    qs = case_list_for(_me(request), filters).select_related("lead_unit", "policy")
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
    case = case_get_for(_me(request), case_id)
    return [
        {"id": e.pk, "action": e.action, "from_state": e.from_state, "to_state": e.to_state,
         "actor": str(e.actor) if e.actor else None, "actor_role": e.actor_role, "at": _local(e.at),
         "reason": e.reason, "data": e.data}
        for e in CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")
    ]


@router.post("/{case_id}/reveal", response={200: s.CitizenOut, 403: s.ErrorOut, 404: s.ErrorOut})
def case_reveal(request: HttpRequest, case_id: int, body: s.RevealIn) -> dict[str, Any]:
    """The citizen's full name, phone and ID number, for roles that need them; each view is logged."""
    person = _me(request)
    return citizen_reveal(person, case_get_for(person, case_id), ip=_ip(request), purpose=body.purpose)


def _act(request: HttpRequest, case_id: int, fn: Any, **kwargs: Any) -> dict[str, Any]:
    person = _me(request)
    case = case_get_for(person, case_id)
    version = kwargs.pop("version", None)
    if version is not None and version != case.version:
        from banshi.core.errors import Conflict

        raise Conflict(_("诉求已被他人更新，请刷新后重试。"), code="stale_version", details={"version": case.version})
    done = fn(case.pk, actor=person, **kwargs)
    # The actor may no longer see the case (e.g. after returning it): they still get the result.
    return case_detail_out(Case.objects.select_related("lead_unit", "policy").get(pk=done.pk), person)


def _action(path: str, summary: str) -> Any:
    return router.post(f"/{{case_id}}/{path}", response={200: s.CaseDetailOut, **ERRORS}, summary=summary)


@_action("dispatch", "派单 dispatch to a unit")
def a_dispatch(request: HttpRequest, case_id: int, body: s.DispatchIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_dispatch, unit_id=body.unit_id, note=body.note, category=body.category,
                periods=body.periods, version=body.version)


@_action("answer", "当场答复 answer a consultation on the spot")
def a_answer(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_answer, text=body.text, version=body.version)


@_action("sign", "签收 sign for the order")
def a_sign(request: HttpRequest, case_id: int, body: s.Versioned) -> dict[str, Any]:
    return _act(request, case_id, life.case_sign, version=body.version)


@_action("return-request", "申请退单 ask the leader to return the order")
def a_return_request(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_return_request, reason=body.reason, version=body.version)


@_action("return", "退单 return the order to the dispatcher (leader; approves a pending request)")
def a_return(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_return, reason=body.reason, version=body.version)


@_action("return-reject", "驳回退单申请 reject a return request")
def a_return_reject(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_return_reject, reason=body.reason, version=body.version)


@_action("transfer", "转办 transfer to another unit")
def a_transfer(request: HttpRequest, case_id: int, body: s.TransferIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_transfer, unit_id=body.unit_id, reason=body.reason, periods=body.periods,
                version=body.version)


@_action("assign", "指派承办人 assign a handler")
def a_assign(request: HttpRequest, case_id: int, body: s.AssignIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_assign, handler_id=body.handler_id, version=body.version)


@_action("co-units", "增加协办单位 add a co-handling unit")
def a_co_add(request: HttpRequest, case_id: int, body: s.UnitIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_co_add, unit_id=body.unit_id, note=body.note, version=body.version)


@_action("co-report", "协办反馈 a co-unit reports")
def a_co_report(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_co_report, text=body.text, version=body.version)


@_action("extension-request", "申请延期 ask for an extension")
def a_ext_request(request: HttpRequest, case_id: int, body: s.ExtensionIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_extension_request, period=body.period, reason=body.reason, version=body.version)


@_action("extension-decision", "审批延期 approve or reject the pending extension")
def a_ext_decide(request: HttpRequest, case_id: int, body: s.DecisionIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_extension_decide, approve=body.approve, note=body.note, version=body.version)


@_action("documents-request", "要求补充材料 ask the citizen for documents (pausable clocks stop)")
def a_docs_request(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_documents_request, text=body.text, version=body.version)


@_action("documents-received", "材料已补齐 documents received (clocks resume)")
def a_docs_received(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_documents_received, note=body.reason, version=body.version)


@_action("progress-reply", "阶段性/程序性答复 a progress or procedural reply")
def a_progress(request: HttpRequest, case_id: int, body: s.ReplyIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_progress_reply, text=body.text, procedural=body.procedural, version=body.version)


@_action("reply", "提交办结答复 submit the final reply for approval")
def a_reply(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_reply_submit, text=body.text, version=body.version)


@_action("reply-decision", "审核答复 approve or reject the final reply")
def a_reply_decide(request: HttpRequest, case_id: int, body: s.DecisionIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_reply_decide, approve=body.approve, note=body.note, version=body.version)


@_action("follow-up", "回访 record the follow-up; an unsatisfied rating reopens the case")
def a_follow_up(request: HttpRequest, case_id: int, body: s.FollowUpIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_follow_up, rating=body.rating, comment=body.comment,
                contacted=body.contacted, resolved=body.resolved, version=body.version)


@_action("reopen", "重办 reopen")
def a_reopen(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_reopen, reason=body.reason, version=body.version)


@_action("archive", "归档 archive")
def a_archive(request: HttpRequest, case_id: int, body: s.Versioned) -> dict[str, Any]:
    return _act(request, case_id, life.case_archive, version=body.version)


@_action("withdraw", "撤回 withdraw at the citizen's request")
def a_withdraw(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_withdraw, reason=body.reason, version=body.version)


@_action("invalidate", "无效 mark invalid")
def a_invalidate(request: HttpRequest, case_id: int, body: s.ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_invalidate, reason=body.reason, version=body.version)


@_action("merge", "合并 merge into a duplicate")
def a_merge(request: HttpRequest, case_id: int, body: s.MergeIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_merge, into_id=body.into_id, reason=body.reason, version=body.version)


@_action("urgency", "标记紧急 set urgency")
def a_urgency(request: HttpRequest, case_id: int, body: s.UrgencyIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_mark_urgent, urgency=body.urgency, reason=body.reason, version=body.version)


@_action("links", "关联诉求 link a related or duplicate case")
def a_link(request: HttpRequest, case_id: int, body: s.LinkIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_link, other_id=body.other_id, kind=body.kind, version=body.version)


@router.post("/{case_id}/attachments", response={200: s.CaseDetailOut, 413: s.ErrorOut, 415: s.ErrorOut, **ERRORS},
             summary="上传附件 attach photos or PDFs (checked by content, size-limited)")
def a_attach(request: HttpRequest, case_id: int, files: list[UploadedFile] = File(...), note: str = "") -> dict[str, Any]:  # noqa: B008
    from banshi.intake.uploads import upload_check

    return _act(request, case_id, life.case_attach, files=upload_check(files), note=note)


@_action("comments", "备注 add a note")
def a_comment(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_comment, text=body.text, version=body.version)


@_action("supervise", "督办 issue a supervision notice")
def a_supervise(request: HttpRequest, case_id: int, body: s.SuperviseIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_supervise, note=body.note, due_at=body.due_at, version=body.version)


@_action("escalate", "升级督办 raise the open supervision notice a level (一般 → 重点 → 挂牌), or open one at 重点督办")
def a_escalate(request: HttpRequest, case_id: int, body: s.EscalateIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_escalate, reason=body.reason, due_at=body.due_at, version=body.version)


@_action("supervision-answer", "督办反馈 answer the open supervision notice")
def a_supervise_answer(request: HttpRequest, case_id: int, body: s.TextIn) -> dict[str, Any]:
    return _act(request, case_id, life.case_supervise_answer, text=body.text, version=body.version)


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
    from banshi.triage.links import hotspots_for

    return hotspots_for(_me(request), days=days)


api.add_router("/auth", auth_router)
api.add_router("/cases", router)
api.add_router("/", misc)
