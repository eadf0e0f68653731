"""The citizen portal under /portal/: submit a demand, get a tracking code, follow it, rate the
result, supplement material; apply for 法律援助 or 人民调解 and follow the application the same way
(补正 documents, an objection to a refusal). Views parse, call banshi.intake.services, render."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from banshi.cases.domain.intake import CaseInput
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Attachment, Case
from banshi.cases.uploads import MAX_FILES, upload_check
from banshi.cases.workflow import definition_for
from banshi.core.errors import DomainError, NotFound
from banshi.intake import services
from banshi.intake.forms import (
    AidApplyForm,
    AidDocumentsForm,
    AidObjectionForm,
    MediationApplyForm,
    NotaryBookForm,
    NotaryCancelForm,
    RateForm,
    SubmitForm,
    SupplementForm,
    TrackForm,
    idempotency_key_clean,
)
from banshi.intake.ratelimit import client_ip, rate_hit, rate_refund
from banshi.notary import domain as nt
from banshi.orgs.enums import RegionLevel
from banshi.orgs.models import Region
from banshi.services import catalog
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.sla.models import Milestone, MilestoneStatus
from banshi.triage.emergency import NUMBER_NAMES

DISPLAY_COOKIE = "banshi_display"
SESSION_CASES = "portal_cases"
SESSION_RECEIVED = "portal_received"
TYPE_HELP = {
    CaseType.CONSULTATION: "了解政策、办事流程、法律问题",
    CaseType.HELP: "遇到困难需要帮助解决",
    CaseType.COMPLAINT: "对单位或工作人员的服务不满意",
    CaseType.REPORT: "反映违法违纪问题线索",
    CaseType.SUGGESTION: "对工作提出意见建议",
}


def _page(request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    large = request.COOKIES.get(DISPLAY_COOKIE) == "large"
    base = {"display_large": large, "html_class": "large" if large else ""}
    return render(request, f"intake/{template}", {**base, **ctx}, status=status)


def _top_regions() -> list[Region]:
    roots = list(Region.objects.filter(parent__isnull=True).order_by("code"))
    # A deployment for one city or district: start the cascade at the first level with a choice.
    while len(roots) == 1:
        children = list(Region.objects.filter(parent=roots[0]).order_by("code"))
        if not children:
            break
        roots = children
    return roots


def _point_county(point: services.ServicePoint | None) -> Region | None:
    """The county (区县) of a service point: its own region, else its unit's, climbed up to county
    level. The portal reached from a point's QR poster starts its region picker there."""
    if point is None:
        return None
    region = point.region if point.region_id else point.unit.region
    while region is not None and region.level > RegionLevel.COUNTY and region.parent_id:
        region = region.parent
    return region if region is not None and region.level >= RegionLevel.COUNTY else None


