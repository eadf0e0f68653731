"""The citizen portal under /portal/: submit a demand, get a tracking code, follow it, rate the
result, supplement material. Views parse, call banshi.intake.services, render."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banshi.cases.domain.intake import CaseInput
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Case
from banshi.cases.uploads import MAX_FILES, upload_check
from banshi.core.errors import DomainError
from banshi.intake import services
from banshi.intake.forms import RateForm, SubmitForm, SupplementForm, TrackForm, idempotency_key_clean
from banshi.intake.ratelimit import client_ip, rate_hit
from banshi.orgs.models import Region

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


def _submit_ctx(form: SubmitForm, point: services.ServicePoint | None, error: str = "") -> dict[str, Any]:
    return {
        "form": form, "point": point, "error": error, "regions": _top_regions(),
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
    return _page(request, "received.html", {"case": case, "sms": bool(case.citizen_phone)})


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
    try:
        rate_hit("track_ip", client_ip(request))
        rate_hit("track_code", form.cleaned_data["code"].strip().upper())
        case, personal = services.citizen_case_find(
            tracking_code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
        )
    except DomainError as exc:
        return _page(request, "track.html", {"form": form, "error": exc.message}, status=exc.status)
    _grant(request, case, personal=personal)
    return HttpResponseRedirect(reverse("portal:case", args=[case.tracking_code]))


def _case_page(request: HttpRequest, case: Case, personal: bool, *, status: int = 200, **extra: Any) -> HttpResponse:
    ctx = {"view": services.citizen_view(case, personal=personal), "rate_form": RateForm(),
           "supplement_form": SupplementForm(), "max_files": MAX_FILES, **extra}
    return _page(request, "case.html", ctx, status=status)


@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = _granted(request, code)
    if found is None:
        return HttpResponseRedirect(reverse("portal:track") + f"?code={code[:12]}")
    return _case_page(request, *found, notice=request.session.pop("portal_notice", ""))


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

