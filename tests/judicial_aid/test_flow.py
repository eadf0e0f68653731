"""国家司法救助 by its steps: the decision is due in 10 working days on the legal calendar and
补充材料 pauses it; a grant within the limit (or above it with reasons); several payments adding
up to the amount granted, never more, the last one moving the matter to 已发放完毕; a refusal with
reasons that stay out of the case's events; a referral from a demand proposed by the police."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.domain.lifecycle import case_dispatch
from banshi.cases.domain.matters import case_refer
from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.judicial_aid import catalog
from banshi.judicial_aid import domain as jad
from banshi.judicial_aid.documents import judicial_aid_document_html, rmb_upper
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.judicial_aid.models import JudicialAidFile, JudicialAidPayment
from banshi.notify.models import OutboxMessage
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World, case_new
from tests.judicial_aid.conftest import JaUnits

SH = ZoneInfo("Asia/Shanghai")
CIRCUMSTANCES = "被告人无财产可供执行，申请人丧失劳动能力，医疗费欠款三万元，生活十分困难。"


def apply(ja: JaUnits, *, when: datetime, unit_id: int | None = None, **kw: object) -> Case:
    data = {"unit_id": unit_id or ja.court.pk, "applicant_name": "王秀英", "applicant_phone": "13900001111",
            "situation": "victim_injury", "circumstances": CIRCUMSTANCES, "case_ref": "（2026）冀0302刑初123号 故意伤害案",
            **kw}
    return jad.ja_open(JaApplyIn(**data), actor=ja.court_handler, now=when)  # type: ignore[arg-type]


def milestone(case: Case, kind: str) -> Milestone:
    return Milestone.objects.filter(case=case, kind=kind).order_by("-id").first()  # type: ignore[return-value]


@pytest.mark.django_db
def test_the_decision_is_due_in_10_working_days_on_the_legal_calendar(world: World, ja: JaUnits) -> None:
    case = apply(ja, when=datetime(2026, 9, 28, 10, tzinfo=SH))
    assert case.state == JaState.REVIEW and case.number.startswith("JZ") and case.kind == "judicial_aid"
    # 9月29、30日, then the National Day holiday (10月1–7日) does not count; 10月10日 (Saturday) is a
    # working day in lieu: the 10th working day is 10月16日.
    assert milestone(case, "decision").due_at == datetime(2026, 10, 16, 23, 59, 59, tzinfo=SH)
    granted = jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("30000"), now=datetime(2026, 10, 9, 15, tzinfo=SH))
    assert milestone(granted, "decision").status == MilestoneStatus.MET
    # 发放: 7 working days from the grant (10月10日 counts, the weekend of 10月17–18日 does not).
    assert milestone(granted, "payment").due_at == datetime(2026, 10, 19, 23, 59, 59, tzinfo=SH)
    # The case itself carries nothing sensitive: neither the circumstances nor the situation.
    assert CIRCUMSTANCES not in case.content and "重伤" not in case.title + case.content + case.category
    assert "（2026）冀0302刑初123号" in case.content


@pytest.mark.django_db
def test_documents_pause_the_decision_clock(world: World, ja: JaUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(ja, when=t0)
    due_before = milestone(case, "decision").due_at
    with pytest.raises(InvalidInput, match="一次性告知"):
        jad.ja_docs_request(case.pk, actor=ja.court_handler, documents=["", " "], now=t0 + timedelta(hours=1))
    case = jad.ja_docs_request(case.pk, actor=ja.court_handler, documents=["伤残鉴定意见书", "生活困难证明"],
                              now=t0 + timedelta(days=1))
    assert case.state == JaState.DOCS and milestone(case, "decision").status == MilestoneStatus.PAUSED
    sms = OutboxMessage.objects.filter(case_id=case.pk, template="documents_request").get()
    assert sms.payload["text"] == "伤残鉴定意见书、生活困难证明"  # every missing document in one notice
    assert JudicialAidFile.objects.get(case=case).docs_missing == ["伤残鉴定意见书", "生活困难证明"]
    # A week later they come: the clock runs again, and the due date has moved by the pause.
    case = jad.ja_docs_received(case.pk, actor=ja.court_handler, note="已补交", now=t0 + timedelta(days=8))
    m = milestone(case, "decision")
    assert case.state == JaState.REVIEW and m.status == MilestoneStatus.PENDING
    # Paused from 11月3日 09:00 to 11月10日 09:00: the whole days 4–9 hold 4 working days (4、5、6、9日).
    assert due_before == datetime(2026, 11, 16, 23, 59, 59, tzinfo=SH)
    assert m.due_at == datetime(2026, 11, 20, 23, 59, 59, tzinfo=SH)
    f = JudicialAidFile.objects.get(case=case)
    assert f.docs_missing == [] and "伤残鉴定意见书" in f.documents
    # While documents are awaited, no decision.
    jad.ja_docs_request(case.pk, actor=ja.court_handler, documents=["银行账户信息"], now=t0 + timedelta(days=9))
    with pytest.raises(Conflict):
        jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("1000"), now=t0 + timedelta(days=9))
    done = jad.ja_withdraw(case.pk, actor=ja.court_handler, reason="已获得赔偿，申请撤回。", now=t0 + timedelta(days=10))
    # Withdrawn is final: the clock stops (as a withdrawn legal-aid application's).
    assert done.state == JaState.WITHDRAWN and milestone(done, "decision").status == MilestoneStatus.CANCELLED


@pytest.mark.django_db
def test_several_payments_add_up_never_more_than_granted(world: World, ja: JaUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(ja, when=t0)
    with pytest.raises(PermissionDenied):  # deciding is the leader's
        jad.ja_grant(case.pk, actor=ja.court_handler, amount=Decimal("10000"), now=t0)
    with pytest.raises(Conflict):  # no payment before the decision
        jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("1"), paid_on=date(2026, 11, 2), now=t0)
    jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("10000.00"), reasons="因案致困，符合条件。",
                now=t0 + timedelta(days=2))
    pay_at = t0 + timedelta(days=3)
    for bad, message in (({"amount": Decimal("0")}, "大于0"), ({"amount": Decimal("0.001")}, "两位小数"),
                         ({"method": "bitcoin"}, "发放方式不正确"), ({"paid_on": date(2026, 12, 1)}, "不能晚于今天"),
                         ({"paid_on": date(2026, 11, 1)}, "不能早于救助决定日期")):
        args = {"amount": Decimal("100"), "paid_on": date(2026, 11, 5), "method": "cash", **bad}
        with pytest.raises(InvalidInput, match=message):
            jad.ja_pay(case.pk, actor=ja.court_handler, now=pay_at, **args)  # type: ignore[arg-type]
    first = jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("4000"), paid_on=date(2026, 11, 5),
                      method="bank_transfer", reference="YH202611050001", now=pay_at)
    assert first.state == JaState.GRANTED
    assert milestone(first, "payment").status == MilestoneStatus.MET  # the first payment meets the deadline
    with pytest.raises(Conflict, match=r"尚可发放6,000\.00元") as over:
        jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("6000.01"), paid_on=date(2026, 11, 6),
                  method="cash", now=pay_at + timedelta(days=1))
    assert over.value.code == "overpayment" and over.value.details == {"remaining": "6000.00"}
    second = jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("2500.50"), paid_on=date(2026, 11, 6),
                       method="cash", now=pay_at + timedelta(days=1))
    assert second.state == JaState.GRANTED
    last = jad.ja_pay(case.pk, actor=ja.court_leader, amount=Decimal("3499.50"), paid_on=date(2026, 11, 9),
                     method="bank_transfer", now=pay_at + timedelta(days=4))
    assert last.state == JaState.PAID and last.closed_at is not None
    f = JudicialAidFile.objects.get(case=case)
    assert jad.paid_total(f) == Decimal("10000.00")
    assert [p.amount for p in JudicialAidPayment.objects.filter(file=f)] == [Decimal("4000.00"), Decimal("2500.50"),
                                                                             Decimal("3499.50")]
    # The events carry the amounts for the counts: each payment and the running total.
    pays = list(CaseEvent.objects.filter(case=case, action="ja_pay").order_by("id"))
    assert [(e.data["amount"], e.data["paid_total"]) for e in pays] == [
        ("4000.00", "4000.00"), ("2500.50", "6500.50"), ("3499.50", "10000.00")]
    assert CaseEvent.objects.get(case=case, action="ja_grant").data["amount"] == "10000.00"
    done = CaseEvent.objects.get(case=case, action="ja_complete")
    assert done.actor is None and done.data["paid_total"] == "10000.00" and done.to_state == JaState.PAID
    with pytest.raises(Conflict):  # nothing more to pay
        jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("1"), paid_on=date(2026, 11, 9), method="cash",
                  now=pay_at + timedelta(days=5))
    with pytest.raises(Conflict, match="尚未全部发放"):  # the system step is refused until paid in full
        other = apply(ja, when=t0)
        jad.ja_grant(other.pk, actor=ja.court_leader, amount=Decimal("500"), now=t0)
        jad.ja_complete(other.pk, now=t0)
    closed = jad.ja_close(case.pk, actor=ja.court_handler, note="已回访，结案。", now=pay_at + timedelta(days=6))
    assert closed.state == JaState.CLOSED


@pytest.mark.django_db
def test_the_limit_is_the_data_files_and_may_be_exceeded_only_with_reasons(world: World, ja: JaUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    limit = catalog.amount_limit(world.district.path)
    assert limit == Decimal(catalog.judicial_aid()["limit"]["monthly_wage"]) * 36
    case = apply(ja, when=t0)
    with pytest.raises(InvalidInput, match="超过限额") as exc:
        jad.ja_grant(case.pk, actor=ja.court_leader, amount=limit + 1, now=t0)
    assert exc.value.code == "over_limit"
    done = jad.ja_grant(case.pk, actor=ja.court_leader, amount=limit + 1, exceed_reason="被害人死亡，遗留未成年子女，损失特别重大。",
                       now=t0)
    f = JudicialAidFile.objects.get(case=done)
    assert f.amount_granted == limit + 1 and f.limit_amount == limit and "损失特别重大" in f.exceed_reason
    html = judicial_aid_document_html(done)
    assert "突破限额的理由" in html and rmb_upper(limit + 1) in html


@pytest.mark.django_db
def test_a_refusal_keeps_its_reasons_in_the_file_and_the_decision(world: World, ja: JaUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(ja, when=t0)
    with pytest.raises(NotFound):  # no decision yet: no document
        judicial_aid_document_html(case)
    with pytest.raises(InvalidInput, match="理由不正确"):
        jad.ja_refuse(case.pk, actor=ja.court_leader, reason_code="bored", reasons="x", now=t0)
    with pytest.raises(InvalidInput, match="具体理由不能为空"):
        jad.ja_refuse(case.pk, actor=ja.court_leader, reason_code="no_hardship", reasons=" ", now=t0)
    reasons = "经调查，申请人名下有住房两套并有稳定租金收入。"
    refused = jad.ja_refuse(case.pk, actor=ja.court_leader, reason_code="no_hardship", reasons=reasons,
                           now=t0 + timedelta(days=3))
    assert refused.state == JaState.REFUSED and refused.closed_at is not None
    event = CaseEvent.objects.get(case=case, action="ja_refuse")
    assert reasons not in event.reason and reasons not in str(event.data)
    sms = OutboxMessage.objects.get(case_id=case.pk, template="progress_reply")
    assert reasons not in sms.payload["text"] and "不予救助决定书" in sms.payload["text"]
    html = judicial_aid_document_html(refused)
    assert "不予国家司法救助决定书" in html and reasons in html and "海港区人民法院" in html and "本院" in html
    assert milestone(refused, "decision").status == MilestoneStatus.MET
    with pytest.raises(Conflict):  # decided
        jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("100"), now=t0 + timedelta(days=4))
    closed = jad.ja_close(case.pk, actor=ja.court_handler, note="决定书已送达，归档。", now=t0 + timedelta(days=5))
    assert closed.state == JaState.CLOSED


@pytest.mark.django_db
def test_the_grant_decision_names_the_unit_and_the_amount_in_capitals(world: World, ja: JaUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(ja, when=t0, unit_id=ja.branch.pk)
    done = jad.ja_grant(case.pk, actor=ja.branch_leader, amount=Decimal("12345.60"), now=t0 + timedelta(days=1))
    html = judicial_aid_document_html(done)
    assert "国家司法救助决定书" in html and "海港公安分局（印章）" in html and "本局" in html
    assert "壹万贰仟叁佰肆拾伍元陆角整" in html and "¥12,345.60" in html and "2026年11月3日" in html


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "零元整"), ("0.05", "伍分"), ("1.05", "壹元零伍分"), ("10", "壹拾元整"), ("1001", "壹仟零壹元整"),
    ("10000", "壹万元整"), ("100010", "壹拾万零壹拾元整"), ("20000.50", "贰万元伍角整"),
    ("305000", "叁拾万零伍仟元整"), ("100000000", "壹亿元整"), ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
])
def test_amounts_in_capitals(amount: str, words: str) -> None:
    assert rmb_upper(Decimal(amount)) == words


@pytest.mark.django_db
def test_bad_applications_are_refused_clearly(world: World, ja: JaUnits) -> None:
    base = {"unit_id": ja.court.pk, "applicant_name": "王五", "situation": "victim_injury", "circumstances": "生活困难"}
    for bad, message in (({"unit_id": world.justice.pk}, "人民法院、人民检察院或公安机关"),
                         ({"situation": "lottery"}, "救助情形不正确"), ({"applicant_name": " "}, "申请人姓名不能为空"),
                         ({"circumstances": ""}, "生活困难情况不能为空"), ({"applicant_phone": "12"}, "电话"),
                         ({"applicant_id_number": "130302199001011234"}, "身份证"),
                         ({"circumstances": "x" * 6000}, "不能超过"), ({"channel": "pigeon"}, "渠道"),
                         ({"documents": ["材料"] * 21}, "最多列20项")):
        with pytest.raises(InvalidInput, match=message):
            jad.ja_open(JaApplyIn(**{**base, **bad}), actor=ja.court_handler)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):  # a police station of another district cannot file at this court
        jad.ja_open(JaApplyIn(**base), actor=world.other_handler)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):  # a committee operator is no handling organ
        jad.ja_open(JaApplyIn(**base), actor=world.operator)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_an_organ_of_the_region_proposes_directly(world: World, ja: JaUnits) -> None:
    case = jad.ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="李桂兰", situation="victim_property",
                                circumstances="被骗走全部积蓄，赃款追缴不能。"), actor=world.handler)
    f = JudicialAidFile.objects.get(case=case)
    assert f.proposed and f.proposer_id == world.station.pk
    assert case.intake_unit_id == case.lead_unit_id == ja.court.pk and "由文化路派出所提出" in case.content
    own = jad.ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="李桂兰", situation="victim_property",
                               circumstances="同上"), actor=ja.court_handler)
    assert not JudicialAidFile.objects.get(case=own).proposed
    reg = CaseEvent.objects.get(case=case, action="ja_apply")
    assert reg.data["proposed"] is True and reg.data["proposer_unit_id"] == world.station.pk


@pytest.mark.django_db
def test_a_referral_from_a_demand_proposed_by_the_police(world: World, ja: JaUnits) -> None:
    content = "我在去年被人打成重伤，落下残疾，打人的判了刑但一分钱没赔，家里孩子上学都困难，请求救助。"
    demand = case_new(world, content=content, citizen_name="赵春生")
    case_dispatch(demand.pk, actor=world.dispatcher, unit_id=world.station.pk)
    with pytest.raises(InvalidInput, match="人民法院、人民检察院或公安机关"):  # not a deciding unit
        case_refer(demand.pk, actor=world.handler, kind="judicial_aid", unit_id=world.justice.pk, note="x")
    case_refer(demand.pk, actor=world.handler, kind="judicial_aid", unit_id=ja.court.pk, note="派出所建议司法救助")
    f = JudicialAidFile.objects.select_related("case").get(case__origin=demand)
    matter = f.case
    assert matter.kind == "judicial_aid" and matter.citizen_name == "赵春生" and matter.lead_unit_id == ja.court.pk
    assert f.proposed and f.proposer_id == world.station.pk and f.situation == "victim_injury"
    assert f.circumstances == content and content not in matter.content  # the words stay in the file
    assert f.case_ref == f"原诉求{demand.number}"
    reg = CaseEvent.objects.get(case=matter, action="ja_apply")
    assert reg.data["note"] == "派出所建议司法救助" and reg.data["proposer_unit_id"] == world.station.pk
    refer = CaseEvent.objects.get(case=demand, action="refer")
    assert refer.data["kind"] == "judicial_aid" and refer.data["matter_number"].startswith("JZ")
    demand.refresh_from_db()
    assert demand.state not in ("archived", "withdrawn")  # the demand itself goes on


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "situation"), [
    ("儿子被人杀害，家里老人孩子无人抚养。受害人已死亡。", "victim_death_dependants"),
    ("被抢劫刺伤，正在住院抢救，医疗费付不起。", "victim_treatment"),
    ("出了车祸被撞伤，肇事司机没钱赔。", "tort_injury"),
    ("前夫不给抚养费，法院执行不了。", "maintenance_unenforced"),
    ("被电信诈骗二十万，钱追不回来。", "victim_property"),
    ("家里困难，想申请救助。", "other"),
])
def test_the_situation_is_guessed_from_the_demand(world: World, ja: JaUnits, content: str, situation: str) -> None:
    demand = case_new(world, content=content)
    case_refer(demand.pk, actor=world.dispatcher, kind="judicial_aid", unit_id=ja.procuratorate.pk)
    f = JudicialAidFile.objects.get(case__origin=demand)
    assert f.situation == situation
    assert f.proposer_id is None  # referred by the committee, not by a handling organ
