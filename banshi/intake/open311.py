"""Open311 GeoReport v2 server under /open311/v2/ (http://wiki.open311.org/GeoReport_v2/).

Services are our case types. Requests are cases; `service_request_id` is the case's tracking code
(unguessable, unlike the sequential number). Status: a case is "closed" once it has its final
reply (replied, followed up, archived) or ended otherwise (withdrawn, merged, invalid); all other
states are "open". `status_notes` carries our Chinese state label.

Privacy: a request's description, address, location and replies are shown only to the client
that filed it (by its api_key, masked for phone and ID numbers); anyone else with the id sees its
status only. Listing requests needs an api_key and lists that client's own requests.

Discovery (discovery.json/.xml) names this endpoint. A request may be posted as
multipart/form-data with one `media` file: it is checked like every citizen upload
(intake/uploads.py: content sniffing 415, size 413) before anything is saved, and attached
through the workflow's audited attach action in the transaction that registers the case, as the
portal does with its photos; if attaching fails, nothing is committed and the client gets an
error to retry.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import case_attach
from banshi.cases.enums import AWAITING_CITIZEN_STATES, CLOSED_STATES, CaseType, Channel, ReplyStatus
from banshi.cases.models import Case, Reply
from banshi.cases.registration import VIA_OPEN311
from banshi.cases.uploads import upload_check
from banshi.cases.workflow import state_label
from banshi.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied, TooLarge
from banshi.core.privacy import mask_text
from banshi.intake.forms import idempotency_key_clean
from banshi.intake.models import Open311Client, Open311Request
from banshi.intake.portal import TYPE_HELP
from banshi.intake.ratelimit import client_ip, rate_hit
from banshi.intake.services import committee_for_region, to_simplified
from banshi.orgs.models import Region, Unit

log = logging.getLogger(__name__)

FORMATS = ("json", "xml")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's interface last changed (discovery's changeset): bump it with the interface.
CHANGESET = "2026-11-22T00:00:00+08:00"
CLOSED_FOR_311 = CLOSED_STATES | AWAITING_CITIZEN_STATES
MAX_RESULTS = 1000
DEFAULT_SPAN = timedelta(days=90)
ATTRIBUTES: list[dict[str, Any]] = [
    {"code": "region_code", "datatype": "string", "description": "行政区划代码（如130302）", "order": 1},
    {"code": "anonymous", "datatype": "singlevaluelist", "description": "匿名提交", "order": 2},
    {"code": "confidential", "datatype": "singlevaluelist", "description": "要求对身份信息保密", "order": 3},
]
_YES_NO = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]


# -- keys ----------------------------------------------------------------------------------------

def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_key_issue(*, name: str, unit: Unit | None = None) -> tuple[Open311Client, str]:
    """A new client and its api_key; the key is shown once and only its hash is stored."""
    name = name.strip()[:80]
    if not name:
        raise InvalidInput(_("客户端名称不能为空。"), code="name_required")
    key = "o311_" + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(name=name, key_hash=_hash(key), unit=unit)
    return client, key


def open311_client(key: str | None) -> Open311Client | None:
    if not key:
        return None
    client = Open311Client.objects.filter(key_hash=_hash(key.strip()), is_active=True).first()
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


# -- rendering -----------------------------------------------------------------------------------

class Open311Error(DomainError):
    pass


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


# The element of each item of a list-valued field in XML (<attributes><attribute>...).
_ITEM_TAGS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _xml_value(parent: ET.Element, tag: str, value: Any, item_tag: str) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                _xml_dict(el, item_tag, item)
            else:
                _xml_value(el, item_tag, item, "item")
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def _xml_dict(parent: ET.Element, tag: str, item: dict[str, Any]) -> None:
    el = ET.SubElement(parent, tag)
    for key, value in item.items():
        _xml_value(el, key, value, _ITEM_TAGS.get(key, "item"))


def _render(fmt: str, root: str, item: str, data: list[dict[str, Any]] | dict[str, Any], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        for row in data if isinstance(data, list) else [data]:
            if isinstance(data, list):
                _xml_dict(top, item, row)
            else:
                for key, value in row.items():
                    _xml_value(top, key, value, _ITEM_TAGS.get(key, "item"))
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt if fmt in FORMATS else "json", "errors", "error",
                   [{"code": status, "description": description}], status=status)


def _guard(fmt: str, view: Any) -> HttpResponse:
    if fmt not in FORMATS:
        return _error("json", 400, _("不支持的格式：%(fmt)s，请使用 .json 或 .xml。") % {"fmt": fmt[:10]})
    try:
        response: HttpResponse = view()
        return response
    except DomainError as exc:
        status = exc.status if exc.status in (400, 403, 404, 409, 413, 415, 429, 503) else 400
        return _error(fmt, status, exc.message)


def _dt(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# -- discovery -----------------------------------------------------------------------------------

@csrf_exempt
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where this endpoint is and how to get a key. The url is this request's own host (what the
    client reached), without a trailing slash as the spec's examples: clients append /services.json."""
    def view() -> HttpResponse:
        base = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
        contact = settings.BANSHI_OPEN311_CONTACT or _(
            "使用中的问题或故障，请联系本平台的系统管理员或所在地政法委。")
        key_service = settings.BANSHI_OPEN311_KEY_SERVICE or _(
            "api_key 由本平台系统管理员签发（命令 banshi open311 key），请向所在地政法委申请。")
        return _render(fmt, "discovery", "", {
            "changeset": CHANGESET, "contact": contact, "key_service": key_service,
            "endpoints": [{
                "specification": SPECIFICATION, "url": request.build_absolute_uri(base), "changeset": CHANGESET,
                "type": "production", "formats": ["text/xml", "application/json"],
            }],
        })

    if request.method != "GET":
        return _error(fmt, 405, _("只支持GET。"))
    return _guard(fmt, view)


