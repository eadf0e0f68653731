"""国家司法救助: the domain functions of the judicial-aid matter. Each runs one action of the
definition (workflow.py) through the one `transition()` and writes the file's own rows in the same
transaction.

申请 (by the applicant at the deciding unit, or proposed by the organ handling the case — directly or
from a demand with its `refer` action) → 审查 (补充材料 pauses the decision clock) → 决定救助 with an
amount, or 不予救助 with reasons → 发放 in one or several payments, never more in total than
granted; the payment that completes the amount moves the matter to 已发放完毕 → 结案.

What is sensitive (the applicant's situation, every amount, the decision's reasons) stays in the
file: the case's content and title and every event's reason are neutral; the amounts an event
carries for the counts are in its data (`amount`, `paid_total`), which `access.events_data_for`
masks like the file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, service_unit, text_clean
from banshi.cases.enums import Channel
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.core.privacy import id_number_normalise, phone_normalise
from banshi.judicial_aid import catalog
from banshi.judicial_aid.enums import JaDecision
from banshi.judicial_aid.inputs import MAX_MONEY, JaApplyIn
from banshi.judicial_aid.models import JudicialAidFile, JudicialAidPayment
from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Unit

KIND = "judicial_aid"
POLICY = "judicial_aid"
CATEGORY = "judicial_aid"
# The organs that decide (and propose) 国家司法救助: the courts, procuratorates and police organs.
DECIDING_KINDS: tuple[str, ...] = (UnitKind.COURT, UnitKind.PROCURATORATE, UnitKind.POLICE_BUREAU,
                                   UnitKind.POLICE_BRANCH, UnitKind.POLICE_STATION)
MAX_DOCUMENTS = 20
CENT = Decimal("0.01")


def _file(case: Case) -> JudicialAidFile:
    f = JudicialAidFile.objects.select_for_update().filter(case=case).first()
    if f is None:  # pragma: no cover - every judicial-aid matter is opened with its file
        raise Conflict(_("司法救助案卷不存在。"), code="no_file")
    return f


def yuan(value: Decimal | None) -> str:
    """12345.6 → "12,345.60" (for documents and messages)."""
    return "" if value is None else f"{Decimal(value).quantize(CENT):,}"


def money_check(value: Any, what: str) -> Decimal:
    """A positive amount in yuan with at most two decimals (the API's input says so too; the
    domain is also called by the demo and the workbench)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(what)s格式不正确。") % {"what": what}, code="invalid_amount") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_MONEY:
        raise InvalidInput(_("%(what)s应为大于0的金额（元）。") % {"what": what}, code="invalid_amount")
    if amount != amount.quantize(CENT):
        raise InvalidInput(_("%(what)s最多保留两位小数（分）。") % {"what": what}, code="invalid_amount")
    return amount.quantize(CENT)


def _documents(raw: list[str], what: str) -> list[str]:
    docs = [text_clean(d, what, limit=100) for d in raw if (d or "").strip()]
    if len(docs) > MAX_DOCUMENTS:
        raise InvalidInput(_("%(what)s最多列%(n)d项。") % {"what": what, "n": MAX_DOCUMENTS}, code="too_many_documents")
    return docs


def _organ(unit: Unit | None) -> Unit | None:
    return unit if unit is not None and unit.kind in DECIDING_KINDS else None


def _proposer(actor: Person | None, unit: Unit, origin: Case | None) -> Unit | None:
    """Who may open a matter at the deciding unit, and which organ proposed it (None: the
    applicant's own application). From a demand the `refer` rule has decided: the proposer is the
    referring person's organ, else the demand's lead organ. Directly: the deciding unit's own staff
    (or a superior's, or a supervisor of its region) register an application; the handler or leader
    of another court, procuratorate or police organ in its region proposes one."""
    if origin is not None:
        organ = _organ(actor.unit if actor is not None else None) or _organ(origin.lead_unit)
        return organ if organ is not None and organ.pk != unit.pk else None
    try:
        opener_check(actor, unit, None)
    except PermissionDenied:
        organ = _organ(actor.unit) if actor is not None and actor.is_active else None
        if (actor is None or organ is None or actor.role not in (Role.HANDLER, Role.LEADER)
                or not organ.region.path.startswith(unit.region.path)):
            raise PermissionDenied(_("您无权在该单位登记或提出国家司法救助申请。"), code="action_forbidden") from None
        return organ
    organ = _organ(actor.unit if actor is not None else None)
    return organ if organ is not None and organ.pk != unit.pk else None


