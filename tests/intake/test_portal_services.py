"""The citizen portal's 申请法律援助 and 申请人民调解: both applications through the portal (with
uploads), the tracking page for both kinds (kind, state, the rules' citizen steps), 补正 documents
uploaded by the applicant, an objection to a refusal, and every kind of bad input as a 4xx page
with a Chinese message."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from banshi.cases.models import Attachment, Case, CaseEvent
from banshi.services import catalog
from banshi.services import legal_aid as aid
from banshi.services import mediation as med
from banshi.services.enums import AidState, MedState
from banshi.services.inputs import AidApplyIn
from banshi.services.models import LegalAidFile, MediationFile
from tests.factories import ServiceUnits, World

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def aid_form(svc: ServiceUnits, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "unit": svc.aid_centre.pk, "matter_type": "maintenance", "facts": "儿子三年不给赡养费，我今年七十五岁，想起诉要赡养费。",
        "other_party": "王小五", "economic": "一个人生活，每月养老金八百元。", "exemption": "", "name": "王五",
        "phone": "139 0000 1111", "id_number": "", "address": "海港区文化路2号", "submission_id": "a" * 32,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def med_form(svc: ServiceUnits, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "unit": svc.committee.pk, "dispute_type": "neighbour", "facts": "楼上邻居家卫生间漏水到我家，协商多次不修。",
        "other_name": "李四", "other_phone": "", "name": "张三", "phone": "13812345678", "address": "文化路小区3号楼",
        "submission_id": "b" * 32,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def apply_aid(client: Client, svc: ServiceUnits, **kw: object) -> Case:
    r = client.post("/portal/legal-aid/", aid_form(svc, **kw))
    assert r.status_code == 302 and r["Location"] == "/portal/received/", r.content.decode()[:2000]
    return Case.objects.filter(kind="legal_aid").latest("id")


def track(client: Client, case: Case, phone: str = "13900001111") -> str:
    """Look the case up as a citizen in a fresh session: the tracking page's HTML."""
    r = client.post("/portal/track/", {"code": case.tracking_code, "phone": phone})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(r["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_home_has_the_two_entries(world: World, client: Client) -> None:
    html = client.get("/portal/").content.decode()
    assert re.search(r'<a class="button" id="entry-legal-aid" href="/portal/legal-aid/"[^>]*>申请法律援助</a>', html)
    assert re.search(r'<a class="button" id="entry-mediation" href="/portal/mediation/"[^>]*>申请人民调解</a>', html)


def test_aid_page_shows_the_documents_checklist_and_the_green_channel(world: World, svc: ServiceUnits,
                                                                       client: Client) -> None:
    r = client.get("/portal/legal-aid/")
    assert r.status_code == 200
    html = r.content.decode()
    checklist = html.index('id="documents-checklist"')
    assert "一次性告知" in html[checklist:checklist + 300]
    for doc in catalog.legal_aid()["documents"]:
        assert doc in html and html.index(doc) < html.index('id="submit-button"')  # before submitting
    # Only legal-aid centres are offered, under their region.
    assert f'<option value="{svc.aid_centre.pk}" selected>海港区法律援助中心</option>' in html  # the only one
    assert "秦皇岛市海港区" in html and svc.committee.name not in html
    assert "讨要工资，或者要求确认劳动关系" in html  # plain words, with the law's wording beside
    assert "请求确认劳动关系或者支付劳动报酬" in html
    assert "绿色通道" in html and "不审查经济困难状况，优先受理、优先审查" in html
    assert "<script>" not in html and " style=" not in html  # strict CSP
    assert 'name="csrfmiddlewaretoken"' in html


def test_legal_aid_application_with_a_pdf(world: World, svc: ServiceUnits, client: Client) -> None:
    case = apply_aid(client, svc, files=SimpleUploadedFile("户口簿.pdf", PDF, content_type="application/pdf"))
    assert (case.kind, case.state, case.channel) == ("legal_aid", AidState.REVIEW, "portal")
    assert case.lead_unit == svc.aid_centre and case.citizen_phone == "13900001111"
    assert case.number.startswith("FY") and case.tracking_code
    f = LegalAidFile.objects.get(case=case)
    assert (f.matter_type, f.matter_kind, f.other_party) == ("maintenance", "civil", "王小五")
    assert f.economic == "一个人生活，每月养老金八百元。"
    assert (f.exemption, f.green_channel, f.hardship) == ("", False, "")
    att = Attachment.objects.get(case=case)
    assert (att.name, att.content_type, att.uploaded_by) == ("户口簿.pdf", "application/pdf", None)
    page = client.get("/portal/received/").content.decode()
    assert case.tracking_code in page and "法律援助申请已提交" in page
    assert "7日内作出是否给予法律援助的决定" in page and "一次性告知" in page and "绿色通道" not in page
    # The applicant's session opens the tracking page directly, with the document.
    html = client.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert "户口簿.pdf" in html


def test_the_green_channel_choice_sets_the_file(world: World, svc: ServiceUnits, client: Client) -> None:
    case = apply_aid(client, svc, matter_type="labour_pay", exemption="migrant_workers", economic="",
                     facts="在工地干了半年活，老板拖欠工资两万元不给。")
    f = LegalAidFile.objects.get(case=case)
    assert (f.exemption, f.green_channel, f.hardship) == ("migrant_workers", True, "exempt")
    assert case.urgency == "urgent"  # priority
    page = client.get("/portal/received/").content.decode()
    assert "绿色通道" in page and "优先受理、优先审查" in page


def test_mediation_application(world: World, svc: ServiceUnits, client: Client) -> None:
    page = client.get("/portal/mediation/").content.decode()
    assert svc.committee.name in page and world.justice_office.name in page  # committees and 司法所
    assert svc.aid_centre.name not in page and "邻里纠纷" in page
    r = client.post("/portal/mediation/", med_form(svc, other_phone="13700002222"))
    assert r.status_code == 302 and r["Location"] == "/portal/received/"
    case = Case.objects.get(kind="mediation")
    assert (case.state, case.channel, case.lead_unit, case.citizen_name) == (
        MedState.RECEIVED, "portal", svc.committee, "张三")
    f = MediationFile.objects.get(case=case)
    assert (f.source, f.dispute_type) == ("application", "neighbour")
    assert f.parties == [{"name": "张三", "role": "applicant", "phone": "13812345678"},
                         {"name": "李四", "role": "respondent", "phone": "13700002222"}]
    received = client.get("/portal/received/").content.decode()
    assert case.tracking_code in received and "人民调解申请已提交" in received and "一个月内调结" in received


def test_the_tracking_page_shows_kind_state_and_steps(world: World, svc: ServiceUnits, client: Client) -> None:
    case = apply_aid(client, svc)
    client.post("/portal/mediation/", med_form(svc))
    dispute = Case.objects.get(kind="mediation")

    html = track(Client(), case)
    assert re.search(r'id="case-kind">法律援助<', html)
    assert re.search(r'id="case-state">待审查<', html)
    assert "已收到法律援助申请" in html  # the register rule's citizen label
    assert "要赡养费、抚养费、扶养费" in html
    assert "审查决定" in html  # the decision milestone and its date

    html = track(Client(), dispute, phone="13812345678")
    assert re.search(r'id="case-kind">人民调解<', html) and re.search(r'id="case-state">待受理<', html)
    assert "已收到调解申请" in html and "邻里纠纷" in html
    med.med_accept(dispute.pk, actor=svc.mediator, mediators=["杨调解员"])
    html = track(Client(), dispute, phone="13812345678")
    assert re.search(r'id="case-state">调解中<', html)
    assert "已受理调解" in html and "您的调解申请已受理。" in html and "杨调解员" in html
    assert "med_accept" not in html and "med_mediating" not in html  # words, not codes

    # A wrong phone is refused like for a demand (and counts towards the limits).
    r = Client().post("/portal/track/", {"code": case.tracking_code, "phone": "13900009999"})
    assert r.status_code == 404 and "查询码或手机号不正确" in r.content.decode()


def test_documents_asked_for_are_listed_and_the_upload_resumes_review(world: World, svc: ServiceUnits,
                                                                     client: Client) -> None:
    case = apply_aid(client, svc)
    aid.aid_docs_request(case.pk, actor=svc.aid_handler, documents=["户口簿", "低保证明"], days=10)
    citizen = Client()
    html = track(citizen, case)
    assert re.search(r'id="case-state">待补正材料<', html)
    missing = html[html.index('id="aid-docs-missing"'):]
    assert missing.index("户口簿") < missing.index("低保证明") < missing.index("</ol>")
    due = LegalAidFile.objects.get(case=case).docs_due_at
    assert due is not None and f"{due.astimezone().year}年" in html[html.index('id="aid-docs-due"'):]
    assert 'id="aid-documents-form"' in html and "视为撤回申请" in html

    url = f"/portal/case/{case.tracking_code}/aid-documents/"
    r = citizen.post(url, {"note": "都拍好了"})  # no file
    assert r.status_code == 400 and "请选择要上传的补正材料" in r.content.decode()
    r = citizen.post(url, {"note": "x" * 1001, "files": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    assert r.status_code == 400 and "说明最多1000个字" in r.content.decode()
    before = Attachment.objects.filter(case=case).count()

    r = citizen.post(url, {"note": "户口簿和低保证明", "files": [SimpleUploadedFile("户口簿.png", PNG, content_type="image/png"),
                                                                 SimpleUploadedFile("低保证明.pdf", PDF)]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == AidState.REVIEW
    f = LegalAidFile.objects.get(case=case)
    assert (f.docs_missing, f.docs_due_at) == ([], None)
    assert Attachment.objects.filter(case=case, uploaded_by__isnull=True).count() == before + 2
    event = CaseEvent.objects.get(case=case, action="aid_docs_received")
    assert event.actor is None and "户口簿和低保证明" in event.reason
    html = citizen.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert "补正材料已提交" in html and "已收到补正材料" in html and 'id="aid-documents-form"' not in html
    # Once supplied, a second upload is a conflict, not a second 补正.
    r = citizen.post(url, {"files": SimpleUploadedFile("c.pdf", PDF)})
    assert r.status_code == 409 and "不需要补正材料" in r.content.decode()


def test_an_objection_after_a_refusal(world: World, svc: ServiceUnits, client: Client) -> None:
    case = apply_aid(client, svc)
    aid.aid_refuse(case.pk, actor=svc.aid_leader, reason="经济状况不符合法律援助条件")
    citizen = Client()
    html = track(citizen, case)
    assert re.search(r'id="case-state">不予法律援助<', html)
    assert "经济状况不符合法律援助条件" in html  # the reasons, in writing
    assert "第四十九条" in html and "5日内" in html and 'id="aid-objection-form"' in html

    url = f"/portal/case/{case.tracking_code}/aid-objection/"
    r = citizen.post(url, {"text": ""})
    assert r.status_code == 400 and "请写明您不同意不予法律援助决定的理由" in r.content.decode()
    r = citizen.post(url, {"text": "不同意\x00"})
    assert r.status_code == 400 and "无法识别的字符" in r.content.decode()
    r = citizen.post(url, {"text": "我每月只有八百元养老金，符合经济困难条件。"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == AidState.OBJECTION
    assert LegalAidFile.objects.get(case=case).objection == "我每月只有八百元养老金，符合经济困难条件。"
    html = citizen.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert "异议已提交" in html and re.search(r'id="case-state">异议审查中<', html)
    assert 'id="aid-objection-form"' not in html


def test_actions_need_the_session_that_checked_the_phone(world: World, svc: ServiceUnits, client: Client) -> None:
    case = apply_aid(client, svc)
    aid.aid_refuse(case.pk, actor=svc.aid_leader, reason="不属于法律援助事项范围")
    r = Client().post(f"/portal/case/{case.tracking_code}/aid-objection/", {"text": "有异议"})
    assert r.status_code == 302 and r["Location"].startswith("/portal/track/")
    # An application taken in at the window without a phone opens with the code alone: no uploads, no objection.
    window = aid.aid_open(AidApplyIn(unit_id=svc.aid_centre.pk, applicant_name="赵六", matter_type="other",
                                     facts="需要法律援助。"), actor=svc.aid_handler)
    aid.aid_refuse(window.pk, actor=svc.aid_leader, reason="不属于法律援助事项范围")
    anonymous = Client()
    html = track(anonymous, window, phone="")
    assert "第四十九条" in html and 'id="aid-objection-form"' not in html and "不属于法律援助事项范围" not in html
    r = anonymous.post(f"/portal/case/{window.tracking_code}/aid-objection/", {"text": "有异议"})
    assert r.status_code == 403 and "窗口" in r.content.decode()
    window.refresh_from_db()
    assert window.state == AidState.REFUSED


def test_csrf_is_enforced(world: World, svc: ServiceUnits) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/portal/legal-aid/", aid_form(svc)).status_code == 403
    assert strict.post("/portal/mediation/", med_form(svc)).status_code == 403
    assert not Case.objects.exists()


def test_a_second_click_gives_the_first_application(world: World, svc: ServiceUnits, client: Client) -> None:
    first = apply_aid(client, svc)
    again = apply_aid(client, svc)
    assert first.pk == again.pk and Case.objects.filter(kind="legal_aid").count() == 1
    apply_aid(client, svc, submission_id="c" * 32)
    assert Case.objects.filter(kind="legal_aid").count() == 2


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"unit": ""}, "请从列表中选择法律援助中心"),
        ({"unit": "abc"}, "请从列表中选择法律援助中心"),
        ({"unit": "999999"}, "请从列表中选择法律援助中心"),
        ({"unit": str(2**63)}, "请从列表中选择法律援助中心"),
        ({"unit": "committee"}, "请从列表中选择法律援助中心"),  # a unit of the wrong kind
        ({"unit": "\x00"}, "请从列表中选择法律援助中心"),
        ({"matter_type": "bogus"}, "请从列出的援助事项中选择一项"),
        ({"matter_type": ""}, "请选择您要申请法律援助的事项"),
        ({"exemption": "bogus"}, "请从列出的情形中选择一项"),
        ({"facts": ""}, "请写明事情经过和您的请求"),
        ({"facts": "帮帮我"}, "至少5个字"),
        ({"facts": "欠薪" * 2501}, "事情经过和您的请求最多5000个字，现在是5002个字"),
        ({"facts": "老板欠我工资\x00不给"}, "事情经过和您的请求中有无法识别的字符"),
        ({"name": "\x00王五"}, "您的姓名中有无法识别的字符"),
        ({"name": "王" * 61}, "您的姓名最多60个字"),
        ({"name": ""}, "请填写您的姓名"),
        ({"phone": ""}, "请填写手机号码"),
        ({"phone": "1390000"}, "电话号码格式不正确"),
        ({"other_party": "王" * 201}, "对方（个人或单位）最多200个字"),
        ({"economic": "穷" * 5001}, "家庭经济状况最多5000个字"),
        ({"id_number": "12345"}, "身份证号码格式不正确"),
        ({"id_number": "110101199003070000"}, "身份证号码校验位不正确"),
        ({"address": "路" * 256}, "住址最多255个字"),
        ({"submission_id": "a\x00" * 10}, "页面已过期"),
        ({"submission_id": "a" * 65}, "页面已过期"),
    ],
)
def test_bad_aid_applications_are_400_with_chinese_messages(world: World, svc: ServiceUnits, client: Client,
                                                            kw: dict[str, object], message: str) -> None:
    if kw.get("unit") == "committee":
        kw = {"unit": svc.committee.pk}
    r = client.post("/portal/legal-aid/", aid_form(svc, **kw))
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and 'id="error-summary"' in html
    assert not Case.objects.exists()


def test_bad_uploads_are_refused_before_anything_is_saved(world: World, svc: ServiceUnits, client: Client) -> None:
    r = client.post("/portal/legal-aid/", aid_form(svc, files=SimpleUploadedFile("合同.pdf", b"MZ\x90\x00")))
    assert r.status_code == 415 and "不是JPEG、PNG图片或PDF文件" in r.content.decode()
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(7)]
    r = client.post("/portal/legal-aid/", aid_form(svc, files=files))
    assert r.status_code == 400 and "最多上传6个文件" in r.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_an_inactive_centre_is_not_offered(world: World, svc: ServiceUnits, client: Client) -> None:
    svc.aid_centre.is_active = False
    svc.aid_centre.save()
    assert svc.aid_centre.name not in client.get("/portal/legal-aid/").content.decode()
    r = client.post("/portal/legal-aid/", aid_form(svc))
    assert r.status_code == 400 and "请从列表中选择法律援助中心" in r.content.decode()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"unit": "aid"}, "请从列表中选择人民调解委员会"),  # a legal-aid centre is not a committee
        ({"unit": "123456789"}, "请从列表中选择人民调解委员会"),
        ({"unit": "-1"}, "请从列表中选择人民调解委员会"),
        ({"dispute_type": "murder"}, "请从列出的纠纷类型中选择一项"),
        ({"facts": ""}, "请写明纠纷经过"),
        ({"facts": "漏水\x00"}, "纠纷经过和您的要求中有无法识别的字符"),
        ({"facts": "吵" * 5001}, "纠纷经过和您的要求最多5000个字"),
        ({"other_name": ""}, "调解需要双方当事人"),
        ({"other_name": "李" * 61}, "对方姓名或单位名称最多60个字"),
        ({"other_phone": "12"}, "电话号码格式不正确"),
        ({"other_phone": "13812345678"}, "对方电话与您的电话相同"),
        ({"phone": ""}, "请填写手机号码"),
        ({"address": "\x00"}, "纠纷发生地点中有无法识别的字符"),
    ],
)
def test_bad_mediation_applications_are_400_with_chinese_messages(world: World, svc: ServiceUnits, client: Client,
                                                                  kw: dict[str, object], message: str) -> None:
    if kw.get("unit") == "aid":
        kw = {"unit": svc.aid_centre.pk}
    r = client.post("/portal/mediation/", med_form(svc, **kw))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Case.objects.exists()


def test_the_justice_office_takes_mediation_applications(world: World, svc: ServiceUnits, client: Client) -> None:
    r = client.post("/portal/mediation/", med_form(svc, unit=world.justice_office.pk, dispute_type="land_boundary"))
    assert r.status_code == 302
    case = Case.objects.get(kind="mediation")
    assert case.lead_unit == world.justice_office and case.category == "mediation.land_boundary"