# -- services ------------------------------------------------------------------------------------

def _service(value: str, label: object) -> dict[str, Any]:
    return {
        "service_code": value, "service_name": str(label), "description": _(TYPE_HELP[CaseType(value)]),
        "metadata": True, "type": "realtime", "keywords": str(label), "group": _("政法机关诉求"),
    }


@csrf_exempt
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        return _error(fmt, 405, _("只支持GET。"))
    return _guard(fmt, lambda: _render(fmt, "services", "service", [_service(v, lbl) for v, lbl in CaseType.choices]))


@csrf_exempt
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    def view() -> HttpResponse:
        if code not in CaseType.values:
            raise NotFound(_("服务代码不存在：%(code)s") % {"code": code[:40]})
        attrs = [
            {"variable": True, "code": a["code"], "datatype": a["datatype"], "required": False,
             "datatype_description": "", "order": a["order"], "description": a["description"],
             "values": _YES_NO if a["datatype"] == "singlevaluelist" else []}
            for a in ATTRIBUTES
        ]
        return _render(fmt, "service_definition", "", {"service_code": code, "attributes": attrs})

    if request.method != "GET":
        return _error(fmt, 405, _("只支持GET。"))
    return _guard(fmt, view)


# -- requests ------------------------------------------------------------------------------------

def _float(raw: str | None, what: str, lo: float, hi: float) -> float | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(_("%(what)s必须是数字。") % {"what": what}) from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise InvalidInput(_("%(what)s超出范围。") % {"what": what})
    return value


def _flag(raw: str | None) -> bool:
    return (raw or "").strip().lower() in ("true", "1", "yes", "是")


