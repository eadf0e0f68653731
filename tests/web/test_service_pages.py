"""The specialised matters (法律援助, 人民调解) on the workbench, through Django's test client.

A demand is referred from its case page (转法律援助/人民调解) and the matter is run to its end by
posting the case page's own action forms: legal aid 补正 → received → grant → assign → close, a
refusal (→ objection), 先行援助, termination, withdrawal and lapse; mediation accept (with a room)
→ session → extension → agreement → performance → 司法确认 → close, and the other endings. Every
action form of both kinds is posted at least once (`test_every_action_form_of_both_kinds_is_posted`).
The registration pages, the home page's 专项服务 counts, the queue's kind filter, the documents
(HTML with the unit's name, PDF), scoping (404 for who may not see the matter) and bad input
(a Chinese message on the page, never a 500) are checked on the way."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.actions import actions_for
from banshi.cases.models import Case
from banshi.core.models import AuditLog
from banshi.orgs.models import Person
from banshi.services.models import LegalAidFile, MediationFile, MediationRoom
from tests.factories import ServiceUnits, World, case_new, person

pytestmark = pytest.mark.django_db

WAGE = "在工地干了三个月，老板拖欠工资两万元不给，想请律师讨薪。"
LEAK = "楼上邻居家漏水把我家天花板泡坏了，协商赔偿不成，希望调解。"
CJK = re.compile(r"[\u4e00-\u9fff]")


def client_for(p: Person) -> Client:
    c = Client()
    c.force_login(p)
    return c


def text_of(resp: Any) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", resp.content.decode()))


def action_error(resp: Any) -> str:
    m = re.search(r'<p class="error" role="alert" id="action-error">(.*?)</p>', resp.content.decode(), re.S)
    return unescape(m.group(1)) if m else ""


class Desk:
    """Posts a case page's action forms as one person, recording what went through."""

    def __init__(self, who: Person, done: set[tuple[str, str]]) -> None:
        self.who, self.c, self.done = who, client_for(who), done

    def page(self, case: Case) -> Any:
        r = self.c.get(f"/cases/{case.pk}/")
        assert r.status_code == 200
        forms_render(r)
        return r

    def act(self, case: Case, action: str, data: dict[str, Any] | None = None) -> Case:
        page = self.page(case)
        offered = [a["rule"].action for a in page.context["actions"]]
        assert action in offered, (action, offered)
        r = self.c.post(f"/cases/{case.pk}/act/{action}", data or {})
        assert r.status_code == 302, (action, r.status_code, action_error(r))
        self.done.add((case.kind, action))
        return Case.objects.get(pk=case.pk)

    def refused(self, case: Case, action: str, data: dict[str, Any]) -> str:
        """The action fails with a Chinese message on the page (never a 500); the message."""
        r = self.c.post(f"/cases/{case.pk}/act/{action}", data)
        assert r.status_code in (400, 403, 409), (action, data, r.status_code)
        msg = action_error(r)
        assert msg and CJK.search(msg), (action, data, msg)
        assert 'id="action-' + action + '" open' in r.content.decode()  # the failed form stays open
        return msg


def forms_render(resp: Any) -> None:
    """Every offered action has its form, with every field of its registry entry, labelled in Chinese."""
    body = resp.content.decode()
    for a in resp.context["actions"]:
        name = a["rule"].action
        m = re.search(rf'<details class="action" id="action-{name}"[^>]*>(.*?)</details>', body, re.S)
        assert m, name
        block = m.group(1)
        for f in a["fields"]:
            assert f'name="{f.name}"' in block, (name, f.name, f.kind)
            assert CJK.search(str(f.label)), (name, f.name)


def refer(world: World, demand: Case, kind: str, unit_id: int, done: set[tuple[str, str]]) -> Case:
    Desk(world.dispatcher, done).act(demand, "refer", {"kind": kind, "unit_id": unit_id, "note": "转专项服务办理"})
    return Case.objects.get(origin=demand)


