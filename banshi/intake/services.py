"""Citizen-side intake: which unit takes a demand in, submitting it, finding it again with the
tracking code, rating the result and supplementing material. Every case change goes through the
domain functions in banshi.cases.domain with actor=None (the citizen is not a staff member)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
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
from banshi.cases.workflow import definition_for, state_label
from banshi.core.errors import Conflict, InvalidInput, NotFound
from banshi.core.privacy import mask_name, mask_phone, phone_normalise
from banshi.intake.models import ServicePoint
from banshi.notary import catalog as nt_catalog
from banshi.notary import domain as nt
from banshi.notary.documents import period_words
from banshi.notary.inputs import BookingIn
from banshi.notary.models import NotaryBooking
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Region, Unit
from banshi.services import catalog
from banshi.services.enums import AidState
from banshi.services.files import matter_file
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.services.legal_aid import aid_docs_received, aid_object, aid_open, text_clean
from banshi.services.mediation import MEDIATION_UNITS as MEDIATION_UNIT_KINDS
from banshi.services.mediation import mediation_open
from banshi.services.models import LegalAidFile

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
    if case.kind == "demand":
        events = [
            {"at": timezone.localtime(e.at), "label": _(PUBLIC_ACTIONS[e.action]), "text": ""}
            for e in CaseEvent.objects.filter(case=case, action__in=PUBLIC_ACTIONS.keys()).order_by("at", "id")
        ]
    else:
        events = matter_steps(case, personal=personal)
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
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "matter": citizen_matter(case, personal=personal) if case.kind != "demand" else None,
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


# -- 法律援助 and 人民调解 through the portal ---------------------------------------------------------

# The units each application page offers: those the matter's domain function accepts.
AID_UNITS: tuple[str, ...] = (UnitKind.LEGAL_AID,)
MEDIATION_UNITS: tuple[str, ...] = tuple(MEDIATION_UNIT_KINDS)
UNIT_LIST_MAX = 500

# The 援助事项 and exemptions of data/legal_aid.yaml in the words an applicant uses; the law's own
# wording (and article) is shown beside each. A `plain` key in the data file takes precedence.
AID_MATTER_PLAIN: dict[str, str] = {
    "labour_pay": "讨要工资，或者要求确认劳动关系",
    "injury": "工伤、交通事故、医疗事故、食品药品安全事故造成人身伤害，要求赔偿",
    "maintenance": "要赡养费、抚养费、扶养费",
    "social_insurance": "要社会保险待遇（养老、医疗、工伤保险等）或者社会救助（低保等）",
    "pension": "要抚恤金",
    "state_compensation": "要求国家赔偿",
    "environment": "环境污染、生态破坏造成损害，要求赔偿",
    "capacity": "申请认定家人没有或者只有部分民事行为能力（如精神疾病、严重痴呆）",
    "criminal_defence": "本人或家人被指控犯罪，需要律师辩护",
    "criminal_victim": "本人或家人是刑事案件的受害人，需要律师代理",
    "other": "其他事项（请在下面写清楚）",
}
AID_EXEMPTION_PLAIN: dict[str, str] = {
    "migrant_workers": "我是进城务工人员（农民工），讨要工资或者要工伤赔偿",
    "vulnerable_groups": "我是没有固定生活来源的未成年人、老年人、残疾人等",
    "assistance_recipients": "我正在领取低保等社会救助、司法救助，或者是优抚对象",
    "abuse_victim": "我遭受虐待、遗弃或者家庭暴力，要维护自己的权益",
    "good_samaritan": "我因见义勇为受到损害，要求赔偿或者补偿",
    "hero_relatives": "我是英雄烈士的近亲属，要维护英雄烈士的名誉、荣誉等权益",
    "retrial_acquitted": "我经再审改判无罪，要求国家赔偿",
}
# Shown first: the applications the portal sees most.
AID_MATTER_ORDER = ("labour_pay", "injury", "maintenance", "social_insurance", "pension")


def aid_matter_plain(code: str) -> str:
    item = catalog.legal_aid()["matter_types"].get(code) or {}
    return str(item.get("plain") or AID_MATTER_PLAIN.get(code) or item.get("label") or code)


def aid_matter_options() -> list[dict[str, Any]]:
    """援助事项 for the application page: code, plain words, the law's wording and article."""
    types = catalog.legal_aid()["matter_types"]
    order = [c for c in AID_MATTER_ORDER if c in types] + [c for c in types if c not in AID_MATTER_ORDER]
    return [{"code": c, "plain": aid_matter_plain(c), "label": str(types[c]["label"]),
             "article": str(types[c].get("article") or "")} for c in order]


