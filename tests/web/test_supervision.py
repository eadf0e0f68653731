"""The committee's 督办 board (/supervision/): its sections, the 20-row cap, the one shared
督办/升级 form (supervisors only), scoping, escaping, and a query count that does not grow with rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import State
from banshi.cases.models import Case, CaseEvent, Supervision
from tests.factories import World, case_new
from tests.web.test_views import client_for, handling

pytestmark = pytest.mark.django_db



def returned(world: World, **kw: object) -> Case:
    case = case_new(world, **kw)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    return life.case_return(case.pk, actor=world.leader, reason="不属于本所辖区")


def overdue(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(overdue=True)  # test set-up: as after the sweep's breach
    return case


def section(body: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    m = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', body, re.S)
    assert m, heading_id
    return m.group(0)


def board(world: World) -> dict[str, Case]:
    now = timezone.now()
    cases = {
        "notice": handling(world, title="督办中的诉求"),
        "lapsed": handling(world, title="督办逾期的诉求"),
        "unsupervised": overdue(handling(world, title="超时未督办的诉求")),
        "returned": returned(world, title="被退回的诉求"),
        "urgent": handling(world, title="紧急的诉求", urgency="urgent"),
    }
    life.case_supervise(cases["notice"].pk, actor=world.supervisor, note="请本周内反馈进展",
                        due_at=now + timedelta(days=3))
    life.case_supervise(cases["lapsed"].pk, actor=world.supervisor, note="请两日内答复", due_at=now + timedelta(days=2))
    Supervision.objects.filter(case=cases["lapsed"]).update(due_at=now - timedelta(hours=5))  # its deadline passed
    life.case_comment(cases["notice"].pk, actor=world.handler, text="已约群众周五现场查看")
    return cases


def test_each_section_lists_its_cases(world: World) -> None:
    cases = board(world)
    body = client_for(world.supervisor).get("/supervision/").content.decode()
    notices = section(body, "h-notices")
    assert cases["notice"].number in notices and cases["lapsed"].number in notices
    assert "一般督办" in notices and "请本周内反馈进展" in notices
    assert "已约群众周五现场查看" in notices  # the last comment on the case
    lapsed = section(body, "h-lapsed")
    assert cases["lapsed"].number in lapsed and "已逾期" in lapsed
    assert cases["unsupervised"].number in lapsed  # overdue, no notice yet: 待升级
    assert cases["notice"].number not in lapsed
    assert cases["unsupervised"].number in section(body, "h-overdue")
    ret = section(body, "h-returned")
    assert cases["returned"].number in ret and cases["notice"].number not in ret
    urgent = section(body, "h-urgent")
    assert cases["urgent"].number in urgent and cases["notice"].number not in urgent
    for link in ("/queue/?queue=supervised", "/queue/?queue=overdue", "/queue/?state=returned"):
        assert f'href="{link}"' in body


def test_lists_are_capped_at_twenty_newest_first(world: World) -> None:
    t0 = timezone.now() - timedelta(days=30)
    made = [returned(world, title=f"退单{i}", received_at=t0 + timedelta(hours=i)) for i in range(23)]
    body = client_for(world.supervisor).get("/supervision/").content.decode()
    ret = section(body, "h-returned")
    shown = re.findall(r'href="/cases/(\d+)/"', ret)
    assert len(shown) == 20
    assert [int(x) for x in shown] == [c.pk for c in reversed(made)][:20]  # newest first
    assert "仅显示前 20 件" in ret


def test_only_supervisors_get_the_shared_form(world: World) -> None:
    cases = board(world)
    sup = client_for(world.supervisor).get("/supervision/").content.decode()
    # One form for the whole board (besides the sign-out form), not one per row.
    assert sup.count("<form") == 2 and 'id="sup-form"' in sup
    assert f'data-case="{cases["notice"].pk}" data-do="escalate"' in sup
    assert f'data-case="{cases["unsupervised"].pk}" data-do="supervise"' in sup
    disp = client_for(world.dispatcher).get("/supervision/")
    assert disp.status_code == 200
    text = disp.content.decode()
    assert cases["notice"].number in text  # the lists, read-only
    assert 'id="sup-form"' not in text and "sup-pick" not in text and text.count("<form") == 1


def test_supervisor_escalates_through_the_shared_form(world: World) -> None:
    cases = board(world)
    c = client_for(world.supervisor)
    pk = cases["notice"].pk
    resp = c.post("/supervision/", {"case": str(pk), "do": "escalate", "text": "一周未见进展，升级督办"})
    assert resp.status_code == 302 and resp["Location"] == "/supervision/"
    assert Supervision.objects.get(case_id=pk).level == 2
    ev = CaseEvent.objects.get(case_id=pk, action="escalate")
    assert ev.actor_id == world.supervisor.pk and ev.reason == "一周未见进展，升级督办"
    body = c.get("/supervision/").content.decode()
    assert "重点督办" in section(body, "h-notices") and "升级督办" in body
    # A new notice through the same form, by case number.
    new = cases["unsupervised"]
    resp = c.post("/supervision/", {"case": new.number, "do": "supervise", "text": "请说明超时原因",
                                    "due_at": "2099-01-01T12:00"})
    assert resp.status_code == 302
    assert Supervision.objects.get(case=new).note == "请说明超时原因"


def test_the_form_refuses_in_chinese_and_keeps_the_input(world: World) -> None:
    cases = board(world)
    c = client_for(world.supervisor)
    pk = cases["notice"].pk
    Supervision.objects.filter(case_id=pk).update(level=3)
    resp = c.post("/supervision/", {"case": str(pk), "do": "escalate", "text": "再升级"})
    assert resp.status_code == 409
    body = resp.content.decode()
    assert "不能再升级" in body and 'role="alert"' in body and ">再升级</textarea>" in body
    assert c.post("/supervision/", {"case": str(pk), "do": "", "text": "x"}).status_code == 400
    assert c.post("/supervision/", {"case": "", "do": "escalate", "text": "x"}).status_code == 400
    assert c.post("/supervision/", {"case": str(pk), "do": "escalate", "text": " "}).status_code == 400


def test_non_supervisors_are_refused_and_other_regions_not_found(world: World) -> None:
    cases = board(world)
    pk = cases["notice"].pk
    resp = client_for(world.dispatcher).post("/supervision/", {"case": str(pk), "do": "escalate", "text": "升级"})
    assert resp.status_code == 403
    resp = client_for(world.dispatcher).post(f"/cases/{pk}/act/escalate", {"reason": "升级"})
    assert resp.status_code == 403
    other = client_for(world.other_supervisor)
    assert other.post("/supervision/", {"case": str(pk), "do": "escalate", "text": "升级"}).status_code == 404
    assert other.post(f"/cases/{pk}/act/escalate", {"reason": "升级"}).status_code == 404
    assert Supervision.objects.get(case_id=pk).level == 1
    # Nor does the other region's supervisor see any of these cases on their board.
    body = other.get("/supervision/").content.decode()
    assert not any(c.number in body for c in cases.values())


def test_a_row_link_preselects_the_case_without_script(world: World) -> None:
    cases = board(world)
    pk = cases["unsupervised"].pk
    body = client_for(world.supervisor).get(f"/supervision/?case={pk}&do=supervise").content.decode()
    assert f'<option value="{pk}" selected>' in body
    assert 'value="supervise" id="sup-do-supervise" required checked' in body


def test_case_page_escalates_and_hides_the_action_at_the_top_level(world: World) -> None:
    case = handling(world)
    c = client_for(world.supervisor)
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-escalate"' in page
    resp = c.post(f"/cases/{case.pk}/act/escalate", {"reason": "直接重点督办"})
    assert resp.status_code == 302
    assert Supervision.objects.get(case=case).level == 2
    c.post(f"/cases/{case.pk}/act/escalate", {"reason": "挂牌督办"})
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert "挂牌督办" in page and 'id="action-escalate"' not in page
    resp = c.post(f"/cases/{case.pk}/act/escalate", {"reason": "再升级"})
    assert resp.status_code == 409 and "不能再升级" in resp.content.decode()
    assert 'id="action-escalate"' not in client_for(world.handler).get(f"/cases/{case.pk}/").content.decode()


def test_html_in_cases_and_notes_is_escaped(world: World) -> None:
    case = overdue(handling(world, title="<b>标题</b>", content="<script>alert(1)</script>"))
    life.case_supervise(case.pk, actor=world.supervisor, note="<img src=x onerror=alert(2)>")
    life.case_comment(case.pk, actor=world.handler, text="<i>备注</i>")
    body = client_for(world.supervisor).get("/supervision/").content.decode()
    assert "&lt;b&gt;标题&lt;/b&gt;" in body and "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "&lt;i&gt;备注&lt;/i&gt;" in body
    assert "<img src=x" not in body and "<b>标题" not in body and "<i>备注" not in body


def _board_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/supervision/").status_code == 200
    return len(ctx.captured_queries)


def _fill(world: World, n: int) -> None:
    for i in range(n):
        case = handling(world, title=f"诉求{i}", urgency="urgent" if i % 2 else "normal")
        if i % 3 == 0:
            life.case_supervise(case.pk, actor=world.supervisor, note=f"督办{i}", due_at=timezone.now() + timedelta(days=1))
            Supervision.objects.filter(case=case).update(due_at=timezone.now() - timedelta(hours=1))
            life.case_comment(case.pk, actor=world.handler, text=f"备注{i}")
        overdue(case)
        if i % 4 == 0:
            returned(world, title=f"退单{i}")


@pytest.mark.parametrize("who", ["supervisor", "dispatcher"])
def test_query_count_does_not_grow_with_rows(world: World, who: str) -> None:
    c = client_for(getattr(world, who))
    _fill(world, 3)
    small = _board_queries(c)
    _fill(world, 30)
    assert Case.objects.filter(overdue=True).count() == 33
    large = _board_queries(c)
    assert large == small, (small, large)
    assert large <= 16


def test_closed_cases_and_answered_notices_are_not_on_the_board(world: World) -> None:
    case = handling(world, title="已答复的诉求")
    life.case_supervise(case.pk, actor=world.supervisor, note="请反馈")
    answered = handling(world, title="已反馈的督办")
    life.case_supervise(answered.pk, actor=world.supervisor, note="请反馈")
    life.case_supervise_answer(answered.pk, actor=world.handler, text="已处理")
    Case.objects.filter(pk=case.pk).update(state=State.REPLIED)  # test set-up
    body = section(client_for(world.supervisor).get("/supervision/").content.decode(), "h-notices")
    assert case.number not in body and answered.number not in body
