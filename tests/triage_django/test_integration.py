"""Triage inside the case platform: suggestion with the concrete unit, emergencies escalated,
confident demands dispatched automatically, the catalogue editable by administrators."""

from __future__ import annotations

import pytest

from banshi.cases.enums import State, Urgency
from banshi.notify.models import OutboxMessage
from banshi.triage.integration import catalogue_model_reset, triage_text
from banshi.triage.models import CatalogueItem
from tests.factories import World, case_new


@pytest.mark.parametrize(
    ("text", "agency", "unit_attr"),
    [
        ("我被人骗了，对方冒充客服让我转账两万元，电信诈骗怎么报警", "police", "police"),  # anti-fraud: branch level
        ("我家的户口本丢了，想补办户口本需要带什么材料", "police", "station"),
        ("法院判决已经生效两年了，被执行人一直不还钱，申请强制执行没有进展", "court", "court"),
        ("和邻居因为漏水的事情吵了很久，想请人民调解员帮忙调解", "justice", "justice_office"),
    ],
)
def test_suggestion_names_the_serving_unit(world: World, text: str, agency: str, unit_attr: str) -> None:
    s = triage_text(text, world.district.path)
    assert s["agency"] == agency
    if unit_attr == "station":
        assert s["unit_id"] in (world.station.pk, world.station2.pk)
    else:
        assert s["unit_id"] == getattr(world, unit_attr).pk
    assert s["reason"] and len(s["alternatives"]) == 3


def test_traditional_characters_route_the_same(world: World) -> None:
    s = triage_text("法院判決已經生效兩年了，被執行人一直不還錢，申請強制執行沒有進展", world.district.path)
    assert s["agency"] == "court"


def test_emergency_is_flagged_and_alerts_the_supervisors(world: World) -> None:
    case = case_new(world, content="我丈夫现在正拿着刀要砍我，孩子在哭，快来救命")
    assert case.urgency == Urgency.EMERGENCY
    assert case.triage["emergency"] and "110" in case.triage["transfer_to"]
    alert = OutboxMessage.objects.get(case=case, template="emergency")
    assert alert.recipient == f"unit:{world.committee.pk}"


def test_confident_demand_is_dispatched_automatically(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 0.3
    case = case_new(world, content="法院判决已经生效两年了，被执行人一直不还钱，申请强制执行没有进展")
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.lead_unit_id == world.court.pk
    assert list(case.events.values_list("action", "actor_role")) == [("register", "operator"), ("dispatch", "system")]


def test_unsure_demand_waits_for_a_dispatcher(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 0.999
    case = case_new(world, content="有个事情想问一下")
    assert case.state == State.REGISTERED


def test_edited_catalogue_changes_the_routing(world: World) -> None:
    CatalogueItem.objects.create(
        code="committee.drone_noise", name="无人机扰民", agency="committee", policy_code="12345",
        examples=["小区上空每天有无人机盘旋拍摄，噪音很大", "无人机在楼顶飞来飞去"], keywords=["无人机"],
        unit_kinds=["committee"],
    )
    catalogue_model_reset()
    s = triage_text("楼上天天放无人机，嗡嗡响", world.district.path)
    assert s["category"] == "committee.drone_noise" and s["unit_id"] == world.committee.pk


def test_repeat_demand_is_linked_as_duplicate(world: World) -> None:
    first = case_new(world, content="文化路12号小区门口的路灯坏了一个月了，晚上很黑，请尽快修理。")
    again = case_new(world, content="文化路12号小区门口路灯坏了快一个月，晚上太黑了，请尽快修。")
    other = case_new(world, content="我想咨询一下离婚诉讼需要准备哪些材料", citizen_phone="13900001111")
    assert not again.links.exists()  # linked by the worker after commit, not on the request
    from banshi.notify.worker import outbox_drain

    outbox_drain()
    outbox_drain()  # a second run (as after a crash) links nothing twice
    assert list(again.links.values_list("other_id", "kind")) == [(first.pk, "duplicate")]
    assert not other.links.exists()
    from banshi.cases.models import CaseEvent

    assert CaseEvent.objects.filter(action="link").count() == 1  # on whichever case the worker checked first


def test_hotspots_for_a_supervisor(world: World) -> None:
    from banshi.cases.links import hotspots_for

    for i in range(4):
        case_new(world, content=f"文化路菜市场门口占道经营严重，堵塞交通，第{i}次反映", citizen_phone=f"1390000{i:04d}")
    case_new(world, content="申请法律援助", citizen_phone="13911112222")
    spots = hotspots_for(world.supervisor)
    assert spots and spots[0]["count"] == 4
    assert hotspots_for(world.other_supervisor) == []


def test_hotspot_page_and_api(world: World, client, api_as) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        case_new(world, content=f"建设大街夜市烧烤油烟扰民，第{i}次", citizen_phone=f"1390001{i:04d}")
    client.force_login(world.supervisor)
    r = client.get("/hotspots/")
    assert r.status_code == 200 and "建设大街" in r.content.decode()
    body = api_as(world.supervisor).get("/hotspots", days=7).json()
    assert body[0]["count"] == 3


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我丈夫现在正拿着刀要砍我，孩子在哭，快来救命", "violence"),
        ("他拿着菜刀在楼道里追着人砍", "violence"),
        ("隔壁独居老人晕倒在地昏迷不醒，快叫救护车", "elderly"),
        ("我不想活了，准备今晚跳楼", "self_harm"),
        ("楼下饭店着火了，浓烟很大", "fire"),
        ("孩子在商场走失了，快帮忙找", "child"),
    ],
)
def test_emergencies_are_flagged(text: str, kind: str) -> None:
    from banshi.triage.emergency import detect

    assert detect(text)[0].kind == kind


@pytest.mark.parametrize("text", ["厨房刀具收纳建议", "建议社区定期看望独居老人，防止老人晕倒无人发现", "去年小区着火的赔偿至今没有到位"])
def test_non_emergencies_are_not(text: str) -> None:
    from banshi.triage.emergency import detect

    assert detect(text) == []