def _submit_ctx(form: SubmitForm, point: services.ServicePoint | None, error: str = "") -> dict[str, Any]:
    county = _point_county(point)
    regions = list(Region.objects.filter(parent=county).order_by("code")) if county else _top_regions()
    # With nothing picked, the demand is where the point is (its own region when that is finer).
    own = point.region if point is not None and point.region_id else None
    start = own if own is not None and county is not None and own.path.startswith(county.path) else county
    return {
        "form": form, "point": point, "error": error, "regions": regions, "county": county, "region_start": start,
        "types": [(value, label, _(TYPE_HELP[CaseType(value)])) for value, label in CaseType.choices],
        "max_files": MAX_FILES,
    }


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        point = services.service_point_active(request.GET.get("sp"))
        form = SubmitForm(initial={"sp": point.code if point else "", "submission_id": secrets.token_hex(16),
                                   "type": CaseType.HELP})
        ctx = _submit_ctx(form, point)
        if request.GET.get("sp") and point is None:
            ctx["error"] = _("二维码对应的服务点不存在或已停用，您仍可直接提交诉求。")
        return _page(request, "submit.html", ctx)

    point = services.service_point_active(request.POST.get("sp"))
    form = SubmitForm(request.POST, regions=request.POST.getlist("region"),
                      point_has_region=bool(point and point.region_id))
    try:
        ip = client_ip(request)
        rate_hit("submit_ip", ip)
        if not form.is_valid():
            return _page(request, "submit.html", _submit_ctx(form, point), status=400)
        d = form.cleaned_data
        if d["phone"]:
            rate_hit("submit_phone", d["phone"])
        key = idempotency_key_clean(request.headers.get("Idempotency-Key") or d.get("submission_id"))
        files = upload_check(request.FILES.getlist("files"))
        case, _created = services.citizen_submit(
            data=CaseInput(
                type=d["type"], channel=Channel.PORTAL, content=d["content"], region_code=form.region_code or None,
                address=d["address"], citizen_name=d["name"], citizen_phone=d["phone"], anonymous=d["anonymous"],
                confidential=d["confidential"],
            ),
            service_point_code=d["sp"] or "",
            files=files, idempotency_key=f"portal:{key}" if key else None,
        )
    except DomainError as exc:
        return _page(request, "submit.html", _submit_ctx(form, point, exc.message), status=exc.status)
    request.session[SESSION_RECEIVED] = case.tracking_code
    _grant(request, case, personal=True)
    return HttpResponseRedirect(reverse("portal:received"))


@require_GET
def received(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_RECEIVED)
    case = Case.objects.filter(tracking_code=code).first() if code else None
    if case is None:
        return HttpResponseRedirect(reverse("portal:submit"))
    if case.kind != "demand":
        return _page(request, "matter_received.html", {
            "case": case, "sms": bool(case.citizen_phone), "kind_label": case.get_kind_display(),
            "matter": services.citizen_matter(case, personal=True)})
    return _page(request, "received.html", {"case": case, "sms": bool(case.citizen_phone),
                                            "emergency": _emergency_notice(case)})


def _emergency_notice(case: Case) -> dict[str, Any] | None:
    """What the confirmation page tells a citizen whose demand is an emergency, from the
    registration's emergency decision (stored in the suggestion, banshi/triage/integration.py):
    the numbers to call now (110/119/120/122, then 12356/96110 only as an addition), as tel: links."""
    t = case.triage or {}
    numbers = [str(n) for n in t.get("transfer_to") or [] if n]
    if not t.get("emergency") or not numbers:
        return None
    citizen = str(t.get("emergency_citizen") or "")  # "请立即拨打…。<what to do>也可以拨打…。"
    advice = citizen.split("。", 1)[1].split("也可以拨打", 1)[0].strip() if "。" in citizen else ""
    return {
        # No label for self-harm: "您反映的情况可能十分紧急" is what a person in crisis should read.
        "name": "" if t.get("emergency") == "self_harm" else str(t.get("emergency_name") or ""),
        "joined": "、".join(numbers),
        "calls": [{"number": n, "name": NUMBER_NAMES.get(n, "")} for n in numbers],
        "also": [{"number": str(n), "name": NUMBER_NAMES.get(str(n), "")} for n in t.get("also_call") or [] if n],
        "advice": advice,
    }


def _grant(request: HttpRequest, case: Case, *, personal: bool) -> None:
    granted = dict(request.session.get(SESSION_CASES) or {})
    granted[case.tracking_code] = personal
    request.session[SESSION_CASES] = dict(list(granted.items())[-20:])