def local_minute(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# -- the flows -------------------------------------------------------------------------------------


def legal_aid_flow(world: World, svc: ServiceUnits, done: set[tuple[str, str]], *, documents: bool = True) -> Case:
    """补正 → received → grant → assign → close, from a referred wage claim."""
    demand = case_new(world, content=WAGE, citizen_name="孙农民")
    dispatcher = Desk(world.dispatcher, done)
    page = dispatcher.page(demand)
    refer_form = re.search(r'id="action-refer".*?</details>', page.content.decode(), re.S).group(0)  # type: ignore[union-attr]
    assert "海港区法律援助中心" in refer_form and "文化路人民调解委员会" in refer_form and "文化路司法所" in refer_form
    # The centres and committees; police stations only under 司法救助 (they decide judicial aid).
    assert "建设大街派出所" not in refer_form.split("转国家司法救助")[0]
    assert "海港区委政法委" not in refer_form
    matter = refer(world, demand, "legal_aid", svc.aid_centre.pk, done)
    assert matter.kind == "legal_aid" and matter.state == "aid_review"

    # The demand links to the matter; the matter to the demand.
    page = dispatcher.page(demand)
    assert f'href="/cases/{matter.pk}/"' in page.content.decode() and "由此转入" in text_of(page)
    leader = Desk(svc.aid_leader, done)
    page = leader.page(matter)
    body = text_of(page)
    assert 'id="case-kind"' in page.content.decode() and "法律援助" in body
    assert "绿色通道" in body and "第42条第（三）项" in body and "第31条第（五）项" in body
    assert f'href="/cases/{demand.pk}/"' in page.content.decode() and "来源诉求" in body
    assert "法律援助申请" in body  # the registration event in words, not aid_apply

    leader.act(matter, "aid_docs_request", {"documents": "劳务合同或工友证言\r\n欠条\r\n", "note": "请补充证据"})
    assert LegalAidFile.objects.get(case=matter).docs_missing == ["劳务合同或工友证言", "欠条"]
    page = leader.page(matter)
    assert "欠条" in text_of(page) and "/documents/aid-docs-notice" in page.content.decode()
    if documents:
        html = document(leader.c, matter, "aid-docs-notice")
        assert "海港区法律援助中心" in html and "法律援助补正通知书" in html and "劳务合同或工友证言" in html
        assert "第四十三条" in html and "视为撤回申请" in html and "一次性告知" in html
        due = timezone.localtime(LegalAidFile.objects.get(case=matter).docs_due_at)
        assert f"{due.year}年{due.month}月{due.day}日" in html
    leader.act(matter, "aid_docs_received", {"reason": "材料已补齐"})
    matter = leader.act(matter, "aid_grant", {"hardship": "exempt", "note": "农民工讨薪，免予核查"})
    assert matter.state == "aid_granted"
    if documents:
        html = document(leader.c, matter, "aid-grant")
        assert "给予法律援助决定书" in html and "海港区法律援助中心" in html and "第42条第（三）项" in html
        assert "三日内指派" in html and "孙农民" in html
        assert pdf(leader.c, matter, "aid-grant").startswith(b"%PDF")
    matter = leader.act(matter, "aid_assign", {"lawyer_name": "周律师", "lawyer_org": "海港法律援助工作站"})
    assert matter.state == "aid_serving"
    if documents:
        html = document(leader.c, matter, "aid-assignment")
        assert "指派通知书" in html and "周律师" in html and "海港法律援助工作站" in html and "海港区法律援助中心" in html
    handler = Desk(svc.aid_handler, done)
    matter = handler.act(matter, "aid_close", {"outcome": "经仲裁调解，追回工资两万元。", "amount_recovered": "20,000"})
    assert matter.state == "aid_closed"
    assert str(LegalAidFile.objects.get(case=matter).amount_recovered) == "20000.00"
    body = text_of(handler.page(matter))
    assert "20000.00 元" in body and "周律师" in body and "已结案归档" in body
    return matter


def refusal_flow(world: World, svc: ServiceUnits, done: set[tuple[str, str]], *, documents: bool = True) -> Case:
    """Registered at the centre, refused with reasons (the 决定书 says how to object), objected, dismissed."""
    c = client_for(svc.aid_handler)
    r = c.post("/services/legal-aid/new", {
        "unit_id": svc.aid_centre.pk, "applicant_name": "王五", "applicant_phone": "13900002222",
        "matter_type": "maintenance", "facts": "儿子不付赡养费，请求法律援助。", "economic": "月收入两千元。",
        "received_docs": ["0", "1"],
    })
    assert r.status_code == 302, text_of(r)[:500]
    matter = Case.objects.filter(kind="legal_aid", citizen_name="王五").get()
    assert r["Location"] == f"/cases/{matter.pk}/?missing=2&missing=3"
    page = c.get(r["Location"])
    assert 'id="action-aid_docs_request" open' in page.content.decode()
    assert "与所申请法律援助事项有关的材料" in page.content.decode()  # the unticked documents, ready to notify
    leader = Desk(svc.aid_leader, done)
    matter = leader.act(matter, "aid_refuse", {"reason": "经济状况不符合法律援助条件"})
    assert matter.state == "aid_refused"
    if documents:
        html = document(leader.c, matter, "aid-refusal")
        assert "不予法律援助决定书" in html and "海港区法律援助中心" in html and "经济状况不符合法律援助条件" in html
        assert "第四十九条" in html and "海港区司法局" in html and "五日内" in html and "行政复议" in html
        assert pdf(leader.c, matter, "aid-refusal").startswith(b"%PDF")
    matter = Desk(svc.aid_handler, done).act(matter, "aid_object", {"text": "我家确有困难，不服。"})
    assert matter.state == "aid_objection"
    matter = leader.act(matter, "aid_objection_dismiss", {"reason": "经审查，维持原决定。"})
    assert matter.state == "aid_closed"
    assert "异议不成立" in text_of(leader.page(matter))
    return matter


def legal_aid_other_endings(world: World, svc: ServiceUnits, done: set[tuple[str, str]]) -> None:
    """先行援助 then 终止; an upheld objection; withdrawal; lapse after the 补正 date."""
    leader, handler = Desk(svc.aid_leader, done), Desk(svc.aid_handler, done)

    def apply(name: str) -> Case:
        r = handler.c.post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, "applicant_name": name,
                                                        "matter_type": "injury", "facts": "交通事故人身损害赔偿。",
                                                        "received_docs": ["0", "1", "2", "3"]})
        assert r.status_code == 302 and "missing" not in r["Location"]
        return Case.objects.get(kind="legal_aid", citizen_name=name)

    a = apply("赵六")
    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()
    a = leader.act(a, "aid_advance", {"deadline": deadline, "lawyer_name": "李律师", "reason": "诉讼时效三日后届满"})
    assert a.state == "aid_serving" and LegalAidFile.objects.get(case=a).decision == "advance"
    a = leader.act(a, "aid_terminate", {"reason_code": "own_lawyer", "reason": "受援人已自行委托律师。"})
    assert a.state == "aid_ended"
    assert "受援人自行委托律师或者其他代理人（法律援助法第48条第（六）项）" in text_of(leader.page(a))

    b = apply("钱七")
    leader.act(b, "aid_refuse", {"reason": "申请事项明显缺乏事实依据"})
    handler.act(b, "aid_object", {"text": "有证据。"})
    b = leader.act(b, "aid_objection_uphold", {"reason": "异议成立。"})
    assert b.state == "aid_granted"

    w = apply("孙八")
    assert handler.act(w, "aid_withdraw", {"reason": "申请人已与对方和解。"}).state == "aid_withdrawn"

    lapse = apply("周九")
    leader.act(lapse, "aid_docs_request", {"documents": "病历"})
    LegalAidFile.objects.filter(case=lapse).update(docs_due_at=timezone.now() - timedelta(days=1))
    assert leader.act(lapse, "aid_lapse").state == "aid_withdrawn"


