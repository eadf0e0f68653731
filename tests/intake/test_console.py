from __future__ import annotations

from django.test import Client

from banshi.intake.console import caller_history, emergency_prompt, knowledge_search
from banshi.intake.models import KnowledgeEntry
from tests.factories import PASSWORD, World, case_new


def test_caller_history_by_phone_within_scope(world: World, client: Client) -> None:
    mine = case_new(world, citizen_phone="13812345678")
    case_new(world, citizen_phone="13900000000")
    rows = caller_history(world.operator, "+86 138 1234 5678")
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["citizen_name"] == "张三"  # an operator may see it
    assert caller_history(world.other_handler, "13812345678") == []  # another district's unit
    assert caller_history(world.dispatcher, "13812345678")[0]["citizen_name"] == "张*"

    assert client.get("/console/api/caller?phone=13812345678").status_code == 401
    client.login(username="operator", password=PASSWORD)
    r = client.get("/console/api/caller?phone=13812345678")
    assert r.status_code == 200 and r.json()["cases"][0]["number"] == mine.number
    assert client.get("/console/api/caller?phone=abc").status_code == 400


def test_knowledge_search(world: World, client: Client) -> None:
    KnowledgeEntry.objects.create(title="农民工欠薪法律援助", keywords="欠薪 工资 绿色通道",
                                  answer="农民工追索劳动报酬申请法律援助，不受经济困难条件限制……")
    KnowledgeEntry.objects.create(title="如何办理公证", keywords="公证 最多跑一次", answer="携带身份证到公证处……")
    KnowledgeEntry.objects.create(title="停用条目", keywords="欠薪", answer="x", is_active=False)
    assert [e["title"] for e in knowledge_search("欠薪")] == ["农民工欠薪法律援助"]
    assert [e["title"] for e in knowledge_search("辦理 公證")] == ["如何办理公证"]  # traditional input
    assert knowledge_search("  ") == []
    client.login(username="operator", password=PASSWORD)
    assert client.get("/console/api/knowledge?q=公证").json()["entries"][0]["title"] == "如何办理公证"


def test_emergency_prompt(world: World, client: Client) -> None:
    assert [t["number"] for t in emergency_prompt("楼下着火了，有人昏迷")] == ["119", "120"]
    assert emergency_prompt("路灯坏了") == []
    client.login(username="operator", password=PASSWORD)
    body = client.get("/console/api/emergency?text=有人持刀").json()
    assert body["prompt"][0]["number"] == "110" and len(body["transfers"]) >= 4