def ja_open(data: JaApplyIn, *, actor: Person | None, origin: Case | None = None, now: datetime | None = None,
            notify: bool = True, note: str = "") -> Case:
    """国家司法救助申请: open the matter at the deciding unit with its file. The case itself says
    only that there is an application (and the original case); the situation stays in the file."""
    cat = catalog.judicial_aid()
    unit = service_unit(data.unit_id, DECIDING_KINDS, _("作出救助决定的人民法院、人民检察院或公安机关"))
    if data.situation not in cat["situations"]:
        raise InvalidInput(_("救助情形不正确：%(v)s") % {"v": data.situation[:40]}, code="invalid_situation")
    if data.channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    name = text_clean(data.applicant_name, _("申请人姓名"), limit=60)
    circumstances = text_clean(data.circumstances, _("生活困难情况"))
    case_ref = text_clean(data.case_ref, _("原案案号或案由"), required=False, limit=200)
    phone = phone_normalise(data.applicant_phone)
    id_number = id_number_normalise(data.applicant_id_number)
    requested = money_check(data.amount_requested, _("申请救助金额")) if data.amount_requested is not None else None
    documents = _documents(list(data.documents), _("已提交材料"))
    address = text_clean(data.address, _("地址"), required=False, limit=255)
    proposer = _proposer(actor, unit, origin)

    def file(case: Case) -> None:
        JudicialAidFile.objects.create(
            case=case, situation=data.situation, circumstances=circumstances, case_ref=case_ref,
            proposed=proposer is not None, proposer=proposer, amount_requested=requested, documents=documents,
        )

    content = _("国家司法救助申请。原案：%(ref)s。") % {"ref": case_ref or _("（待补充）")}
    if proposer is not None:
        content += _("由%(unit)s提出。") % {"unit": proposer.name}
    return matter_register(
        KIND, intake_unit=unit, lead_unit=unit, actor=actor, content=content, title=_("国家司法救助申请"),
        channel=data.channel, citizen_name=name, citizen_phone=phone, citizen_id_number=id_number, address=address,
        origin=origin, policy_code=POLICY, category=CATEGORY, now=now, after=file, notify=notify,
        data={"proposed": proposer is not None, "proposer_unit_id": proposer.pk if proposer else None,
              "text": _("国家司法救助申请"),
              **({"note": note[:500]} if note else {})},
    )


def ja_open_from_demand(demand: Case, *, actor: Person, unit: Unit, note: str, now: datetime) -> Case:
    """转国家司法救助 (the opener a demand's `refer` calls): the demand's citizen is the applicant and
    its words the stated circumstances, without re-typing; the deciding unit reviews and corrects."""
    data = JaApplyIn(
        unit_id=unit.pk, applicant_name=demand.citizen_name or _("（未留姓名）"), applicant_phone=demand.citizen_phone,
        applicant_id_number=demand.citizen_id_number, situation=situation_guess(demand), circumstances=demand.content,
        case_ref=_("原诉求%(n)s") % {"n": demand.number or demand.pk}, address=demand.address, channel=demand.channel,
    )
    return ja_open(data, actor=actor, origin=demand, now=now, note=note)


def situation_guess(demand: Case) -> str:
    """The likely 救助情形 from the demand's words; else `other`."""
    text = f"{demand.category} {demand.content}"
    for words, code in ((("死亡", "遇害", "去世", "身亡"), "victim_death_dependants"),
                        (("抢救", "急需救治", "医疗费", "住院"), "victim_treatment"),
                        (("交通事故", "车祸", "撞伤"), "tort_injury"),
                        (("重伤", "残疾", "伤残"), "victim_injury"),
                        (("打击报复", "报复"), "retaliation"),
                        (("赡养费", "抚养费", "扶养费", "抚育费"), "maintenance_unenforced"),
                        (("被骗", "诈骗", "被盗", "财产损失"), "victim_property"),
                        (("信访", "上访"), "petitioner")):
        if any(w in text for w in words):
            return code
    return "other"