def mediation_flow(world: World, svc: ServiceUnits, done: set[tuple[str, str]], *, documents: bool = True) -> Case:
    """From a referred neighbour dispute: accept with a room → session → extend → agreement →
    performance → 司法确认 → close."""
    room = MediationRoom.objects.create(unit=svc.committee, name="老杨说事调解室")
    MediationRoom.objects.create(unit=world.justice_office, name="别处的调解室")
    demand = case_new(world, content=LEAK, citizen_name="钱女士")
    matter = refer(world, demand, "mediation", svc.committee.pk, done)
    assert matter.kind == "mediation" and matter.state == "med_received"
    mediator = Desk(svc.mediator, done)
    page = mediator.page(matter)
    assert "人民调解" in text_of(page) and "老杨说事调解室" in page.content.decode()
    assert "别处的调解室" not in page.content.decode()  # only this committee's rooms
    assert "对方当事人" in mediator.refused(matter, "med_accept", {"room_id": str(room.pk)})
    matter = mediator.act(matter, "med_accept", {"room_id": str(room.pk), "mediators": "老杨\n小李",
                                                 "parties": "楼上住户孙某，13900001111", "note": "双方同意调解"})
    f = MediationFile.objects.get(case=matter)
    assert matter.state == "med_mediating" and f.room == room and f.mediators == ["老杨", "小李"]
    assert f.parties[-1] == {"name": "楼上住户孙某", "role": "respondent", "phone": "13900001111"}
    page = mediator.page(matter)
    assert 'value="老杨说事调解室"' in page.content.decode()  # the session form starts with the room as place
    at = local_minute(timezone.now() - timedelta(hours=2))
    mediator.act(matter, "med_session", {"at": at, "mode": "separate", "video": "on", "place": "老杨说事调解室",
                                         "mediators": "老杨", "record": "分别听取双方意见。"})
    mediator.act(matter, "med_session", {"at": at, "mode": "face_to_face", "record": "双方到场，同意赔偿。"})
    body = text_of(mediator.page(matter))
    assert "背对背调解" in body and "面对面调解" in body and "视频调解" in body and "分别听取双方意见" in body
    Desk(svc.med_leader, done).act(matter, "med_extend", {"period": "15d", "reason": "需等待维修报价。"})
    matter = mediator.act(matter, "med_agree", {"form": "written", "terms": "楼上住户赔偿维修费3000元，一周内付清。"})
    assert matter.state == "med_agreed"
    page = mediator.page(matter)
    assert "/documents/mediation-agreement" in page.content.decode() and "书面协议" in text_of(page)
    if documents:
        html = document(mediator.c, matter, "mediation-agreement")
        assert "人民调解协议书" in html and "文化路人民调解委员会（印章）" in html and "赔偿维修费3000元" in html
        assert "被申请人 楼上住户孙某（签名、盖章或者按指印）" in html and "人民调解员 老杨（签名）" in html
        assert pdf(mediator.c, matter, "mediation-agreement").startswith(b"%PDF")
    mediator.act(matter, "med_performance", {"performance": "performed", "note": "已付清"})
    mediator.act(matter, "med_confirm", {"reason": "双方已向法院申请司法确认"})
    body = text_of(mediator.page(matter))
    assert "已履行" in body and "共同申请司法确认" in body
    matter = Desk(svc.med_leader, done).act(matter, "med_close", {"reason": "协议已履行"})
    assert matter.state == "med_closed"
    return matter


