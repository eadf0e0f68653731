"""Citizen-side intake: which unit takes a demand in, submitting it, finding it again with the
tracking code, rating the result and supplementing material. Every case change goes through the
domain functions in banshi.cases.domain with actor=None (the citizen is not a staff member)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import case_attach, case_documents_received, case_follow_up
from banshi.cases.enums import AWAITING_CITIZEN_STATES, Channel, ReplyStatus, Satisfaction, State
from banshi.cases.models import Case, CaseEvent, Reply
from banshi.cases.registration import VIA_PORTAL
from banshi.cases.uploads import CheckedFile
from banshi.cases.workflow import state_label
from banshi.core.errors import Conflict, InvalidInput, NotFound
from banshi.core.privacy import mask_name, mask_phone, phone_normalise
from banshi.intake.models import ServicePoint
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Region, Unit

CITIZEN_REPLY_STATUSES = (ReplyStatus.SENT, ReplyStatus.APPROVED)
# What a citizen sees of the case's history: actions with a citizen-facing label.
PUBLIC_ACTIONS: dict[str, str] = {
    "register": "诉求已受理",
    "dispatch": "已派单至承办单位",
    "transfer": "已转办",
    "sign": "承办单位已签收，正在办理",
    "request_documents": "需要您补充材料",
    "documents_received": "材料已补充，继续办理",
    "procedural_reply": "已作程序性答复",
    "progress_reply": "已答复办理进展",
    "extend_approve": "办理期限已延长",
    "reply_approve": "已办结并答复",
    "answer": "已当场答复",
    "follow_up": "已回访评价",
    "reopen": "重新办理",
    "reopen_dispatch": "重新办理",
    "archive": "已归档",
    "withdraw": "已撤回",
    "merge": "已与相同诉求合并办理",
    "invalidate": "未予受理",
}


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters typed by the citizen are stored in Simplified Chinese."""
    return _t2s().convert(text) if text else text


def committee_for_region(region: Region | None) -> Unit:
    """The nearest active political-legal committee above the region; any committee as a fallback."""
    committees = Unit.objects.filter(kind=UnitKind.COMMITTEE, is_active=True)
    if region is not None:
        ancestors = [region.path[: i + 1] for i, ch in enumerate(region.path) if ch == "/"]
        nearest = (
            committees.filter(region__path__in=ancestors)
            .annotate(depth=Length("region__path")).order_by("-depth", "id").first()
        )
        if nearest is not None:
            return nearest
    unit = committees.order_by("id").first()
    if unit is None:
        raise InvalidInput(_("系统尚未设置受理单位，请联系管理员。"), code="no_intake_unit")
    return unit


def service_point_active(code: str | None) -> ServicePoint | None:
    if not code:
        return None
    return ServicePoint.objects.select_related("unit", "region").filter(code=code, is_active=True).first()


def citizen_submit(
    *, data: CaseInput, service_point_code: str = "", files: Sequence[CheckedFile] = (),
    idempotency_key: str | None = None, now: datetime | None = None,
) -> tuple[Case, bool]:
    """Register a citizen's demand with its files in one transaction. Returns (case, created).
    `data` is what the citizen typed; the channel, intake unit and region come from the service
    point behind the QR poster when there is one."""
    point = service_point_active(service_point_code)
    if service_point_code and point is None:
        raise InvalidInput(_("服务点不存在或已停用，请重新扫码。"), code="invalid_service_point")
    region: Region | None = None
    if data.region_code:
        region = Region.objects.filter(code=data.region_code).first()
        if region is None:
            raise InvalidInput(_("所选地区不存在。"), code="invalid_region")
    elif point is not None and point.region_id:
        region = point.region
    if point is not None:
        unit, channel = point.unit, point.channel
    else:
        unit, channel = committee_for_region(region), Channel.PORTAL
    case_input = data.model_copy(update={
        "channel": channel, "content": to_simplified(data.content), "address": to_simplified(data.address),
        "citizen_name": "" if data.anonymous else data.citizen_name.strip(),
        "confidential": data.confidential and not data.anonymous,  # nothing to keep secret
        "region_code": region.code if region else None, "service_point_id": point.pk if point else None,
    })
    with transaction.atomic():
        case, created = case_register(data=case_input, intake_unit=unit, actor=None, via=VIA_PORTAL,
                                      idempotency_key=idempotency_key, now=now)
        if created and files:
            case = case_attach(case.pk, actor=None, files=files, now=now)  # audited like every attachment
    return case, created