def _form(request: HttpRequest) -> tuple[QueryDict, list[UploadedFile]]:
    """The posted fields (form-encoded or multipart) and the `media` files. A body Django refuses
    to parse is the client's error, answered in the Open311 format instead of Django's page."""
    try:
        return request.POST, request.FILES.getlist("media")
    except RequestDataTooBig:
        raise TooLarge(_("请求内容过大。"), code="request_too_large") from None
    except (SuspiciousOperation, MultiPartParserError):
        raise InvalidInput(_("请求内容格式不正确（multipart/form-data 无法解析或字段过多）。")) from None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    p, media = _form(request)
    client = open311_client(p.get("api_key"))
    if client is None:
        raise PermissionDenied(_("api_key 无效或缺失。"))
    rate_hit("open311_write", f"client:{client.pk}")
    service_code = (p.get("service_code") or "").strip()
    if not service_code:
        raise InvalidInput(_("缺少 service_code。"))
    if service_code not in CaseType.values:
        raise InvalidInput(_("服务代码不存在：%(code)s") % {"code": service_code[:40]})
    lat = _float(p.get("lat"), "lat", -90, 90)
    lon = _float(p.get("long"), "long", -180, 180)
    address = (p.get("address_string") or "").strip()
    address_id = (p.get("address_id") or "").strip()
    if (lat is None) != (lon is None):
        raise InvalidInput(_("lat 和 long 必须同时提供。"))
    if lat is None and not address and not address_id:
        raise InvalidInput(_("必须提供位置：lat 和 long，或 address_string，或 address_id。"))
    description = (p.get("description") or "").strip()
    if not description:
        raise InvalidInput(_("缺少 description（诉求内容）。"))
    region_code = (p.get("attribute[region_code]") or "").strip()
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region_code and region is None:
        raise InvalidInput(_("行政区划代码不存在：%(code)s") % {"code": region_code[:12]})
    name = ((p.get("last_name") or "").strip() + (p.get("first_name") or "").strip())[:60]
    anonymous = _flag(p.get("attribute[anonymous]")) or not name
    media_url = (p.get("media_url") or "").strip()[:500]
    if media_url and not media_url.startswith(("http://", "https://")):
        raise InvalidInput(_("media_url 必须是 http(s) 地址。"))
    if (p.get("media") or "").strip():
        raise InvalidInput(_("media 必须以 multipart/form-data 文件上传；链接请填 media_url。"))
    if len(media) > 1:
        raise InvalidInput(_("media 只能上传一个文件。"), code="too_many_files")
    files = upload_check(media)  # the portal's check: content sniffing (415), size limit (413)
    location = address or (f"{lat:.6f},{lon:.6f}" if lat is not None and lon is not None else address_id)
    key = idempotency_key_clean(request.headers.get("Idempotency-Key"))
    data = CaseInput(
        type=service_code, channel=Channel.OPEN311, content=to_simplified(description), address=to_simplified(location),
        citizen_name=name, citizen_phone=p.get("phone") or "", anonymous=anonymous,
        confidential=_flag(p.get("attribute[confidential]")) and not anonymous,
        region_code=region.code if region else None,
    )
    unit = client.unit if client.unit_id else committee_for_region(region)
    assert unit is not None
    try:
        # One transaction, as the portal's citizen_submit: the case, its Open311 row and the media
        # attachment are committed together or not at all (the client then retries).
        with transaction.atomic():
            case, created = case_register(data=data, intake_unit=unit, actor=None, via=VIA_OPEN311,
                                          idempotency_key=f"open311:{client.pk}:{key}" if key else None)
            if created:
                Open311Request.objects.create(
                    case=case, client=client, lat=lat, long=lon, email=(p.get("email") or "")[:254],
                    device_id=(p.get("device_id") or "")[:100], account_id=(p.get("account_id") or "")[:100],
                    media_url=media_url,
                )
                if files:
                    case_attach(case.pk, actor=None, files=files)  # audited like every attachment
    except OSError:  # the attachment storage failed: nothing was committed
        if not files:
            raise
        log.exception("open311: saving the media file failed for client %s", client.pk)
        raise Unavailable(_("附件暂时无法保存，诉求未提交，请稍后重试。"), code="storage_unavailable") from None
    notice = _("诉求已受理，编号%(number)s。") % {"number": case.number}
    row = {"service_request_id": case.tracking_code, "service_notice": notice, "account_id": p.get("account_id") or None}
    return _render(fmt, "service_requests", "request", [row], status=200)