def mediation_other_endings(world: World, svc: ServiceUnits, done: set[tuple[str, str]]) -> None:
    """Registered at the committee: declined; failed (the next channel told); terminated."""
    mediator = Desk(svc.mediator, done)

    def register(name: str) -> Case:
        r = mediator.c.post("/services/mediation/new", {
            "unit_id": svc.committee.pk, "source": "application", "dispute_type": "family", "facts": "离婚财产分割纠纷。",
            "applicants": f"{name},13812340000", "respondents": "对方 13912340000",
        })
        assert r.status_code == 302, text_of(r)[:400]
        return Case.objects.get(kind="mediation", citizen_name=name)

    a = register("甲某")
    assert MediationFile.objects.get(case=a).parties[1] == {"name": "对方", "role": "respondent", "phone": "13912340000"}
    assert mediator.act(a, "med_decline", {"reason": "一方不同意调解。"}).state == "med_declined"
    b = register("乙某")
    mediator.act(b, "med_accept", {})
    b = mediator.act(b, "med_fail", {"next_channel": "litigation", "reason": "双方分歧较大。"})
    assert b.state == "med_failed" and "向人民法院提起诉讼" in text_of(mediator.page(b))
    c = register("丙某")
    mediator.act(c, "med_accept", {})
    assert mediator.act(c, "med_terminate", {"reason": "申请人撤回调解申请。"}).state == "med_ended"
    # An oral agreement is recorded, with no 协议书.
    d = register("丁某")
    mediator.act(d, "med_accept", {})
    d = mediator.act(d, "med_agree", {"form": "oral", "terms": "当场道歉。"})
    assert "/documents/mediation-agreement" not in mediator.page(d).content.decode()


def shared_actions(world: World, svc: ServiceUnits, done: set[tuple[str, str]], matter: Case) -> None:
    """督办, 督办反馈, 升级督办 and 备注 on a matter, as on a demand."""
    supervisor = Desk(world.supervisor, done)
    due = local_minute(timezone.now() + timedelta(days=2))
    supervisor.act(matter, "supervise", {"note": "请加快办理。", "due_at": due})
    lead = svc.aid_leader if matter.kind == "legal_aid" else svc.mediator
    Desk(lead, done).act(matter, "supervise_answer", {"text": "正在办理。"})
    supervisor.act(matter, "escalate", {"reason": "群众再次反映。"})
    Desk(lead, done).act(matter, "comment", {"text": "已电话联系申请人。"})