def ja_docs_request(case_id: int, *, actor: Person, documents: list[str], note: str = "",
                    expected_version: int | None = None, now: datetime | None = None) -> Case:
    """一次性告知补充材料: every missing document in one notice; the decision clock pauses until they come."""
    now = now or timezone.now()
    docs = _documents(documents, _("需补充的材料"))
    if not docs:
        raise InvalidInput(_("请列出需要补充的全部材料（一次性告知）。"), code="documents_required")
    note = text_clean(note, _("说明"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.docs_missing, f.docs_requested_at = docs, now
        f.save(update_fields=["docs_missing", "docs_requested_at"])

    return transition(case_id, "ja_docs_request", actor=actor, reason=note, after=record, now=now,
                      expected_version=expected_version, data={"documents": docs, "text": "、".join(docs)})


def ja_docs_received(case_id: int, *, actor: Person | None, note: str = "", expected_version: int | None = None,
                     now: datetime | None = None) -> Case:
    """材料已补齐: the decision clock runs again (the paused days do not count)."""

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.documents = list(f.documents) + [d for d in f.docs_missing if d not in f.documents]
        f.docs_missing = []
        f.save(update_fields=["documents", "docs_missing"])

    return transition(case_id, "ja_docs_received", actor=actor, reason=text_clean(note, _("说明"), required=False),
                      after=record, expected_version=expected_version, now=now)


def ja_grant(case_id: int, *, actor: Person, amount: Decimal, reasons: str = "", exceed_reason: str = "",
             expected_version: int | None = None, now: datetime | None = None) -> Case:
    """决定给予国家司法救助 with the amount. Above the limit (一般不超过上一年度职工月平均工资36个月,
    data/judicial_aid.yaml) only with the reasons for going beyond it. Starts the payment clock."""
    now = now or timezone.now()
    amount = money_check(amount, _("救助金额"))
    reasons = text_clean(reasons, _("决定理由"), required=False)
    exceed = text_clean(exceed_reason, _("突破限额的理由"), required=False)
    limit: dict[str, Decimal] = {}

    def check(case: Case) -> None:
        limit["amount"] = catalog.amount_limit(case.region_path)
        if amount > limit["amount"] and not exceed:
            months = catalog.judicial_aid()["limit"]["months"]
            raise InvalidInput(
                _("救助金额超过限额（上一年度职工月平均工资%(m)d个月，%(l)s元）：确需突破的，请写明理由。")
                % {"m": months, "l": yuan(limit["amount"])}, code="over_limit")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.decision, f.decided_at, f.decided_by = JaDecision.GRANTED, now, actor
        f.amount_granted, f.limit_amount = amount, limit["amount"]
        f.exceed_reason = exceed if amount > limit["amount"] else ""
        f.decision_reasons, f.refusal_reason = reasons, ""
        f.save(update_fields=["decision", "decided_at", "decided_by", "amount_granted", "limit_amount",
                              "exceed_reason", "decision_reasons", "refusal_reason"])

    return transition(case_id, "ja_grant", actor=actor, before=check, after=record, now=now,
                      expected_version=expected_version,
                      data={"amount": str(amount),
                            "text": _("经审查，决定给予国家司法救助，救助金将按规定发放，详见救助决定书。")})


def ja_refuse(case_id: int, *, actor: Person, reason_code: str, reasons: str, expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """决定不予救助, with the reasons written in the 不予救助决定书 (they stay in the file: the event
    says only that the applicant was told in writing)."""
    now = now or timezone.now()
    refusal = catalog.judicial_aid()["refusal_reasons"]
    if reason_code not in refusal:
        raise InvalidInput(_("不予救助的理由不正确：请从理由列表中选择。"), code="invalid_reason")
    reasons = text_clean(reasons, _("不予救助的具体理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.decision, f.decided_at, f.decided_by = JaDecision.REFUSED, now, actor
        f.refusal_reason, f.decision_reasons = reason_code, reasons
        f.amount_granted = f.limit_amount = None
        f.exceed_reason = ""
        f.save(update_fields=["decision", "decided_at", "decided_by", "refusal_reason", "decision_reasons",
                              "amount_granted", "limit_amount", "exceed_reason"])

    return transition(case_id, "ja_refuse", actor=actor, reason=_("决定不予救助，理由已在不予救助决定书中书面告知申请人。"),
                      after=record, now=now, expected_version=expected_version,
                      data={"reason_code": reason_code,
                            "text": _("经审查，决定不予国家司法救助，具体理由见不予救助决定书。")})


def ja_withdraw(case_id: int, *, actor: Person | None, reason: str, expected_version: int | None = None,
                now: datetime | None = None) -> Case:
    return transition(case_id, "ja_withdraw", actor=actor, reason=text_clean(reason, _("撤回理由"), limit=500),
                      expected_version=expected_version, now=now)


def paid_total(f: JudicialAidFile) -> Decimal:
    return Decimal(JudicialAidPayment.objects.filter(file=f).aggregate(s=Sum("amount"))["s"] or 0).quantize(CENT)


def ja_pay(case_id: int, *, actor: Person, amount: Decimal, paid_on: date, method: str = "bank_transfer",
           reference: str = "", note: str = "", expected_version: int | None = None,
           now: datetime | None = None) -> Case:
    """发放救助金: one payment (amount, date, method, reference). Several payments may make up the
    amount granted, never more; the payment that completes it moves the matter to 已发放完毕
    (`ja_complete`, in the same transaction). The first payment meets the payment deadline."""
    now = now or timezone.now()
    amount = money_check(amount, _("发放金额"))
    methods = catalog.judicial_aid()["payment_methods"]
    if method not in methods:
        raise InvalidInput(_("发放方式不正确：应为%(m)s之一。") % {"m": "、".join(m["label"] for m in methods.values())},
                           code="invalid_method")
    if not isinstance(paid_on, date) or isinstance(paid_on, datetime):
        raise InvalidInput(_("发放日期不正确。"), code="invalid_date")
    if paid_on > timezone.localtime(now).date():
        raise InvalidInput(_("发放日期不能晚于今天。"), code="invalid_date")
    reference = text_clean(reference, _("凭证号"), required=False, limit=100)
    note = text_clean(note, _("说明"), required=False, limit=500)
    totals: dict[str, Any] = {}

    def check(case: Case) -> None:
        f = _file(case)  # locked with the case: two payments at once are counted one after the other
        if f.amount_granted is None:  # pragma: no cover - ja_granted always has an amount
            raise Conflict(_("尚未决定救助金额，不能发放。"), code="no_amount")
        if f.decided_at is not None and paid_on < timezone.localtime(f.decided_at).date():
            raise InvalidInput(_("发放日期不能早于救助决定日期。"), code="invalid_date")
        before = paid_total(f)
        remaining = f.amount_granted - before
        if amount > remaining:
            raise Conflict(_("发放金额超过尚未发放的救助金额（决定救助%(g)s元，已发放%(p)s元，尚可发放%(r)s元）。")
                           % {"g": yuan(f.amount_granted), "p": yuan(before), "r": yuan(remaining)},
                           code="overpayment", details={"remaining": str(remaining)})
        totals.update(file=f, total=before + amount, complete=before + amount == f.amount_granted,
                      n=JudicialAidPayment.objects.filter(file=f).count() + 1)

    def record(case: Case, event: CaseEvent) -> None:
        payment = JudicialAidPayment.objects.create(
            file=totals["file"], amount=amount, paid_on=paid_on, method=method, reference=reference, note=note,
            by=actor, event=event, created_at=now)
        event.data = {**event.data, "paid_total": str(totals["total"]), "payment_id": payment.pk,
                      "instalment": totals["n"], "complete": totals["complete"]}
        event.save(update_fields=["data"])

    with transaction.atomic():
        case = transition(case_id, "ja_pay", actor=actor, before=check, after=record, now=now,
                          expected_version=expected_version,
                          data={"amount": str(amount), "method": method,
                                "text": _("国家司法救助金已发放，请注意查收。")})
        if totals["complete"]:
            case = ja_complete(case.pk, now=now)
    return case


def ja_complete(case_id: int, *, now: datetime | None = None) -> Case:
    """已发放完毕: run by `ja_pay` (the system, in the payment's transaction) once the payments add
    up to the amount granted; refused before."""
    totals: dict[str, Decimal] = {}

    def check(case: Case) -> None:
        f = _file(case)
        totals["paid"] = paid_total(f)
        if f.amount_granted is None or totals["paid"] != f.amount_granted:
            raise Conflict(_("救助金尚未全部发放。"), code="not_fully_paid")

    def record(case: Case, event: CaseEvent) -> None:
        event.data = {**event.data, "paid_total": str(totals["paid"])}
        event.save(update_fields=["data"])

    return transition(case_id, "ja_complete", actor=None, before=check, after=record, now=now,
                      reason=_("救助金已按决定全部发放。"))


def ja_close(case_id: int, *, actor: Person, note: str = "", expected_version: int | None = None,
             now: datetime | None = None) -> Case:
    """结案归档 once the aid is paid in full, or the refusal delivered."""
    note = text_clean(note, _("结案意见"), required=False, limit=1000)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.close_note = note
        f.save(update_fields=["close_note"])

    return transition(case_id, "ja_close", actor=actor, after=record, now=now, expected_version=expected_version)