def _granted(request: HttpRequest, code: str) -> tuple[Case, bool] | None:
    granted = request.session.get(SESSION_CASES) or {}
    if code not in granted:
        return None
    case = Case.objects.filter(tracking_code=code).first()
    return (case, bool(granted[code])) if case else None


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = TrackForm(initial={"code": request.GET.get("code", "")})
        return _page(request, "track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _page(request, "track.html", {"form": form}, status=400)
    # Only wrong answers count towards the limits: every lookup takes its place in the counters
    # first (so that parallel guesses cannot slip past) and gives it back unless the code and
    # phone did not match.
    counted: list[str | None] = []
    try:
        counted.append(rate_hit("track_ip", client_ip(request)))
        counted.append(rate_hit("track_code", form.cleaned_data["code"].strip().upper()))
        case, personal = services.citizen_case_find(
            tracking_code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
        )
    except NotFound as exc:
        return _page(request, "track.html", {"form": form, "error": exc.message}, status=exc.status)
    except DomainError as exc:
        for key in counted:
            rate_refund(key)
        return _page(request, "track.html", {"form": form, "error": exc.message}, status=exc.status)
    for key in counted:
        rate_refund(key)
    _grant(request, case, personal=personal)
    return HttpResponseRedirect(reverse("portal:case", args=[case.tracking_code]))


# Milestones that are steps inside the administration, not an answer to the citizen.
INTERNAL_MILESTONES = frozenset({"sign", "assign"})
PHOTO_TYPES = ("image/jpeg", "image/png")


def _day(at: datetime, today: datetime) -> str:
    """A date as a villager says it, in Beijing time: 12月5日 (with the year when it is not this year,
    with the time when it is less than a day away: 12月5日14:30)."""
    local = timezone.localtime(at)
    text = _("%(m)d月%(d)d日") % {"m": local.month, "d": local.day}
    if local.year != today.year:
        text = _("%(y)d年") % {"y": local.year} + text
    if local - today < timedelta(days=1):
        text += local.strftime("%H:%M")
    return text


def _expected_reply(case: Case) -> dict[str, Any] | None:
    """When the citizen can expect an answer: the earliest open milestone that answers them."""
    if case.state not in definition_for(case.kind).open_states:
        return None
    rows = (Milestone.objects.filter(case_id=case.pk, status__in=(
        MilestoneStatus.PENDING, MilestoneStatus.PAUSED, MilestoneStatus.BREACHED))
        .exclude(kind__in=INTERNAL_MILESTONES).order_by("due_at").only("due_at", "status", "label"))
    open_ones = list(rows[:10])
    if not open_ones:
        return None
    today = timezone.localtime()
    running = [m for m in open_ones if m.status != MilestoneStatus.BREACHED]
    if running:
        m = running[0]
        return {"date": _day(m.due_at, today), "due_at": m.due_at, "label": m.label,
                "paused": m.status == MilestoneStatus.PAUSED, "overdue": False}
    m = open_ones[0]
    return {"date": _day(m.due_at, today), "due_at": m.due_at, "label": m.label, "paused": False, "overdue": True}


def _handling_unit(case: Case) -> dict[str, Any] | None:
    """The unit handling the case; before dispatch, the unit that took it in (and is assigning it)."""
    lead = case.lead_unit
    if lead is not None:
        return {"name": lead.name, "assigning": False}
    if case.state in definition_for(case.kind).open_states:
        return {"name": case.intake_unit.name, "assigning": True}
    return None


def _own_files(case: Case) -> list[Attachment]:
    """The citizen's own material (sent through the portal or an app), not the staff's documents."""
    return list(Attachment.objects.filter(case_id=case.pk, uploaded_by__isnull=True)
                .only("id", "name", "content_type").order_by("id"))


def _case_page(request: HttpRequest, case: Case, personal: bool, *, status: int = 200, **extra: Any) -> HttpResponse:
    files = _own_files(case) if personal else []
    ctx = {"view": services.citizen_view(case, personal=personal), "rate_form": RateForm(),
           "supplement_form": SupplementForm(), "aid_documents_form": AidDocumentsForm(),
           "objection_form": AidObjectionForm(), "max_files": MAX_FILES,
           "unit": _handling_unit(case), "expected": _expected_reply(case),
           "photos": [f for f in files if f.content_type in PHOTO_TYPES],
           "documents": [f for f in files if f.content_type not in PHOTO_TYPES], **extra}
    return _page(request, "case.html", ctx, status=status)


@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return HttpResponseRedirect(reverse("portal:track") + f"?code={code[:12]}")
    return _case_page(request, *found, notice=request.session.pop("portal_notice", ""))


@require_GET
def case_file(request: HttpRequest, code: str, attachment_id: int) -> HttpResponseBase:
    """One of the citizen's own files, for the session that opened the case with its code and phone.
    Anything else (another case's file, a staff document, no phone check) is a plain 404."""
    found = _granted(request, code)
    att = None
    if found is not None and found[1]:
        att = Attachment.objects.filter(case=found[0], pk=attachment_id, uploaded_by__isnull=True).first()
    if att is None:
        return HttpResponse(_("文件不存在，或请先用查询码和手机号打开您的诉求。"), status=404,
                            content_type="text/plain; charset=utf-8")
    inline = att.content_type in PHOTO_TYPES or att.content_type == "application/pdf"
    resp = FileResponse(att.file.open("rb"), content_type=att.content_type if inline else "application/octet-stream",
                        as_attachment=not inline, filename=att.name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


@require_POST
def case_rate(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return HttpResponseRedirect(reverse("portal:track") + f"?code={code[:12]}")
    case, personal = found
    form = RateForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, personal, status=400, rate_form=form)
    try:
        rate_hit("citizen_action_ip", client_ip(request))
        services.citizen_rate(case_id=case.pk, rating=form.cleaned_data["rating"],
                              comment=form.cleaned_data["comment"])
    except DomainError as exc:
        return _case_page(request, case, personal, status=exc.status, error=exc.message, rate_form=form)
    request.session["portal_notice"] = _("感谢您的评价！")
    return HttpResponseRedirect(reverse("portal:case", args=[case.tracking_code]))


@require_POST
def case_supplement(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return HttpResponseRedirect(reverse("portal:track") + f"?code={code[:12]}")
    case, personal = found
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, personal, status=400, supplement_form=form)
    try:
        rate_hit("citizen_action_ip", client_ip(request))
        files = upload_check(request.FILES.getlist("files"))
        services.citizen_supplement(case_id=case.pk, text=form.cleaned_data["text"], files=files)
    except DomainError as exc:
        return _case_page(request, case, personal, status=exc.status, error=exc.message, supplement_form=form)
    request.session["portal_notice"] = _("补充材料已提交，我们将继续办理。")
    return HttpResponseRedirect(reverse("portal:case", args=[case.tracking_code]))


def _citizen_action(request: HttpRequest, code: str, form_class: type[forms.Form], form_key: str,
                    act: Callable[[Case, dict[str, Any]], None], notice: str) -> HttpResponse:
    """A POST from the tracking page of a legal-aid application: only for the session that opened
    it with its code and phone; counted by the citizen-action limit; errors shown on the page."""
    found = _granted(request, code)
    if found is None:
        return HttpResponseRedirect(reverse("portal:track") + f"?code={code[:12]}")
    case, personal = found
    form = form_class(request.POST)
    if not personal:
        return _case_page(request, case, personal, status=403, **{form_key: form}, error=_(
            "请先用查询码和申请时填写的手机号码打开您的申请；没有留手机号的，请到法律援助中心窗口办理。"))
    if not form.is_valid():
        return _case_page(request, case, personal, status=400, **{form_key: form})
    try:
        rate_hit("citizen_action_ip", client_ip(request))
        act(case, form.cleaned_data)
    except DomainError as exc:
        return _case_page(request, case, personal, status=exc.status, error=exc.message, **{form_key: form})
    request.session["portal_notice"] = notice
    return HttpResponseRedirect(reverse("portal:case", args=[case.tracking_code]))


@require_POST
def case_aid_documents(request: HttpRequest, code: str) -> HttpResponse:
    """补正: the documents the legal-aid centre asked for, all at once."""
    def act(case: Case, d: dict[str, Any]) -> None:
        files = upload_check(request.FILES.getlist("files"))
        services.citizen_aid_documents(case_id=case.pk, files=files, note=d["note"])

    return _citizen_action(request, code, AidDocumentsForm, "aid_documents_form", act,
                           _("补正材料已提交，法律援助中心将继续审查。"))


@require_POST
def case_aid_objection(request: HttpRequest, code: str) -> HttpResponse:
    """异议 against a refusal (法律援助法 art. 49)."""
    def act(case: Case, d: dict[str, Any]) -> None:
        services.citizen_aid_object(case_id=case.pk, text=d["text"])

    return _citizen_action(request, code, AidObjectionForm, "objection_form", act,
                           _("异议已提交，司法行政部门将在5日内审查并告知您结果。"))


# -- 申请法律援助 and 申请人民调解 ------------------------------------------------------------------

SESSION_APPLICATIONS = "portal_applications"  # submission id → tracking code: a second click gets the first


def _application_again(request: HttpRequest, submission_id: str) -> Case | None:
    code = (request.session.get(SESSION_APPLICATIONS) or {}).get(submission_id) if submission_id else None
    return Case.objects.filter(tracking_code=code).first() if code else None


def _application_done(request: HttpRequest, submission_id: str, case: Case) -> HttpResponse:
    if submission_id:
        done = dict(request.session.get(SESSION_APPLICATIONS) or {})
        done[submission_id] = case.tracking_code
        request.session[SESSION_APPLICATIONS] = dict(list(done.items())[-10:])
    request.session[SESSION_RECEIVED] = case.tracking_code
    _grant(request, case, personal=bool(case.citizen_phone))
    return HttpResponseRedirect(reverse("portal:received"))


def _aid_ctx(form: AidApplyForm, error: str = "") -> dict[str, Any]:
    cat = catalog.legal_aid()
    return {"form": form, "error": error, "unit_groups": services.service_unit_groups(services.AID_UNITS),
            "matters": services.aid_matter_options(), "exemptions": services.aid_exemption_options(),
            "documents": cat["documents"], "max_files": MAX_FILES}


def _single_unit(groups: list[dict[str, Any]]) -> int | None:
    units = [u for g in groups for u in g["units"]]
    return units[0]["id"] if len(units) == 1 else None


@require_http_methods(["GET", "POST"])
def aid_apply(request: HttpRequest) -> HttpResponse:
    """申请法律援助: the documents checklist first (一次性告知), then the application with uploads."""
    if request.method == "GET":
        form = AidApplyForm(initial={
            "submission_id": secrets.token_hex(16), "exemption": "",
            "unit": _single_unit(services.service_unit_groups(services.AID_UNITS))})
        return _page(request, "aid_apply.html", _aid_ctx(form))
    form = AidApplyForm(request.POST)
    try:
        rate_hit("submit_ip", client_ip(request))
        if not form.is_valid():
            return _page(request, "aid_apply.html", _aid_ctx(form), status=400)
        d = form.cleaned_data
        rate_hit("submit_phone", d["phone"])
        again = _application_again(request, d["submission_id"])
        if again is not None:
            return _application_done(request, d["submission_id"], again)
        files = upload_check(request.FILES.getlist("files"))
        case = services.citizen_aid_apply(data=AidApplyIn(
            unit_id=d["unit"], applicant_name=d["name"], applicant_phone=d["phone"],
            applicant_id_number=d["id_number"], matter_type=d["matter_type"], facts=d["facts"],
            other_party=d["other_party"], economic=d["economic"], exemption=d["exemption"], address=d["address"],
            channel=Channel.PORTAL,
        ), files=files)
    except DomainError as exc:
        return _page(request, "aid_apply.html", _aid_ctx(form, exc.message), status=exc.status)
    except ValidationError:
        return _page(request, "aid_apply.html", _aid_ctx(form, _("填写的内容不正确，请检查后重新提交。")), status=400)
    return _application_done(request, d["submission_id"], case)


def _mediation_ctx(form: MediationApplyForm, error: str = "") -> dict[str, Any]:
    return {"form": form, "error": error, "unit_groups": services.service_unit_groups(services.MEDIATION_UNITS),
            "disputes": services.mediation_dispute_options()}


@require_http_methods(["GET", "POST"])
def mediation_apply(request: HttpRequest) -> HttpResponse:
    """申请人民调解 (人民调解法 art. 17): a party asks a committee to mediate."""
    if request.method == "GET":
        form = MediationApplyForm(initial={
            "submission_id": secrets.token_hex(16),
            "unit": _single_unit(services.service_unit_groups(services.MEDIATION_UNITS))})
        return _page(request, "mediation_apply.html", _mediation_ctx(form))
    form = MediationApplyForm(request.POST)
    try:
        rate_hit("submit_ip", client_ip(request))
        if not form.is_valid():
            return _page(request, "mediation_apply.html", _mediation_ctx(form), status=400)
        d = form.cleaned_data
        rate_hit("submit_phone", d["phone"])
        again = _application_again(request, d["submission_id"])
        if again is not None:
            return _application_done(request, d["submission_id"], again)
        case = services.citizen_mediation_apply(data=MedOpenIn(
            unit_id=d["unit"], source="application", dispute_type=d["dispute_type"], facts=d["facts"],
            parties=[{"name": d["name"], "role": "applicant", "phone": d["phone"]},
                     {"name": d["other_name"], "role": "respondent", "phone": d["other_phone"]}],
            address=d["address"], channel=Channel.PORTAL,
        ))
    except DomainError as exc:
        return _page(request, "mediation_apply.html", _mediation_ctx(form, exc.message), status=exc.status)
    except ValidationError:
        return _page(request, "mediation_apply.html", _mediation_ctx(form, _("填写的内容不正确，请检查后重新提交。")), status=400)
    return _application_done(request, d["submission_id"], case)


# -- 公证预约 -----------------------------------------------------------------------------------------

SESSION_NOTARY = "portal_notary"  # the last booking of this session: {"code", "submission_id"}


def _notary_choice(request: HttpRequest) -> tuple[str, int | None, str]:
    """The matter and the office chosen (GET on the first step, the hidden fields on a POST);
    anything that is not one of the listed ones is dropped with a message (never a 500)."""
    src = request.POST if request.method == "POST" else request.GET
    matter = str(src.get("matter") or "").strip()[:40]
    office_raw = str(src.get("office") or "").strip()[:20]
    problems = []
    if matter and services.notary_matter(matter) is None:
        problems.append(_("公证事项不正确，请从列表中选择。"))
        matter = ""
    office: int | None = None
    if office_raw:
        if office_raw.isascii() and office_raw.isdigit() and int(office_raw) in services.service_unit_ids(services.NOTARY_UNITS):
            office = int(office_raw)
        else:
            problems.append(_("公证处不正确，请从列表中选择。"))
    return matter, office, "；".join(problems)


def _notary_ctx(form: NotaryBookForm, matter: str, office: int | None, error: str = "") -> dict[str, Any]:
    groups = services.service_unit_groups(services.NOTARY_UNITS)
    offices = {u["id"]: u["name"] for g in groups for u in g["units"]}
    chosen = services.notary_matter(matter) if matter else None
    days = services.notary_free_days(office, matter) if chosen and office else []
    return {"form": form, "error": error, "matters": services.notary_matter_options(), "unit_groups": groups,
            "matter": chosen, "office": office, "office_name": offices.get(office or 0, ""), "days": days,
            "step": 2 if chosen and office else 1}


@require_http_methods(["GET", "POST"])
def notary_book(request: HttpRequest) -> HttpResponse:
    """公证预约: (1) the matter — its one-time checklist, video or not, fee, period — and the office;
    (2) a free slot (周末不打烊 and special weeks marked), in person or by video, name and phone.
    Booked through the notary domain's `book` with no actor; its refusals (the last place taken a
    moment before, a phone with too many bookings …) are shown in Chinese with their status."""
    matter, office, problem = _notary_choice(request)
    if request.method == "GET":
        single = _single_unit(services.service_unit_groups(services.NOTARY_UNITS))
        form = NotaryBookForm(initial={"submission_id": secrets.token_hex(16), "mode": "in_person",
                                       "matter": matter, "office": office or single})
        ctx = _notary_ctx(form, matter, office or (single if matter and not problem else None), problem)
        return _page(request, "notary_book.html", ctx, status=400 if problem else 200)
    form = NotaryBookForm(request.POST)
    try:
        rate_hit("submit_ip", client_ip(request))
        if not form.is_valid():
            return _page(request, "notary_book.html", _notary_ctx(form, matter, office, problem), status=400)
        d = form.cleaned_data
        last = request.session.get(SESSION_NOTARY) or {}
        if d["submission_id"] and last.get("submission_id") == d["submission_id"]:
            return HttpResponseRedirect(reverse("portal:notary_booked"))  # a second tap: the first booking
        rate_hit("submit_phone", d["phone"])
        booking = services.citizen_notary_book(slot_id=d["slot"], matter=d["matter"], mode=d["mode"],
                                               name=d["name"], phone=d["phone"])
    except DomainError as exc:
        return _page(request, "notary_book.html", _notary_ctx(form, matter, office, exc.message), status=exc.status)
    except ValidationError:
        return _page(request, "notary_book.html",
                     _notary_ctx(form, matter, office, _("填写的内容不正确，请检查后重新提交。")), status=400)
    request.session[SESSION_NOTARY] = {"code": booking.code, "submission_id": d["submission_id"]}
    if booking.case is not None:
        _grant(request, booking.case, personal=True)
    return HttpResponseRedirect(reverse("portal:notary_booked"))


@require_GET
def notary_booked(request: HttpRequest) -> HttpResponse:
    """The booking just made: its code, the time and place, and the checklist again."""
    code = (request.session.get(SESSION_NOTARY) or {}).get("code")
    try:
        booking = nt.booking_get(code) if code else None
    except NotFound:
        booking = None
    if booking is None:
        return HttpResponseRedirect(reverse("portal:notary_book"))
    return _page(request, "notary_booked.html", {
        "b": nt.booking_out(booking), "matter": services.notary_matter(booking.matter),
        "tracking_code": booking.case.tracking_code if booking.case else ""})


@require_http_methods(["GET", "POST"])
def notary_cancel(request: HttpRequest) -> HttpResponse:
    """取消公证预约 with the code and the phone booked with (before the slot starts); the place is freed."""
    if request.method == "GET":
        form = NotaryCancelForm(initial={"code": str(request.GET.get("code") or "")[:12].replace("\x00", "")})
        return _page(request, "notary_cancel.html", {"form": form})
    form = NotaryCancelForm(request.POST)
    if not form.is_valid():
        return _page(request, "notary_cancel.html", {"form": form}, status=400)
    try:
        rate_hit("citizen_action_ip", client_ip(request))
        booking = services.citizen_notary_cancel(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"])
    except DomainError as exc:
        return _page(request, "notary_cancel.html", {"form": form, "error": exc.message}, status=exc.status)
    return _page(request, "notary_cancel.html", {"form": NotaryCancelForm(), "cancelled": nt.booking_out(booking,
                                                                                                      masked=True)})


@require_GET
def regions(request: HttpRequest) -> JsonResponse:
    """Children of a region for the cascade (no personal data; cached by the browser)."""
    parent = (request.GET.get("parent") or "").strip()[:12]
    qs = Region.objects.filter(parent_id=parent) if parent else Region.objects.filter(pk__in=[r.pk for r in _top_regions()])
    response = JsonResponse({"regions": [{"code": r.code, "name": r.name} for r in qs.order_by("code")[:500]]})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def display(request: HttpRequest) -> HttpResponse:
    """Switch the large-text, high-contrast display without JavaScript (the JS does it in place)."""
    nxt = request.GET.get("next") or reverse("portal:submit")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("portal:submit")
    response = HttpResponseRedirect(nxt)
    large = request.GET.get("mode", "large" if request.COOKIES.get(DISPLAY_COOKIE) != "large" else "normal") == "large"
    response.set_cookie(DISPLAY_COOKIE, "large" if large else "normal", max_age=365 * 86400, samesite="Lax")
    return response