def document(c: Client, case: Case, code: str) -> str:
    r = c.get(f"/cases/{case.pk}/documents/{code}")
    assert r.status_code == 200, (code, r.status_code)
    assert c.get(f"/cases/{case.pk}/documents/{code}.html").content == r.content
    csp = r["Content-Security-Policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp
    html = r.content.decode()
    assert "@media print" in html and f"/cases/{case.pk}/documents/{code}.pdf" in html and case.number in html
    return html


def pdf(c: Client, case: Case, code: str) -> bytes:
    r = c.get(f"/cases/{case.pk}/documents/{code}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "filename" in r["Content-Disposition"]
    return bytes(r.content)


# -- the tests -------------------------------------------------------------------------------------


def test_a_referred_wage_claim_is_run_to_closing_from_the_case_page(world: World, svc: ServiceUnits) -> None:
    matter = legal_aid_flow(world, svc, set())
    assert AuditLog.objects.filter(action="document_view", object_id=str(matter.pk)).count() >= 4


def test_a_refusal_gives_its_decision_with_how_to_object(world: World, svc: ServiceUnits) -> None:
    refusal_flow(world, svc, set())


def test_a_referred_neighbour_dispute_is_mediated_to_closing(world: World, svc: ServiceUnits) -> None:
    mediation_flow(world, svc, set())


def test_every_action_form_of_both_kinds_is_posted(world: World, svc: ServiceUnits) -> None:
    done: set[tuple[str, str]] = set()
    aid = legal_aid_flow(world, svc, done, documents=False)
    refusal_flow(world, svc, done, documents=False)
    legal_aid_other_endings(world, svc, done)
    med = mediation_flow(world, svc, done, documents=False)
    mediation_other_endings(world, svc, done)
    del aid, med
    open_aid = Case.objects.filter(kind="legal_aid", state="aid_granted").first()
    open_med = Case.objects.filter(kind="mediation", state="med_received").first() or mediation_open_one(svc)
    assert open_aid is not None
    shared_actions(world, svc, done, open_aid)
    shared_actions(world, svc, done, open_med)
    for kind in ("legal_aid", "mediation"):
        posted = {a for k, a in done if k == kind}
        formed = {a.name for a in actions_for(kind) if a.path or a.form}
        assert formed <= posted, (kind, formed - posted)
    assert ("demand", "refer") in done


def mediation_open_one(svc: ServiceUnits) -> Case:
    r = client_for(svc.mediator).post("/services/mediation/new", {
        "unit_id": svc.committee.pk, "dispute_type": "neighbour", "facts": "噪音纠纷。",
        "applicants": "戊某", "respondents": "己某"})
    assert r.status_code == 302
    return Case.objects.get(kind="mediation", citizen_name="戊某")


def test_registration_pages(world: World, svc: ServiceUnits) -> None:
    c = client_for(svc.aid_handler)
    r = c.get("/services/legal-aid/new")
    body = text_of(r)
    assert r.status_code == 200 and "法律援助申请登记" in body
    assert "请求确认劳动关系或者支付劳动报酬（第31条第（五）项）" in body
    assert "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员（第42条第（三）项） · 绿色通道" in body
    assert "申请人身份证明" in body and "代理申请的，提交代理权限证明" in body
    # Bad input: the form comes back with the values and a Chinese message.
    r = c.post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, "applicant_name": "王五",
                                           "applicant_phone": "12345", "matter_type": "labour_pay", "facts": "讨薪"})
    assert r.status_code == 400 and "电话号码格式不正确" in text_of(r) and 'value="王五"' in r.content.decode()
    for data, words in (({"matter_type": "labour_pay", "facts": "讨薪", "applicant_name": ""}, "申请人姓名不能为空"),
                        ({"matter_type": "", "facts": "讨薪", "applicant_name": "王五"}, "援助事项不正确"),
                        ({"matter_type": "labour_pay", "facts": "讨薪", "applicant_name": "王五",
                          "applicant_id_number": "123"}, "身份证号码格式不正确"),
                        ({"matter_type": "labour_pay", "facts": "讨薪", "applicant_name": "王五", "unit_id": "x"},
                         "请选择法律援助中心")):
        r = c.post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, **data})
        assert r.status_code == 400 and words in text_of(r), (data, text_of(r)[:300])
    # A green-channel application is urgent and says so.
    r = c.post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, "applicant_name": "农民工甲",
                                           "matter_type": "labour_pay", "facts": "讨薪", "exemption": "migrant_workers"})
    assert r.status_code == 302
    page = c.get(r["Location"])
    assert "绿色通道，优先审查" in text_of(page) and Case.objects.get(citizen_name="农民工甲").urgency == "urgent"

    m = client_for(svc.mediator)
    r = m.get("/services/mediation/new")
    assert r.status_code == 200 and "邻里纠纷" in text_of(r) and "法院诉前委派调解" in text_of(r)
    r = m.post("/services/mediation/new", {"unit_id": svc.committee.pk, "dispute_type": "neighbour", "facts": "噪音",
                                           "applicants": "甲,13812345678", "respondents": ""})
    assert r.status_code == 400 and "双方" in text_of(r)
    r = m.post("/services/mediation/new", {"unit_id": svc.committee.pk, "dispute_type": "bogus", "facts": "噪音",
                                           "applicants": "甲", "respondents": "乙"})
    assert r.status_code == 400 and "纠纷类型不正确" in text_of(r)
    r = m.post("/services/mediation/new", {"unit_id": svc.committee.pk, "dispute_type": "neighbour", "facts": "噪音",
                                           "applicants": "甲,123", "respondents": "乙"})
    assert r.status_code == 400 and "电话号码格式不正确" in text_of(r)
    # A 司法所 registers too (it is a mediation unit).
    assert client_for(world.justice_handler).get("/services/mediation/new").status_code == 200


def test_registration_pages_only_for_the_service_units(world: World, svc: ServiceUnits) -> None:
    police = client_for(world.handler)
    r = police.get("/services/legal-aid/new")
    assert r.status_code == 403 and "只有法律援助中心的工作人员" in text_of(r)
    r = police.post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, "applicant_name": "王五",
                                                "matter_type": "labour_pay", "facts": "讨薪"})
    assert r.status_code == 403 and "您无权在该单位登记" in text_of(r)  # the domain's word
    assert client_for(svc.mediator).get("/services/legal-aid/new").status_code == 403
    r = client_for(svc.aid_handler).post("/services/mediation/new", {
        "unit_id": svc.committee.pk, "dispute_type": "neighbour", "facts": "噪音", "applicants": "甲", "respondents": "乙"})
    assert r.status_code == 403 and "您无权在该单位登记" in text_of(r)
    assert not Case.objects.exclude(kind="demand").exists()
    admin = client_for(world.admin)
    assert admin.get("/services/legal-aid/new").status_code == 403


