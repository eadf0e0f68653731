"""The API runs a legal-aid application and a mediation from a demand to closing (SQLite and
PostgreSQL): one `refer` action opens the matter without re-typing, linked both ways; every step
after that is a generated case endpoint of the matter's own definition."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from banshi.cases.models import Case
from banshi.services.models import LegalAidFile, MediationFile
from tests.factories import ServiceUnits, World, case_new


def step(api, case_id: int, path: str, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = api.post(f"/cases/{case_id}/{path}", body or {})
    assert r.status_code == 200, (path, r.status_code, r.content.decode())
    return r.json()


@pytest.mark.django_db
def test_a_wage_claim_goes_from_demand_to_closed_legal_aid(world: World, svc: ServiceUnits, api_as) -> None:
    demand = case_new(world, content="在工地干了三个月，老板拖欠工资两万元不给，想请律师讨薪。", citizen_name="孙农民")
    r = api_as(world.dispatcher).post(f"/cases/{demand.pk}/refer", {"kind": "legal_aid", "unit_id": svc.aid_centre.pk,
                                                                    "note": "农民工讨薪，转法律援助"})
    assert r.status_code == 200, r.content
    related = r.json()["related"]
    assert len(related) == 1 and related[0]["kind"] == "legal_aid" and related[0]["relation"] == "derived"
    aid_id = related[0]["id"]
    matter = Case.objects.get(pk=aid_id)
    assert matter.origin_id == demand.pk and matter.citizen_name == "孙农民" and matter.content == demand.content
    f = LegalAidFile.objects.get(case=matter)
    assert f.matter_type == "labour_pay" and f.green_channel  # the 绿色通道, without re-typing

    centre = api_as(svc.aid_leader)
    detail = centre.get(f"/cases/{aid_id}").json()
    assert detail["kind_label"] == "法律援助" and detail["state_label"] == "待审查"
    assert detail["file"]["exemption_article"] == "第42条第（三）项"
    assert detail["related"][0]["relation"] == "origin" and detail["related"][0]["id"] == demand.pk
    assert {a["action"] for a in detail["allowed_actions"]} >= {"aid_grant", "aid_refuse", "aid_docs_request"}
    step(centre, aid_id, "aid/documents-request", {"documents": ["劳务合同或工友证言", "欠条"]})
    step(centre, aid_id, "aid/documents-received", {"reason": "已提交"})
    step(centre, aid_id, "aid/grant", {"hardship": "exempt"})
    out = step(centre, aid_id, "aid/assign", {"lawyer_name": "周律师", "lawyer_org": "海港法律援助工作站"})
    assert out["state"] == "aid_serving" and out["file"]["lawyer_name"] == "周律师"
    out = step(api_as(svc.aid_handler), aid_id, "aid/close", {"outcome": "经仲裁调解，追回工资两万元。",
                                                              "amount_recovered": "20000.00"})
    assert out["state"] == "aid_closed" and out["file"]["amount_recovered"] == "20000.00"
    # The demand knows, and its page links to the matter.
    d = api_as(world.dispatcher).get(f"/cases/{demand.pk}").json()
    assert d["related"][0]["state_label"] == "已结案归档"
    events = api_as(world.dispatcher).get(f"/cases/{demand.pk}/events").json()
    assert any(e["action"] == "refer" for e in events)


@pytest.mark.django_db
def test_a_neighbour_dispute_goes_from_demand_to_a_closed_mediation(world: World, svc: ServiceUnits, api_as) -> None:
    demand = case_new(world, content="楼上邻居家漏水把我家天花板泡坏了，协商赔偿不成，希望调解。", citizen_name="钱女士")
    r = api_as(world.dispatcher).post(f"/cases/{demand.pk}/refer", {"kind": "mediation", "unit_id": svc.committee.pk})
    assert r.status_code == 200, r.content
    med_id = r.json()["related"][0]["id"]
    assert MediationFile.objects.get(case_id=med_id).dispute_type == "neighbour"
    committee = api_as(svc.mediator)
    r = committee.post(f"/cases/{med_id}/mediation/accept", {})
    assert r.status_code == 400 and "对方当事人" in r.json()["message"]
    step(committee, med_id, "mediation/accept", {"mediators": ["老杨"], "parties": [{"name": "楼上住户孙某", "role": "respondent"}]})
    at = (timezone.now() - timedelta(hours=2)).isoformat()
    step(committee, med_id, "mediation/sessions", {"at": at, "mode": "face_to_face", "record": "双方到场，同意由楼上住户赔偿。"})
    out = step(committee, med_id, "mediation/agreement", {"form": "written", "terms": "楼上住户赔偿维修费3000元，一周内付清。"})
    assert out["state"] == "med_agreed" and "人民调解协议书" in out["file"]["agreement_text"]
    assert any(m["kind"] == "confirm" for m in out["milestones"])
    step(committee, med_id, "mediation/performance", {"performance": "performed"})
    step(committee, med_id, "mediation/confirmation", {"reason": "双方已向法院申请司法确认"})
    out = step(api_as(svc.med_leader), med_id, "mediation/close", {})
    assert out["state"] == "med_closed"


@pytest.mark.django_db
def test_open_directly_and_refuse_bad_input(world: World, svc: ServiceUnits, api_as) -> None:
    centre = api_as(svc.aid_handler)
    r = centre.post("/legal-aid", {"unit_id": svc.aid_centre.pk, "applicant_name": "王五", "matter_type": "maintenance",
                                   "facts": "请求给付赡养费。"})
    assert r.status_code == 201 and r.json()["number"].startswith("FY")
    for body in ({"unit_id": svc.aid_centre.pk, "applicant_name": "王五", "matter_type": "x", "facts": "a"},
                 {"unit_id": 10**20, "applicant_name": "王五", "matter_type": "maintenance", "facts": "a"},
                 {"unit_id": svc.aid_centre.pk, "applicant_name": "王\x00五", "matter_type": "maintenance", "facts": "a"}):
        r = centre.post("/legal-aid", body)
        assert r.status_code == 400, (body, r.status_code)
    r = api_as(svc.mediator).post("/mediations", {"unit_id": svc.committee.pk, "dispute_type": "family", "facts": "离婚财产纠纷",
                                                  "parties": [{"name": "甲"}, {"name": "乙", "role": "respondent"}]})
    assert r.status_code == 201 and r.json()["kind"] == "mediation"
    # A demand cannot be referred to a kind that does not exist, nor a matter referred again.
    demand = case_new(world)
    assert api_as(world.dispatcher).post(f"/cases/{demand.pk}/refer", {"kind": "notary", "unit_id": svc.committee.pk}).status_code == 400
    assert centre.post(f"/cases/{r.json()['id']}/refer", {"kind": "legal_aid", "unit_id": svc.aid_centre.pk}).status_code in (400, 404, 409)
    cat = centre.get("/services/catalogue").json()
    assert cat["legal_aid"]["exemptions"]["migrant_workers"]["green_channel"] is True