def _norm_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def citizen_case_find(*, tracking_code: str, phone: str) -> tuple[Case, bool]:
    """The case for a tracking code and phone. Returns (case, personal) where personal says the
    phone was checked; a case filed without a phone opens with the code alone, without personal data."""
    code = _norm_code(tracking_code)
    if not code or len(code) > 12:
        raise InvalidInput(_("请填写正确的查询码。"), code="invalid_tracking_code")
    phone_norm = phone_normalise(phone) if (phone or "").strip() else ""
    case = Case.objects.filter(tracking_code=code).first()
    not_found = NotFound(_("查询码或手机号不正确。"), code="case_not_found")
    if case is None:
        raise not_found
    if case.citizen_phone:
        if phone_norm != case.citizen_phone:
            raise not_found
        return case, True
    return case, False


def documents_requested(case: Case) -> str | None:
    """The open request for more material (its text), or None."""
    last = (
        CaseEvent.objects.filter(case=case, action__in=("request_documents", "documents_received"))
        .order_by("-at", "-id").first()
    )
    if last is None or last.action != "request_documents" or case.state != State.HANDLING:
        return None
    return str(last.data.get("text") or last.reason or "")


def citizen_view(case: Case, *, personal: bool) -> dict[str, Any]:
    """What the citizen sees: progress and replies; personal data only after the phone check."""
    events = [
        {"at": timezone.localtime(e.at), "label": _(PUBLIC_ACTIONS[e.action])}
        for e in CaseEvent.objects.filter(case=case, action__in=PUBLIC_ACTIONS.keys()).order_by("at", "id")
    ]
    replies = [
        {"at": timezone.localtime(r.created_at), "kind": r.get_kind_display(), "text": r.text}
        for r in Reply.objects.filter(case=case, status__in=CITIZEN_REPLY_STATUSES).order_by("created_at", "id")
    ]
    out: dict[str, Any] = {
        "tracking_code": case.tracking_code,
        "number": case.number,
        "state": case.state,
        "state_label": state_label(case.state),
        "received_at": timezone.localtime(case.received_at),
        "type_label": case.get_type_display(),
        "events": events,
        "replies": replies,
        "can_rate": case.state in AWAITING_CITIZEN_STATES,
        "satisfaction": case.get_satisfaction_display() if case.satisfaction else "",
        "documents_request": documents_requested(case),
        "personal": personal,
    }
    if personal:
        out.update({
            "content": case.content,
            "address": case.address,
            "name": mask_name(case.citizen_name),
            "phone": mask_phone(case.citizen_phone),
            "anonymous": case.anonymous,
            "confidential": case.confidential,
            "attachments": [a.name for a in case.attachments.all().order_by("id")],
        })
    return out


def citizen_rate(*, case_id: int, rating: int, comment: str = "", now: datetime | None = None) -> Case:
    if rating not in Satisfaction.values:
        raise InvalidInput(_("请选择满意度评价。"), code="invalid_rating")
    case = Case.objects.filter(pk=case_id).only("state").first()
    if case is None:
        raise NotFound(_("诉求不存在。"))
    if case.state not in AWAITING_CITIZEN_STATES:
        raise Conflict(_("诉求尚未办结答复，或已评价过，暂不能评价。"), code="cannot_rate")
    return case_follow_up(case_id, actor=None, rating=rating, comment=to_simplified(comment),
                          by_citizen=True, now=now)


def citizen_supplement(
    *, case_id: int, text: str, files: Sequence[CheckedFile] = (), now: datetime | None = None
) -> Case:
    text = to_simplified((text or "").strip())
    if not text and not files:
        raise InvalidInput(_("请填写补充说明或上传材料。"), code="supplement_empty")
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("诉求不存在。"))
    if documents_requested(case) is None:
        raise Conflict(_("该诉求目前不需要补充材料。"), code="no_documents_request")
    with transaction.atomic():
        note = text or _("群众已上传补充材料。")
        if files:
            case_attach(case_id, actor=None, files=files, note=note[:5000], now=now)
            note += _("（附件%(n)d份）") % {"n": len(files)}
        return case_documents_received(case_id, actor=None, note=note[:5000], now=now)