def aid_exemption_options() -> list[dict[str, Any]]:
    """The exemptions (arts. 32, 42), the 绿色通道 first."""
    items = catalog.legal_aid()["exemptions"]
    order = sorted(items, key=lambda c: (not items[c].get("green_channel"), list(AID_EXEMPTION_PLAIN).index(c)
                                         if c in AID_EXEMPTION_PLAIN else len(AID_EXEMPTION_PLAIN)))
    return [{"code": c, "plain": str(items[c].get("plain") or AID_EXEMPTION_PLAIN.get(c) or items[c]["label"]),
             "label": str(items[c]["label"]), "article": str(items[c].get("article") or ""),
             "green_channel": bool(items[c].get("green_channel"))} for c in order]


def mediation_dispute_options() -> list[dict[str, str]]:
    return [{"code": c, "label": label} for c, label in catalog.mediation()["dispute_types"].items()]


def _service_units(kinds: Sequence[str]) -> list[Unit]:
    return list(Unit.objects.filter(kind__in=list(kinds), is_active=True).select_related("region", "region__parent")
                .order_by("region__path", "name", "id")[:UNIT_LIST_MAX])


def service_unit_ids(kinds: Sequence[str]) -> set[int]:
    """The units an application page offers (active, of the kinds the matter's domain function accepts)."""
    return {u.pk for u in _service_units(kinds)}


def service_unit_groups(kinds: Sequence[str]) -> list[dict[str, Any]]:
    """The units of the kinds, grouped by their region (市 + 区县 in the group's name), for the select."""
    groups: dict[str, dict[str, Any]] = {}
    for u in _service_units(kinds):
        r = u.region
        name = f"{r.parent.name}{r.name}" if r.parent is not None and r.level > 2 else r.name
        groups.setdefault(r.code, {"region": name, "units": []})["units"].append({"id": u.pk, "name": u.name})
    return list(groups.values())


def citizen_aid_apply(*, data: AidApplyIn, files: Sequence[CheckedFile] = (), now: datetime | None = None) -> Case:
    """A legal-aid application from the portal (no staff actor), with the documents the applicant
    uploaded, in one transaction."""
    data = data.model_copy(update={
        "channel": Channel.PORTAL, "facts": to_simplified(data.facts), "other_party": to_simplified(data.other_party),
        "economic": to_simplified(data.economic), "address": to_simplified(data.address),
    })
    with transaction.atomic():
        case = aid_open(data, actor=None, now=now)
        if files:
            case = case_attach(case.pk, actor=None, files=files, note=_("申请人在线提交的申请材料"), now=now)
    return case


def citizen_mediation_apply(*, data: MedOpenIn, now: datetime | None = None) -> Case:
    """A party's application for people's mediation from the portal (source: 当事人申请)."""
    data = data.model_copy(update={
        "source": "application", "channel": Channel.PORTAL, "facts": to_simplified(data.facts),
        "address": to_simplified(data.address),
    })
    return mediation_open(data, actor=None, now=now)


def _aid_case(case_id: int, state: str, message: str) -> Case:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("申请不存在。"))
    if case.kind != "legal_aid" or case.state != state:
        raise Conflict(message, code="invalid_transition")
    return case


def citizen_aid_documents(*, case_id: int, files: Sequence[CheckedFile], note: str = "",
                          now: datetime | None = None) -> Case:
    """补正: the applicant uploads the documents asked for; they are attached and the application
    goes back to review (the decision clock runs again), in one transaction."""
    _aid_case(case_id, AidState.DOCS, _("这份申请目前不需要补正材料。"))
    if not files:
        raise InvalidInput(_("请选择要上传的补正材料（照片或PDF文件）。"), code="no_files")
    note = to_simplified(text_clean(note, _("说明"), required=False, limit=1000))
    text = _("申请人在线提交补正材料%(n)d份。") % {"n": len(files)} + note
    with transaction.atomic():
        case_attach(case_id, actor=None, files=files, note=text, now=now)
        return aid_docs_received(case_id, actor=None, note=text, now=now)


def citizen_aid_object(*, case_id: int, text: str, now: datetime | None = None) -> Case:
    """异议 against a refusal (法律援助法 art. 49), from the applicant."""
    _aid_case(case_id, AidState.REFUSED, _("这份申请目前不能提出异议。"))
    return aid_object(case_id, actor=None, text=to_simplified((text or "").strip()), now=now)


