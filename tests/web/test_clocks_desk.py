"""Clocks on every page (queue rows, desk cards, case header, home tiles), the compact desk with
duplicates to merge and return reasons, and the case page's actions offered only when they apply."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import LinkKind, State, Urgency
from banshi.cases.models import Case
from banshi.orgs.models import Person
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db


def client_for(person: Person) -> Client:
    c = Client()
    c.force_login(person)
    return c


def handling(world: World, **kw: object) -> Case:
    case = case_new(world, **kw)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    return life.case_sign(case.pk, actor=world.handler)


def _due(case: Case, hours: float, *, overdue: bool = False) -> None:
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() + timedelta(hours=hours), overdue=overdue)


# -- queue and home ------------------------------------------------------------------------------

def test_queue_rows_tell_the_time_left_and_how_long_overdue(world: World) -> None:
    green, amber, red = handling(world), handling(world), handling(world)
    _due(green, 24 * 3 + 2.5)
    _due(amber, 5.5)
    _due(red, -(24 * 2 + 3.5), overdue=True)
    body = client_for(world.handler).get("/queue/", {"sort": "due"}).content.decode()
    assert re.search(r'class="tl tl-green"[^>]*>.*?剩余3天2小时', body)
    assert re.search(r'class="tl tl-amber"[^>]*>.*?剩余5小时', body)
    assert re.search(r'class="tl tl-red"[^>]*>.*?已超时2天3小时', body)
    assert body.count('class="row-overdue') == 1


def test_the_to_dispatch_queue_puts_urgent_cases_first(world: World) -> None:
    normal, urgent = case_new(world), case_new(world)
    _due(normal, 1)
    Case.objects.filter(pk=urgent.pk).update(urgency=Urgency.EMERGENCY)
    resp = client_for(world.dispatcher).get("/queue/", {"queue": "to_dispatch"})
    assert [c.pk for c in resp.context["page"].object_list] == [urgent.pk, normal.pk]
    assert resp.context["filters"].sort == "urgent"
    assert '<option value="urgent" selected>' in resp.content.decode()


def _queue_queries(c: Client, params: dict[str, str], bound: int, assert_max: object) -> None:
    with assert_max(bound):  # type: ignore[operator]
        assert c.get("/queue/", params).status_code == 200


def test_queue_query_counts_do_not_grow_with_cases(world: World, django_assert_max_num_queries: object) -> None:
    c = client_for(world.dispatcher)
    for n in (3, 30):
        while Case.objects.count() < n:
            case = case_new(world)
            if Case.objects.count() % 5 == 0:
                Case.objects.filter(pk=case.pk).update(urgency=Urgency.URGENT)
        _queue_queries(c, {"queue": "to_dispatch"}, 12, django_assert_max_num_queries)  # urgent first: two id reads
        _queue_queries(c, {"sort": "due"}, 12, django_assert_max_num_queries)


def test_home_clock_tiles_are_traffic_lights(world: World) -> None:
    late, soon = handling(world), handling(world)
    _due(late, -30, overdue=True)
    _due(soon, 3)
    body = client_for(world.handler).get("/").content.decode()
    assert re.search(r'class="tile tile-clock tile-overdue light-red has"', body)
    assert re.search(r'class="tile tile-clock tile-due_soon light-amber has"', body)
    assert "已过办理时限" in body and "24小时内到期" in body
    Case.objects.update(overdue=False, next_due_at=timezone.now() + timedelta(days=5))
    body = client_for(world.handler).get("/").content.decode()
    assert "tile-overdue light-green" in body and "没有超时的诉求" in body


# -- the case page -------------------------------------------------------------------------------

def test_case_header_shows_its_clock(world: World) -> None:
    case = handling(world)
    body = client_for(world.handler).get(f"/cases/{case.pk}/").content.decode()
    header = body.split('id="case-clock"', 1)[1].split("</p>", 1)[0]
    assert "tl-green" in header and "按期 · 剩余" in header and "到期" in header


def test_case_page_offers_only_what_applies_and_picks_the_period(world: World) -> None:
    case = handling(world)
    c = client_for(world.handler)
    resp = c.get(f"/cases/{case.pk}/")
    actions = {a["rule"].action for a in resp.context["actions"]}
    assert "extend_request" in actions and "documents_received" not in actions
    body = resp.content.decode()
    picker = body.split('id="extend_request-period"', 1)[1].split("</select>", 1)[0]
    assert '<option value="5d">5日</option>' in picker and '<option value="10wd">10个工作日</option>' in picker
    assert '<option value="1m">1个月</option>' in picker
    resp = c.post(f"/cases/{case.pk}/act/extend_request", {"period": "10wd", "reason": "需调取监控"})
    assert resp.status_code == 302
    resp = c.get(f"/cases/{case.pk}/")
    assert "extend_request" not in {a["rule"].action for a in resp.context["actions"]}
    assert "已有待审批的延期申请" in resp.content.decode()  # said next to the actions
    assert "10个工作日" in resp.content.decode()
    # The reply goes up: the request lapses and says so.
    c.post(f"/cases/{case.pk}/act/reply_submit", {"text": "已处理"})
    body = client_for(world.leader).get(f"/cases/{case.pk}/").content.decode()
    assert "（已失效）" in body and "该申请不再审批" in body


# -- the dispatch desk ---------------------------------------------------------------------------

def _desk_world(world: World, n: int) -> dict[str, Case]:
    made: dict[str, Case] = {}
    for i in range(n):
        case = case_new(world, content=f"第{i}号诉求：楼下商铺夜间施工噪音扰民，请尽快处理。")
        Case.objects.filter(pk=case.pk).update(
            triage={"agency": "police", "category": "police.noise", "category_name": "噪声扰民", "confidence": 0.72,
                    "reason": "噪声扰民（公安机关）：夜间施工", "unit_id": world.station.pk},
            next_due_at=timezone.now() + timedelta(hours=48 - i))
        made[f"c{i}"] = case
    Case.objects.filter(pk=made[f"c{n - 1}"].pk).update(urgency=Urgency.EMERGENCY, next_due_at=None)
    Case.objects.filter(pk=made[f"c{n - 2}"].pk).update(urgency=Urgency.URGENT)
    return made


def test_desk_cards_urgent_first_with_clock_suggestion_duplicates_and_return_reason(world: World) -> None:
    made = _desk_world(world, 6)
    life.case_link(made["c1"].pk, actor=None, other_id=made["c0"].pk, kind=LinkKind.DUPLICATE, score=0.91)
    life.case_dispatch(made["c2"].pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_return(made["c2"].pk, actor=world.leader, reason="施工噪音应由城管执法处理")
    for i in range(4):  # the actions above recomputed their clocks: set them again
        Case.objects.filter(pk=made[f"c{i}"].pk).update(next_due_at=timezone.now() + timedelta(hours=48 - i))
    c = client_for(world.dispatcher)
    body = c.get("/desk/").content.decode()
    order = [int(x) for x in re.findall(r'<article class="desk-row[^"]*" id="desk-(\d+)"', body)]
    assert order[:2] == [made["c5"].pk, made["c4"].pk]  # 特急, 紧急
    assert order[2:] == [made["c3"].pk, made["c2"].pk, made["c1"].pk, made["c0"].pk]  # then by deadline
    card = body.split(f'id="desk-{made["c1"].pk}"', 1)[1].split("</article>", 1)[0]
    assert "公安" in card and "噪声扰民" in card and "把握72%" in card and "夜间施工" in card
    assert "police" not in card.replace("police_", "")  # no codes
    assert "tl-green" in card and "剩余" in card
    assert f'<option value="{world.station.pk}" selected>文化路派出所</option>' in card
    assert f'name="into_id" value="{made["c0"].pk}"' in card and f"合并至{made['c0'].number}" in card
    returned = body.split(f'id="desk-{made["c2"].pk}"', 1)[1].split("</article>", 1)[0]
    assert "退回理由" in returned and "施工噪音应由城管执法处理" in returned and "文化路派出所" in returned
    # The merge button runs the real action.
    resp = c.post(f"/cases/{made['c1'].pk}/act/merge", {"into_id": str(made["c0"].pk), "next": "/desk/"})
    assert resp.status_code == 302 and resp["Location"] == "/desk/"
    assert Case.objects.get(pk=made["c1"].pk).state == State.MERGED


def test_desk_query_count_does_not_grow_with_cards(world: World, django_assert_max_num_queries: object) -> None:
    c = client_for(world.dispatcher)
    for n in (4, 40):
        made = _desk_world(world, n - Case.objects.count()) if Case.objects.count() < n else {}
        for a, b in zip(list(made.values()), list(made.values())[1:], strict=False):
            life.case_link(b.pk, actor=None, other_id=a.pk, kind=LinkKind.DUPLICATE, score=0.8)
        with django_assert_max_num_queries(14):  # type: ignore[operator]
            assert c.get("/desk/").status_code == 200
