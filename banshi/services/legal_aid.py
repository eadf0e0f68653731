"""法律援助 (法律援助法): the domain functions of the legal-aid matter. Each runs one action of the
definition (services/workflow/legal_aid.py) through the one `transition()` and writes the file's
own fields in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, service_unit, text_clean
from banshi.cases.enums import Channel, Urgency
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput
from banshi.core.privacy import id_number_normalise, phone_normalise
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Person, Unit
from banshi.services import catalog
from banshi.services.enums import AidState
from banshi.services.inputs import AidApplyIn
from banshi.services.models import LegalAidFile
from banshi.sla.periods import compute_due, parse_period
from banshi.sla.services import get_calendar

KIND = "legal_aid"
POLICY = "legal_aid_application"


def _file(case: Case) -> LegalAidFile:
    f = LegalAidFile.objects.select_for_update().filter(case=case).first()
    if f is None:  # pragma: no cover - every legal-aid matter is opened with its file
        raise Conflict(_("法律援助案卷不存在。"), code="no_file")
    return f


def aid_open(data: AidApplyIn, *, actor: Person | None, origin: Case | None = None, now: datetime | None = None,
             notify: bool = True, note: str = "") -> Case:
    """法律援助申请: open the matter with its file. An exemption of arts. 32/42 skips the hardship
    check; the 农民工 exemption is the 绿色通道 (priority: urgent)."""
    cat = catalog.legal_aid()
    unit = service_unit(data.unit_id, (UnitKind.LEGAL_AID,), _("法律援助中心"))
    opener_check(actor, unit, origin)
    if data.matter_type not in cat["matter_types"]:
        raise InvalidInput(_("援助事项不正确：%(v)s") % {"v": data.matter_type[:40]}, code="invalid_matter_type")
    exemption = cat["exemptions"].get(data.exemption) if data.exemption else None
    if data.exemption and exemption is None:
        raise InvalidInput(_("免予核查情形不正确：%(v)s") % {"v": data.exemption[:40]}, code="invalid_exemption")
    if data.channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    name = text_clean(data.applicant_name, _("申请人姓名"), limit=60)
    facts = text_clean(data.facts, _("案情和请求"))
    phone = phone_normalise(data.applicant_phone)
    id_number = id_number_normalise(data.applicant_id_number)
    other = text_clean(data.other_party, _("对方当事人"), required=False, limit=200)
    economic = text_clean(data.economic, _("经济困难状况"), required=False)
    green = bool(exemption and exemption.get("green_channel"))
    if green and data.matter_type not in ("labour_pay", "injury"):
        raise InvalidInput(_("绿色通道只适用于进城务工人员请求支付劳动报酬或者工伤赔偿（法律援助法第42条第（三）项）。"),
                           code="invalid_exemption")
    matter = cat["matter_types"][data.matter_type]

    def file(case: Case) -> None:
        LegalAidFile.objects.create(
            case=case, matter_kind=matter["kind"], matter_type=data.matter_type, other_party=other, economic=economic,
            exemption=data.exemption, green_channel=green, hardship="exempt" if exemption else "",
        )

    return matter_register(
        KIND, intake_unit=unit, lead_unit=unit, actor=actor, content=facts, title=_("法律援助申请：%(m)s") % {"m": matter["label"]},
        channel=data.channel, citizen_name=name, citizen_phone=phone, citizen_id_number=id_number,
        address=text_clean(data.address, _("地址"), required=False, limit=255), origin=origin, policy_code=POLICY,
        category=f"legal_aid.{data.matter_type}", urgency=Urgency.URGENT if green else Urgency.NORMAL, now=now, after=file, notify=notify,
        data={"matter_type": data.matter_type, "exemption": data.exemption, "green_channel": green,
              "text": _("法律援助申请"),
              **({"note": note[:500]} if note else {})},
    )


def aid_open_from_demand(demand: Case, *, actor: Person, unit: Unit, note: str, now: datetime) -> Case:
    """转法律援助: the demand's citizen and facts, without re-typing (the opener cases calls)."""
    matter = _matter_guess(demand)
    data = AidApplyIn(
        unit_id=unit.pk, applicant_name=demand.citizen_name or _("（未留姓名）"), applicant_phone=demand.citizen_phone,
        applicant_id_number=demand.citizen_id_number, matter_type=matter, facts=demand.content,
        exemption=_exemption_guess(demand, matter), address=demand.address, channel=demand.channel,
    )
    return aid_open(data, actor=actor, origin=demand, now=now, note=note)