def test_home_counts_matters_by_state_and_the_queue_filters_by_kind(world: World, svc: ServiceUnits) -> None:
    done: set[tuple[str, str]] = set()
    demand = case_new(world, content=WAGE)
    aid = refer(world, demand, "legal_aid", svc.aid_centre.pk, done)
    med = refer(world, case_new(world, content=LEAK), "mediation", svc.committee.pk, done)

    home = client_for(svc.aid_leader).get("/")
    body = home.content.decode()
    assert "专项服务" in text_of(home) and 'id="services-legal_aid"' in body and 'id="services-mediation"' not in body
    tile = re.search(r'<a class="tile has" href="([^"]+)" data-kind="legal_aid" data-state="aid_review">(.*?)</a>', body, re.S)
    assert tile and "待审查" in tile.group(2) and ">1<" in tile.group(2)
    url = unescape(tile.group(1))
    assert url == "/queue/?kind=legal_aid&state=aid_review"
    assert "/services/legal-aid/new" in body
    q = client_for(svc.aid_leader).get(url)
    assert q.status_code == 200 and aid.number in q.content.decode() and demand.number not in q.content.decode()
    assert "法律援助 · 待审查" in text_of(q)
    # The justice office (the committee is under it) sees the mediation counts.
    home = client_for(world.justice_handler).get("/")
    assert 'id="services-mediation"' in home.content.decode() and "/services/mediation/new" in home.content.decode()
    q = client_for(world.justice_handler).get("/queue/?kind=mediation")
    assert med.number in q.content.decode() and aid.number not in q.content.decode()
    # A police station's home has no such section; a bad kind is a Chinese 400.
    assert "专项服务" not in text_of(client_for(world.handler).get("/"))
    r = client_for(world.dispatcher).get("/queue/?kind=bogus")
    assert r.status_code == 400 and "事项类型不正确" in text_of(r)
    # The dispatcher's queue lists demands only when asked for them.
    q = client_for(world.dispatcher).get("/queue/?kind=demand")
    assert demand.number in q.content.decode() and aid.number not in q.content.decode()


def test_scoping_of_matter_pages_and_documents(world: World, svc: ServiceUnits) -> None:
    done: set[tuple[str, str]] = set()
    matter = refer(world, case_new(world, content=WAGE), "legal_aid", svc.aid_centre.pk, done)
    leader = Desk(svc.aid_leader, done)
    leader.act(matter, "aid_docs_request", {"documents": "欠条"})
    assert document(leader.c, matter, "aid-docs-notice")
    police = client_for(world.handler)
    for url in (f"/cases/{matter.pk}/", f"/cases/{matter.pk}/documents/aid-docs-notice",
                f"/cases/{matter.pk}/documents/aid-docs-notice.html", f"/cases/{matter.pk}/documents/aid-docs-notice.pdf"):
        assert police.get(url).status_code == 404, url
    assert police.post(f"/cases/{matter.pk}/act/aid_grant", {"hardship": "met"}).status_code == 404
    assert client_for(svc.mediator).get(f"/cases/{matter.pk}/").status_code == 404
    # A document the matter does not have (yet), or none of that name: 404.
    for code in ("aid-grant", "aid-refusal", "mediation-agreement", "nonsense"):
        r = leader.c.get(f"/cases/{matter.pk}/documents/{code}")
        assert r.status_code == 404 and "没有这份文书" in text_of(r), code
    assert leader.c.get(f"/cases/{matter.pk}/documents/aid-grant.pdf").status_code == 404
    # The dispatcher (district committee) sees the matter it referred, and its documents.
    assert client_for(world.dispatcher).get(f"/cases/{matter.pk}/documents/aid-docs-notice").status_code == 200
    # A demand has no documents.
    demand = Case.objects.get(pk=matter.origin_id)
    assert client_for(world.dispatcher).get(f"/cases/{demand.pk}/documents/aid-docs-notice").status_code == 404