def matter_steps(case: Case, *, personal: bool) -> list[dict[str, Any]]:
    """The steps of a legal-aid or mediation matter the citizen sees: the events whose rule has a
    citizen label (the rules' `citizen=`), with the text written for the citizen (a decision's
    reasons, the lawyer assigned, the documents to supply) after the phone check."""
    d = definition_for(case.kind)
    labels = {r.action: r.citizen_label for r in d.rules if r.citizen_label}
    if d.register is not None and d.register.citizen_label:
        labels[d.register.action] = d.register.citizen_label
    out = []
    for e in CaseEvent.objects.filter(case=case, action__in=list(labels)).order_by("at", "id"):
        text = str((e.data or {}).get("text") or "") if personal else ""
        out.append({"at": timezone.localtime(e.at), "label": str(labels[e.action]), "text": text})
    return out


def _due_text(at: datetime | None) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at)
    text = _("%(y)d年%(m)d月%(d)d日") % {"y": local.year, "m": local.month, "d": local.day}
    return text if (local.hour, local.minute) == (23, 59) else f"{text}{local:%H:%M}"


def citizen_matter(case: Case, *, personal: bool) -> dict[str, Any] | None:
    """A matter's own file as the applicant reads it: what was applied for, and — after the phone
    check — the decision and its reasons, the lawyer, the documents still missing and their date."""
    f = matter_file(case)
    if f is None:
        return None
    if f["kind"] == "legal_aid":
        out: dict[str, Any] = {
            "matter_label": aid_matter_plain(f["matter_type"]),
            "green_channel": f["green_channel"],
            "docs_missing": f["docs_missing"] if case.state == AidState.DOCS else [],
            "can_supply": case.state == AidState.DOCS and personal,
            "can_object": case.state == AidState.REFUSED and personal,
            "refused": case.state == AidState.REFUSED,
        }
        if case.state == AidState.DOCS:
            due = LegalAidFile.objects.filter(case=case).values_list("docs_due_at", flat=True).first()
            out["docs_due"] = _due_text(due)
        if personal:
            out.update({"decision_label": f["decision_label"], "decision_reasons": f["decision_reasons"],
                        "lawyer_name": f["lawyer_name"], "lawyer_org": f["lawyer_org"],
                        "objection": f["objection"], "exemption_label": f["exemption_label"]})
        return out
    out = {"dispute_label": f["dispute_type_label"]}
    if personal:
        out.update({"room": f["room"], "mediators": f["mediators"], "next_channel_label": f["next_channel_label"]})
    return out


# -- 公证预约 -----------------------------------------------------------------------------------------

NOTARY_UNITS: tuple[str, ...] = (UnitKind.NOTARY,)
NOTARY_DAYS_AHEAD = 30  # the portal lists the free places of the next 30 days


def notary_matter_options() -> list[dict[str, Any]]:
    """The notary matters as the booking page shows them: the one-time checklist (最多跑一次),
    whether it can be done by video (and why not), the fee note and the period in words."""
    return [{**m, "period_words": period_words(m["period"])} for m in nt_catalog.matters().values()]


def notary_matter(code: str) -> dict[str, Any] | None:
    return next((m for m in notary_matter_options() if m["code"] == code), None)


def notary_free_days(office_id: int, matter: str, *, days: int = NOTARY_DAYS_AHEAD,
                     now: datetime | None = None) -> list[dict[str, Any]]:
    """The office's slots with a free place for the matter, day by day from today (the notary
    domain's `slots_free`): each with its 周末不打烊 / special-week label and whether video is offered."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    out = []
    for i in range(days):
        day = today + timedelta(days=i)
        slots = [nt.slot_out(s) for s in nt.slots_free(office_id, day, matter=matter, now=now)]
        if slots:
            out.append({"date": day, "label": f"{day.month}月{day.day}日（周{nt.WEEKDAYS[day.weekday()]}）",
                        "slots": slots})
    return out


def citizen_notary_book(*, slot_id: int, matter: str, mode: str, name: str, phone: str,
                        now: datetime | None = None) -> NotaryBooking:
    """预约公证 from the portal: the notary domain's `book` with no actor (the citizen)."""
    return nt.book(BookingIn(slot_id=slot_id, matter=matter, mode=mode, citizen_name=to_simplified(name.strip()),
                             citizen_phone=phone), actor=None, now=now)


def citizen_notary_cancel(*, code: str, phone: str, now: datetime | None = None) -> NotaryBooking:
    return nt.booking_cancel(code, actor=None, phone=phone, reason=_("群众在网上取消"), now=now)