def _request_out(case: Case, *, full: bool) -> dict[str, Any]:
    closed = case.state in CLOSED_FOR_311
    unit = case.lead_unit or case.intake_unit
    out: dict[str, Any] = {
        "service_request_id": case.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": state_label(case.state),
        "service_name": case.get_type_display(),
        "service_code": case.type,
        "agency_responsible": unit.name if unit else "",
        "service_notice": "",
        "requested_datetime": _dt(case.received_at),
        "updated_datetime": _dt(case.updated_at),
        "expected_datetime": _dt(case.next_due_at) if not closed else None,
    }
    if full:
        extra = getattr(case, "open311", None)
        reply = (
            Reply.objects.filter(case=case, status__in=(ReplyStatus.SENT, ReplyStatus.APPROVED))
            .order_by("-created_at", "-id").first()
        )
        if reply is not None:
            out["status_notes"] = f"{state_label(case.state)}：{mask_text(reply.text)[:1000]}"
        out.update({
            "description": "" if case.confidential else mask_text(case.content),
            "address": mask_text(case.address), "address_id": "", "zipcode": "",
            "lat": extra.lat if extra else None, "long": extra.long if extra else None,
            "media_url": extra.media_url if extra else "",
        })
    return out


def _parse_when(raw: str | None, what: str, *, end: bool = False) -> datetime | None:
    if not raw:
        return None
    raw = raw.strip().replace(" ", "+")  # a '+' offset sent unencoded arrives as a space
    value = parse_datetime(raw)
    if value is None:
        d = parse_date(raw)
        if d is None:
            raise InvalidInput(_("%(what)s 日期格式不正确，应为 W3C 格式（如 2025-01-31T08:00:00+08:00）。") % {"what": what})
        value = datetime(d.year, d.month, d.day, tzinfo=timezone.get_current_timezone()) + (
            timedelta(days=1) if end else timedelta()
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    q = request.GET
    client = open311_client(q.get("api_key"))
    if client is None:
        raise PermissionDenied(_("查询诉求列表需要 api_key。"))
    rate_hit("open311_read", f"client:{client.pk}")
    cases = Case.objects.filter(open311__client=client).select_related("lead_unit", "intake_unit", "open311")
    ids = [i.strip() for i in (q.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        cases = cases.filter(tracking_code__in=ids[:MAX_RESULTS])
    else:
        start = _parse_when(q.get("start_date"), "start_date")
        end = _parse_when(q.get("end_date"), "end_date", end=True)
        if start and end and start > end:
            raise InvalidInput(_("start_date 不能晚于 end_date。"))
        if start is None and end is None:
            start = timezone.now() - DEFAULT_SPAN
        if start:
            cases = cases.filter(received_at__gte=start)
        if end:
            cases = cases.filter(received_at__lt=end)
        codes = [c.strip() for c in (q.get("service_code") or "").split(",") if c.strip()]
        if codes:
            cases = cases.filter(type__in=codes)
        statuses = {s.strip() for s in (q.get("status") or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise InvalidInput(_("status 只能为 open 或 closed。"))
        if statuses == {"open"}:
            cases = cases.exclude(state__in=CLOSED_FOR_311)
        elif statuses == {"closed"}:
            cases = cases.filter(state__in=CLOSED_FOR_311)
    rows = [_request_out(c, full=True) for c in cases.order_by("-received_at", "-id")[:MAX_RESULTS]]
    return _render(fmt, "service_requests", "request", rows)


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _guard(fmt, lambda: _create(request, fmt))
    if request.method == "GET":
        return _guard(fmt, lambda: _list(request, fmt))
    return _error(fmt, 405, _("只支持GET和POST。"))


@csrf_exempt
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    def view() -> HttpResponse:
        rate_hit("open311_read", f"ip:{client_ip(request)}")
        case = Case.objects.select_related("lead_unit", "intake_unit").filter(
            tracking_code=request_id.strip().upper()[:12]).first()
        if case is None:
            raise NotFound(_("诉求不存在：%(id)s") % {"id": request_id[:20]})
        client = open311_client(request.GET.get("api_key"))
        full = client is not None and Open311Request.objects.filter(case=case, client=client).exists()
        return _render(fmt, "service_requests", "request", [_request_out(case, full=full)])

    if request.method != "GET":
        return _error(fmt, 405, _("只支持GET。"))
    return _guard(fmt, view)