def test_bad_input_gives_a_chinese_message_never_a_500(world: World, svc: ServiceUnits) -> None:
    done: set[tuple[str, str]] = set()
    room = MediationRoom.objects.create(unit=svc.committee, name="调解室一")
    other_room = MediationRoom.objects.create(unit=world.justice_office, name="调解室二")
    demand = case_new(world, content="邻居纠纷，想调解。")
    dispatcher = Desk(world.dispatcher, done)
    assert "转入事项" in dispatcher.refused(demand, "refer", {"kind": "", "unit_id": svc.committee.pk})
    assert "转入事项" in dispatcher.refused(demand, "refer", {"kind": "bogus", "unit_id": svc.committee.pk})
    assert "法律援助中心" in dispatcher.refused(demand, "refer", {"kind": "legal_aid", "unit_id": svc.committee.pk})
    assert "承办单位" in dispatcher.refused(demand, "refer", {"kind": "legal_aid", "unit_id": "abc"})
    assert not Case.objects.exclude(kind="demand").exists()

    r = client_for(svc.aid_handler).post("/services/legal-aid/new", {"unit_id": svc.aid_centre.pk, "applicant_name": "王五",
                                                                     "matter_type": "other", "facts": "请求援助。"})
    aid = Case.objects.get(pk=int(r["Location"].split("/")[2]))
    leader = Desk(svc.aid_leader, done)
    assert "一次性告知" in leader.refused(aid, "aid_docs_request", {"documents": "\n \n"})
    assert "经济困难审查" in leader.refused(aid, "aid_grant", {"hardship": "bogus"})
    assert "经济困难审查" in leader.refused(aid, "aid_grant", {})
    assert "未登记免予核查" in leader.refused(aid, "aid_grant", {"hardship": "exempt"})
    for deadline in ("下周", "2025-13-40", "20250101"):
        msg = leader.refused(aid, "aid_advance", {"deadline": deadline, "lawyer_name": "李律师", "reason": "急"})
        assert "期限届满日格式不正确" in msg, msg
    assert "期限届满日" in leader.refused(aid, "aid_advance", {"deadline": "", "lawyer_name": "李", "reason": "急"})
    far = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert "不足7日" in leader.refused(aid, "aid_advance", {"deadline": far, "lawyer_name": "李律师", "reason": "急"})
    leader.act(aid, "aid_grant", {"hardship": "met"})
    assert "法律援助人员不能为空" in leader.refused(aid, "aid_assign", {"lawyer_name": " "})
    leader.act(aid, "aid_assign", {"lawyer_name": "周律师"})
    assert "终止情形" in leader.refused(aid, "aid_terminate", {"reason_code": "bogus", "reason": "x"})
    for amount, words in (("abc", "格式不正确"), ("-5", "格式不正确"), ("1.234", "两位小数"), ("NaN", "格式不正确"),
                          ("Infinity", "格式不正确"), ("1e400", "格式不正确"), ("9" * 30, "格式不正确")):
        msg = leader.refused(aid, "aid_close", {"outcome": "办结", "amount_recovered": amount})
        assert "挽回（追回）金额" in msg and words in msg, (amount, msg)
    assert "办理结果不能为空" in leader.refused(aid, "aid_close", {"outcome": ""})
    assert Case.objects.get(pk=aid.pk).state == "aid_serving"  # nothing half-done

    med = refer(world, demand, "mediation", svc.committee.pk, done)
    mediator = Desk(svc.mediator, done)
    assert "调解室" in mediator.refused(med, "med_accept", {"room_id": "abc", "parties": "孙某"})
    assert "不属于本调委会" in mediator.refused(med, "med_accept", {"room_id": str(other_room.pk), "parties": "孙某"})
    assert "姓名" in mediator.refused(med, "med_accept", {"parties": ",13900001111"})
    assert "电话号码格式不正确" in mediator.refused(med, "med_accept", {"parties": "孙某,123"})
    assert "最多" in mediator.refused(med, "med_accept", {"parties": "\n".join(f"人{i}" for i in range(25))})
    mediator.act(med, "med_accept", {"room_id": str(room.pk), "parties": "孙某"})
    now = local_minute(timezone.now())
    assert "调解时间" in mediator.refused(med, "med_session", {"at": "", "record": "r"})
    assert "调解时间格式不正确" in mediator.refused(med, "med_session", {"at": "昨天下午", "record": "r"})
    assert "调解方式" in mediator.refused(med, "med_session", {"at": now, "mode": "shouting", "record": "r"})
    future = local_minute(timezone.now() + timedelta(days=5))
    assert "不能晚于明天" in mediator.refused(med, "med_session", {"at": future, "mode": "separate", "record": "r"})
    assert "调解记录不能为空" in mediator.refused(med, "med_session", {"at": now, "mode": "separate", "record": ""})
    med_leader = Desk(svc.med_leader, done)
    assert "延长期限" in med_leader.refused(med, "med_extend", {"period": "", "reason": "x"})
    assert "延长期限" in med_leader.refused(med, "med_extend", {"period": "99y", "reason": "x"})
    assert "协议形式" in mediator.refused(med, "med_agree", {"form": "carved", "terms": "x"})
    assert "后续途径" in mediator.refused(med, "med_fail", {"next_channel": "", "reason": "x"})
    assert "协议内容不能为空" in mediator.refused(med, "med_agree", {"form": "written", "terms": ""})
    # A stale version is a conflict, in words.
    stale = Case.objects.get(pk=med.pk).version - 1
    assert "已被他人更新" in mediator.refused(med, "med_agree", {"form": "written", "terms": "x", "version": str(stale)})
    assert Case.objects.get(pk=med.pk).state == "med_mediating"