def _matter_guess(demand: Case) -> str:
    """The likely 援助事项 from the demand's words (the centre corrects it when it reviews); else `other`."""
    text = f"{demand.category} {demand.content}"
    for words, code in ((("辩护", "羁押", "涉嫌", "被拘留", "被逮捕"), "criminal_defence"),
                        (("欠薪", "工资", "劳动报酬", "wage"), "labour_pay"), (("工伤",), "injury"),
                        (("赡养", "抚养", "扶养"), "maintenance"),
                        (("交通事故", "医疗事故", "食品安全"), "injury"), (("国家赔偿",), "state_compensation")):
        if any(w in text for w in words):
            return code
    return "other"


def _exemption_guess(demand: Case, matter: str) -> str:
    """The 绿色通道 (art. 42(3)) only for a migrant worker's wage or work-injury claim, as the demand tells it."""
    migrant = any(w in demand.content for w in ("农民工", "工地", "务工", "打工", "民工"))
    if migrant and (matter == "labour_pay" or (matter == "injury" and "工伤" in demand.content)):
        return "migrant_workers"
    return ""


def aid_docs_request(case_id: int, *, actor: Person, documents: list[str], note: str = "", days: int | None = None,
                     expected_version: int | None = None, now: datetime | None = None) -> Case:
    """一次性告知补正: every missing document in one notice; the decision clock pauses; without an
    answer by the date set the application is treated as withdrawn (art. 43)."""
    now = now or timezone.now()
    docs = [text_clean(d, _("补正材料"), limit=100) for d in documents if (d or "").strip()]
    if not docs:
        raise InvalidInput(_("请列出需要补正的全部材料（一次性告知）。"), code="documents_required")
    if len(docs) > 20:
        raise InvalidInput(_("补正材料最多列20项。"), code="too_many_documents")
    period_days = days or catalog.legal_aid()["docs_period_days"]
    due = compute_due(now, parse_period(f"{period_days}d"), get_calendar()).at
    note = text_clean(note, _("说明"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.docs_missing, f.docs_due_at = docs, due
        f.save(update_fields=["docs_missing", "docs_due_at"])

    text = "、".join(docs) + (_("（请于%(d)s前提交）") % {"d": f"{timezone.localtime(due):%Y年%m月%d日}"})
    return transition(case_id, "aid_docs_request", actor=actor, reason=note, after=record, now=now,
                      expected_version=expected_version, data={"documents": docs, "due_at": due.isoformat(), "text": text})


def aid_docs_received(case_id: int, *, actor: Person | None, note: str = "", expected_version: int | None = None,
                      now: datetime | None = None) -> Case:
    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.docs_missing, f.docs_due_at = [], None
        f.save(update_fields=["docs_missing", "docs_due_at"])

    return transition(case_id, "aid_docs_received", actor=actor, reason=text_clean(note, _("说明"), required=False),
                      after=record, expected_version=expected_version, now=now)


def aid_lapse(case_id: int, *, actor: Person | None, expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """逾期未补正，视为撤回申请 (art. 43): only once the date set has passed."""
    now = now or timezone.now()

    def check(case: Case) -> None:
        f = LegalAidFile.objects.filter(case=case).first()
        if f is None or f.docs_due_at is None or f.docs_due_at > now:
            raise Conflict(_("补正期限尚未届满，不能视为撤回。"), code="docs_not_due")

    return transition(case_id, "aid_lapse", actor=actor, before=check, expected_version=expected_version, now=now,
                      reason=_("申请人逾期未补正材料，依照法律援助法第四十三条视为撤回申请。"))


def aid_lapse_sweep(now: datetime | None = None) -> int:
    """The worker: applications whose 补正 date has passed are treated as withdrawn."""
    now = now or timezone.now()
    n = 0
    due = LegalAidFile.objects.filter(docs_due_at__lt=now, case__state=AidState.DOCS).values_list("case_id", flat=True)
    for case_id in list(due[:500]):
        try:
            aid_lapse(case_id, actor=None, now=now)
            n += 1
        except (Conflict, InvalidInput):
            continue
    return n


def aid_grant(case_id: int, *, actor: Person, hardship: str = "met", note: str = "",
              expected_version: int | None = None, now: datetime | None = None) -> Case:
    """决定给予法律援助 (within 7 days, art. 43): the hardship check is met, or an exemption of
    arts. 32/42 applies (then no check)."""
    now = now or timezone.now()
    if hardship not in ("met", "exempt"):
        raise InvalidInput(_("经济困难审查结论不正确：应为符合条件或免予核查。"), code="invalid_hardship")

    def check(case: Case) -> None:
        f = LegalAidFile.objects.filter(case=case).first()
        if hardship == "exempt" and (f is None or not f.exemption):
            raise InvalidInput(_("该申请未登记免予核查经济困难的情形，须审查经济困难状况。"), code="hardship_required")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.decision, f.decided_at, f.hardship, f.decision_reasons = "granted", now, hardship, note
        f.save(update_fields=["decision", "decided_at", "hardship", "decision_reasons"])

    return transition(case_id, "aid_grant", actor=actor, reason=text_clean(note, _("意见"), required=False),
                      before=check, after=record, expected_version=expected_version, now=now,
                      data={"hardship": hardship, "text": _("决定给予法律援助，将在3日内指派法律援助人员。")})


def aid_refuse(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """决定不予法律援助: the reasons go to the applicant in writing (art. 43); an objection may follow (art. 49)."""
    now = now or timezone.now()
    reason = text_clean(reason, _("不予援助的理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.decision, f.decided_at, f.decision_reasons = "refused", now, reason
        f.save(update_fields=["decision", "decided_at", "decision_reasons"])

    return transition(case_id, "aid_refuse", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version,
                      data={"text": _("决定不予法律援助。理由：%(r)s。如有异议，可向司法行政部门提出。") % {"r": reason}})


def aid_advance(case_id: int, *, actor: Person, deadline: date, lawyer_name: str, lawyer_org: str = "", reason: str,
                expected_version: int | None = None, now: datetime | None = None) -> Case:
    """先行援助 (art. 44): the applicant's legal deadline is less than 7 days away — aid starts now,
    with a lawyer assigned, and the formalities follow."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    limit = catalog.legal_aid()["advance_days"]
    if not today <= deadline < today + timedelta(days=limit):
        raise InvalidInput(_("只有距法定时效或期限届满不足%(n)d日的，才可以先行援助。") % {"n": limit}, code="not_urgent")
    name = text_clean(lawyer_name, _("法律援助人员"), limit=60)
    org = text_clean(lawyer_org, _("所在机构"), required=False, limit=120)
    reason = text_clean(reason, _("先行援助的理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.decision, f.decided_at, f.advance_deadline = "advance", now, deadline
        f.lawyer_name, f.lawyer_org, f.assigned_at = name, org, now
        f.save(update_fields=["decision", "decided_at", "advance_deadline", "lawyer_name", "lawyer_org", "assigned_at"])

    return transition(case_id, "aid_advance", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version,
                      data={"deadline": deadline.isoformat(), "lawyer": name,
                            "text": _("先行提供法律援助，法律援助人员：%(n)s。请及时补办有关手续。") % {"n": name}})


def aid_assign(case_id: int, *, actor: Person, lawyer_name: str, lawyer_org: str = "",
               expected_version: int | None = None, now: datetime | None = None) -> Case:
    """指派法律援助人员 (within 3 days of granting)."""
    now = now or timezone.now()
    name = text_clean(lawyer_name, _("法律援助人员"), limit=60)
    org = text_clean(lawyer_org, _("所在机构"), required=False, limit=120)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.lawyer_name, f.lawyer_org, f.assigned_at = name, org, now
        f.save(update_fields=["lawyer_name", "lawyer_org", "assigned_at"])

    return transition(case_id, "aid_assign", actor=actor, after=record, now=now, expected_version=expected_version,
                      data={"lawyer": name, "org": org,
                            "text": _("已指派法律援助人员%(n)s%(o)s为您提供法律援助。") % {"n": name, "o": f"（{org}）" if org else ""}})


def aid_object(case_id: int, *, actor: Person | None, text: str, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """异议 against a refusal or a termination (art. 49): decided by the justice bureau within 5 days."""
    text = text_clean(text, _("异议内容"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.objection, f.objection_result = text, ""
        f.save(update_fields=["objection", "objection_result"])

    return transition(case_id, "aid_object", actor=actor, reason=text, after=record, now=now,
                      expected_version=expected_version)


def aid_objection_decide(case_id: int, *, actor: Person, uphold: bool, reason: str,
                         expected_version: int | None = None, now: datetime | None = None) -> Case:
    """异议审查: upheld — the centre must grant aid (then assign within 3 days); dismissed — the
    refusal stands and the file closes. The applicant is told either way."""
    reason = text_clean(reason, _("审查意见"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.objection_result = "upheld" if uphold else "dismissed"
        fields = ["objection_result"]
        if uphold:  # the refusal's reasons give way to the review's
            f.decision, f.decided_at, f.decision_reasons = "granted", event.at, reason
            fields += ["decision", "decided_at", "decision_reasons"]
        f.save(update_fields=fields)

    action = "aid_objection_uphold" if uphold else "aid_objection_dismiss"
    text = (_("异议成立，决定给予法律援助。") if uphold else _("异议不成立，维持不予法律援助的决定。")) + reason
    return transition(case_id, action, actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version, data={"text": text})


def aid_terminate(case_id: int, *, actor: Person, reason_code: str, reason: str,
                  expected_version: int | None = None, now: datetime | None = None) -> Case:
    """终止法律援助 (art. 48), with the situation and the reasons."""
    reasons: dict[str, Any] = catalog.legal_aid()["termination_reasons"]
    if reason_code not in reasons:
        raise InvalidInput(_("终止情形不正确。"), code="invalid_reason")
    reason = text_clean(reason, _("终止理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.termination_reason = reason_code
        f.save(update_fields=["termination_reason"])

    label = catalog.label(reasons, reason_code)
    return transition(case_id, "aid_terminate", actor=actor, reason=f"{label}（{reasons[reason_code]['article']}）：{reason}",
                      after=record, now=now, expected_version=expected_version,
                      data={"reason_code": reason_code, "text": _("终止法律援助：%(l)s。") % {"l": label}})


def aid_close(case_id: int, *, actor: Person, outcome: str, amount_recovered: Decimal | None = None,
              expected_version: int | None = None, now: datetime | None = None) -> Case:
    """结案归档 with the outcome (and, for a wage claim, the amount recovered)."""
    outcome = text_clean(outcome, _("办理结果"))
    if amount_recovered is not None and (not Decimal(amount_recovered).is_finite() or amount_recovered < 0):
        raise InvalidInput(_("追回金额不正确。"), code="invalid_amount")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.outcome, f.amount_recovered = outcome, amount_recovered
        f.save(update_fields=["outcome", "amount_recovered"])

    return transition(case_id, "aid_close", actor=actor, reason=outcome, after=record, now=now,
                      expected_version=expected_version,
                      data={"amount_recovered": str(amount_recovered) if amount_recovered is not None else None})


def aid_withdraw(case_id: int, *, actor: Person | None, reason: str, expected_version: int | None = None,
                 now: datetime | None = None) -> Case:
    return transition(case_id, "aid_withdraw", actor=actor, reason=text_clean(reason, _("撤回理由")),
                      expected_version=expected_version, now=now)