def test_every_new_field_kind_is_rendered_with_a_chinese_label(world: World, svc: ServiceUnits) -> None:
    """Each new widget kind appears on some page as its own control (not a bare text box)."""
    done: set[tuple[str, str]] = set()
    MediationRoom.objects.create(unit=svc.committee, name="调解室一")
    med = refer(world, case_new(world, content=LEAK), "mediation", svc.committee.pk, done)
    mediator = Desk(svc.mediator, done)
    body = mediator.page(med).content.decode()
    assert re.search(r'<select id="med_accept-room_id" name="room_id"><option value="">不指定</option>', body)
    assert 'placeholder="如：王五,13900001111"' in body
    mediator.act(med, "med_accept", {"parties": "孙某"})
    body = Desk(svc.med_leader, done).page(med).content.decode()
    assert 'type="datetime-local"' in body and 'type="checkbox" value="on"' in body
    assert 'id="med_session-mode-separate"' in body and "背对背调解" in body
    assert '<option value="15d">15日</option>' in body and '<option value="1m">1个月</option>' in body
    assert 'id="med_agree-form-written"' in body and "口头协议" in body
    assert "向人民法院提起诉讼" in body
    aid = refer(world, case_new(world, content=WAGE), "legal_aid", svc.aid_centre.pk, done)
    body = Desk(svc.aid_leader, done).page(aid).content.decode()
    assert 'id="aid_grant-hardship-exempt"' in body and 'type="date"' in body
    assert 'id="aid_docs_request-documents"' in body
    Desk(svc.aid_leader, done).act(aid, "aid_grant", {"hardship": "exempt"})
    Desk(svc.aid_leader, done).act(aid, "aid_assign", {"lawyer_name": "周律师"})
    body = Desk(svc.aid_leader, done).page(aid).content.decode()
    assert "受援人以欺骗或者其他不正当手段获得法律援助（第48条第（一）项）" in body
    assert 'inputmode="decimal"' in body


def test_a_second_committee_in_another_county_is_not_offered(world: World, svc: ServiceUnits) -> None:
    from banshi.orgs.models import Unit

    Unit.objects.create(name="山海关区法律援助中心", kind="legal_aid", region=world.other_district)
    demand = case_new(world, content=WAGE)
    page = client_for(world.dispatcher).get(f"/cases/{demand.pk}/")
    refer_form = re.search(r'id="action-refer".*?</details>', page.content.decode(), re.S).group(0)  # type: ignore[union-attr]
    assert "海港区法律援助中心" in refer_form and "山海关区法律援助中心" not in refer_form
    # A town-level unit's staff still see their county's centre.
    from banshi.orgs.models import Region

    town = Region.objects.create(code="130302009", name="某街道", level=4, parent=world.district)
    station = Unit.objects.create(name="某街道派出所", kind="police_station", region=town)
    p = person("town_dispatcher", "dispatcher", station)
    from banshi.web.service_views import refer_unit_groups

    names = [u.name for _g, units in refer_unit_groups(p) for u in units]
    assert "海港区法律援助中心" in names and "山海关区法律援助中心" not in names


def test_service_pages_show_words_not_codes(world: World, svc: ServiceUnits) -> None:
    """What a person reads on these pages has no machine code (legal_aid, med_agreed, labour_pay …)."""
    from tests.web.test_no_codes import assert_words, visible

    done: set[tuple[str, str]] = set()
    room = MediationRoom.objects.create(unit=svc.committee, name="调解室一")
    aid = refer(world, case_new(world, content=WAGE), "legal_aid", svc.aid_centre.pk, done)
    leader = Desk(svc.aid_leader, done)
    leader.act(aid, "aid_docs_request", {"documents": "欠条"})
    leader.act(aid, "aid_docs_received", {})
    leader.act(aid, "aid_grant", {"hardship": "exempt"})
    leader.act(aid, "aid_assign", {"lawyer_name": "周律师"})
    med = refer(world, case_new(world, content=LEAK), "mediation", svc.committee.pk, done)
    mediator = Desk(svc.mediator, done)
    mediator.act(med, "med_accept", {"room_id": str(room.pk), "parties": "孙某"})
    mediator.act(med, "med_session", {"at": local_minute(timezone.now()), "mode": "separate", "record": "记录"})
    mediator.act(med, "med_agree", {"form": "written", "terms": "赔偿三千元"})
    pages = {
        (svc.aid_leader, f"/cases/{aid.pk}/"), (svc.aid_leader, "/"), (svc.aid_leader, "/queue/?kind=legal_aid&state=aid_serving"),
        (svc.aid_leader, "/services/legal-aid/new"), (svc.aid_leader, f"/cases/{aid.pk}/documents/aid-docs-notice"),
        (svc.aid_leader, f"/cases/{aid.pk}/documents/aid-grant"), (svc.aid_leader, f"/cases/{aid.pk}/documents/aid-assignment"),
        (svc.mediator, f"/cases/{med.pk}/"), (svc.mediator, "/"), (svc.mediator, "/services/mediation/new"),
        (svc.mediator, f"/cases/{med.pk}/documents/mediation-agreement"),
        (world.dispatcher, f"/cases/{aid.origin_id}/"), (world.dispatcher, "/queue/?kind=mediation"),
    }
    for who, url in pages:
        r = client_for(who).get(url)
        assert r.status_code == 200, url
        assert_words(url, visible(r.content.decode()))
