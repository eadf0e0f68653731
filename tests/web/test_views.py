"""The staff workbench through Django's test client: sign-in, queues, case page, actions, scoping."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import State
from banshi.cases.models import Case, CaseEvent
from banshi.core.models import AuditLog
from banshi.orgs.models import Person
from tests.factories import PASSWORD, World, case_new

pytestmark = pytest.mark.django_db


def client_for(person: Person) -> Client:
    c = Client()
    c.force_login(person)
    return c


def dispatched(world: World, **kw: object) -> Case:
    case = case_new(world, **kw)
    return life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)


def handling(world: World, **kw: object) -> Case:
    case = dispatched(world, **kw)
    return life.case_sign(case.pk, actor=world.handler)


# -- sign-in -------------------------------------------------------------------------------------

def test_login_success_redirects_home_with_queue_counts(world: World) -> None:
    dispatched(world)
    c = Client()
    resp = c.post("/login/", {"username": "handler", "password": PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == "/"
    home = c.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert 'data-queue="to_sign"' in body and "待签收" in body
    assert home.context["queues"][0] == ("to_sign", "待签收", 1)


def test_login_locks_after_five_failures(world: World) -> None:
    c = Client()
    for _ in range(5):
        resp = c.post("/login/", {"username": "handler", "password": "wrong-password"})
        assert resp.status_code == 403
        assert "用户名或密码不正确" in resp.content.decode()
    resp = c.post("/login/", {"username": "handler", "password": PASSWORD})
    assert resp.status_code == 429
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in c.session


def test_pages_require_login(world: World) -> None:
    resp = Client().get("/queue/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_logout_is_post_only(world: World) -> None:
    c = client_for(world.handler)
    assert c.get("/logout/").status_code == 405
    assert c.post("/logout/").status_code == 302
    assert c.get("/").status_code == 302


def test_pages_carry_strict_csp(world: World) -> None:
    resp = client_for(world.handler).get("/")
    assert "script-src 'self'" in resp["Content-Security-Policy"]
    assert "<script>" not in resp.content.decode()
    assert 'style="' not in resp.content.decode()


# -- queues --------------------------------------------------------------------------------------

def test_queue_filters_by_type_and_search(world: World) -> None:
    case_new(world, type="complaint", content="噪音扰民投诉")
    case_new(world, type="help", content="寻找走失老人")
    c = client_for(world.dispatcher)
    resp = c.get("/queue/", {"type": "complaint"})
    assert [x.content for x in resp.context["page"].object_list] == ["噪音扰民投诉"]
    resp = c.get("/queue/", {"q": "走失"})
    assert [x.content for x in resp.context["page"].object_list] == ["寻找走失老人"]
    resp = c.get("/queue/", {"queue": "to_dispatch"})
    assert resp.context["page"].paginator.count == 2


def test_queue_bad_filter_is_a_400_in_chinese(world: World) -> None:
    resp = client_for(world.dispatcher).get("/queue/", {"type": "nope"})
    assert resp.status_code == 400
    assert "类型不正确" in resp.content.decode()


def test_handler_queue_hides_other_units_cases(world: World) -> None:
    mine = dispatched(world)
    other = case_new(world)
    life.case_dispatch(other.pk, actor=world.dispatcher, unit_id=world.court.pk)
    resp = client_for(world.handler).get("/queue/")
    assert [c.pk for c in resp.context["page"].object_list] == [mine.pk]


def test_queue_export_xlsx(world: World) -> None:
    case_new(world, type="complaint", content="噪音扰民投诉")
    case_new(world, type="help", content="寻找走失老人")
    resp = client_for(world.dispatcher).get("/queue/export.xlsx", {"type": "complaint"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert rows[1][2] == "投诉" and rows[1][4] == "噪音扰民投诉"
    assert "13812345678" not in str(rows)  # no personal data in exports
    assert AuditLog.objects.filter(action="case_export", actor_id=world.dispatcher.pk).exists()


def test_bulk_sign_goes_through_domain_and_reports_failures(world: World) -> None:
    a, b = dispatched(world), dispatched(world)
    foreign = case_new(world)
    life.case_dispatch(foreign.pk, actor=world.dispatcher, unit_id=world.court.pk)
    c = client_for(world.handler)
    resp = c.post("/queue/bulk", {"action": "sign", "ids": [a.pk, b.pk, foreign.pk], "next": "/queue/"}, follow=True)
    assert resp.status_code == 200
    assert Case.objects.get(pk=a.pk).state == State.HANDLING
    assert Case.objects.get(pk=b.pk).state == State.HANDLING
    assert Case.objects.get(pk=foreign.pk).state == State.DISPATCHED
    assert CaseEvent.objects.filter(action="sign").count() == 2
    msgs = [str(m) for m in resp.context["messages"]]
    assert "已处理2件。" in msgs
    assert any("不存在或无权查看" in m for m in msgs)


def test_bulk_dispatch(world: World) -> None:
    a, b = case_new(world), case_new(world)
    c = client_for(world.dispatcher)
    c.post("/queue/bulk", {"action": "dispatch", "ids": [a.pk, b.pk], "unit_id": world.station.pk})
    assert set(Case.objects.values_list("state", flat=True)) == {State.DISPATCHED}
    assert set(Case.objects.values_list("lead_unit_id", flat=True)) == {world.station.pk}


def _queue_queries(client: Client, django_assert_max_num_queries: object, n: int) -> None:
    with django_assert_max_num_queries(n):  # type: ignore[operator]
        resp = client.get("/queue/", {"sort": "due"})
    assert resp.status_code == 200


def test_queue_query_count_does_not_grow_with_cases(world: World, django_assert_max_num_queries: object) -> None:
    for _ in range(30):
        dispatched(world)
    c = client_for(world.leader)
    _queue_queries(c, django_assert_max_num_queries, 12)
    for _ in range(30):
        dispatched(world)
    _queue_queries(c, django_assert_max_num_queries, 12)
    assert c.get("/").status_code == 200


def test_home_query_count_bounded(world: World, django_assert_max_num_queries: object) -> None:
    dispatched(world)
    c = client_for(world.supervisor)
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert c.get("/").status_code == 200


# -- the case page -------------------------------------------------------------------------------

def test_case_page_shows_timeline_clocks_and_masked_citizen(world: World) -> None:
    case = handling(world)
    resp = client_for(world.handler).get(f"/cases/{case.pk}/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "138****5678" in body and "13812345678" not in body
    assert "签收" in body and "派单" in body  # timeline labels
    assert "办结答复" in body  # a milestone clock
    actions = [a["rule"].action for a in resp.context["actions"]]
    assert "reply_submit" in actions and "sign" not in actions and "dispatch" not in actions


def test_case_page_marks_provisional_deadlines(world: World) -> None:
    from banshi.sla.models import Milestone

    case = handling(world)
    Milestone.objects.filter(case=case).update(provisional=True)
    body = client_for(world.handler).get(f"/cases/{case.pk}/").content.decode()
    assert "临时日历" in body


def test_reveal_is_logged_and_shows_full_phone(world: World) -> None:
    case = handling(world)
    resp = client_for(world.handler).post(f"/cases/{case.pk}/reveal", {"purpose": "联系群众"})
    assert resp.status_code == 200
    assert "13812345678" in resp.content.decode()
    log = AuditLog.objects.get(action="personal_data_view")
    assert log.actor_id == world.handler.pk and log.object_id == str(case.pk)


def test_reveal_forbidden_for_dispatcher(world: World) -> None:
    case = case_new(world)
    resp = client_for(world.dispatcher).post(f"/cases/{case.pk}/reveal")
    assert resp.status_code == 403
    assert "13812345678" not in resp.content.decode()
    assert not AuditLog.objects.filter(action="personal_data_view").exists()


def test_case_page_query_count_bounded(world: World, django_assert_max_num_queries: object) -> None:
    case = handling(world)
    c = client_for(world.leader)
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        c.get(f"/cases/{case.pk}/")
    for i in range(10):
        life.case_comment(case.pk, actor=world.handler, text=f"备注{i}")
        life.case_progress_reply(case.pk, actor=world.handler, text=f"进展{i}")
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        resp = c.get(f"/cases/{case.pk}/")
    assert resp.status_code == 200


# -- actions and scoping -------------------------------------------------------------------------

def test_other_units_handler_gets_404_on_case_and_action(world: World) -> None:
    case = dispatched(world)
    c = client_for(world.other_handler)
    assert c.get(f"/cases/{case.pk}/").status_code == 404
    resp = c.post(f"/cases/{case.pk}/act/sign")
    assert resp.status_code == 404
    assert "不存在或无权查看" in resp.content.decode()
    c2 = client_for(world.handler2)  # same police branch, sibling station
    assert c2.get(f"/cases/{case.pk}/").status_code == 404
    assert c2.post(f"/cases/{case.pk}/act/sign").status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED


def test_forbidden_action_is_403_and_changes_nothing(world: World) -> None:
    case = handling(world)
    version = Case.objects.get(pk=case.pk).version
    # A handler may not approve an extension (leader's decision), even by posting directly.
    resp = client_for(world.handler).post(f"/cases/{case.pk}/act/reply_approve", {"note": ""})
    assert resp.status_code == 409  # wrong state for the action: conflict
    resp = client_for(world.handler).post(f"/cases/{case.pk}/act/extend_approve", {"note": ""})
    assert resp.status_code == 403
    assert "无权" in resp.content.decode()
    after = Case.objects.get(pk=case.pk)
    assert after.version == version and after.state == State.HANDLING


def test_wrong_state_action_is_409(world: World) -> None:
    case = handling(world)
    resp = client_for(world.dispatcher).post(f"/cases/{case.pk}/act/dispatch", {"unit_id": world.court.pk})
    assert resp.status_code == 409
    assert Case.objects.get(pk=case.pk).lead_unit_id == world.station.pk


def test_unknown_action_is_400(world: World) -> None:
    case = handling(world)
    resp = client_for(world.handler).post(f"/cases/{case.pk}/act/explode")
    assert resp.status_code == 400


def test_reason_required_shows_chinese_error(world: World) -> None:
    case = handling(world)
    resp = client_for(world.handler).post(f"/cases/{case.pk}/act/extend_request", {"period": "5d", "reason": ""})
    assert resp.status_code == 400
    assert "必须填写理由" in resp.content.decode()


def test_action_post_runs_domain_function(world: World) -> None:
    case = dispatched(world)
    resp = client_for(world.handler).post(f"/cases/{case.pk}/act/sign")
    assert resp.status_code == 302
    after = Case.objects.get(pk=case.pk)
    assert after.state == State.HANDLING and after.handler_id == world.handler.pk


def test_admin_sees_no_cases(world: World) -> None:
    case = case_new(world)
    c = client_for(world.admin)
    assert c.get(f"/cases/{case.pk}/").status_code == 403
    assert c.get("/queue/").status_code == 403
    assert c.get("/").status_code == 200


# -- intake, desk, supervision -------------------------------------------------------------------

def test_intake_registers_case(world: World) -> None:
    c = client_for(world.operator)
    assert 'autofocus' in c.get("/intake/").content.decode()
    resp = c.post("/intake/", {"type": "help", "channel": "hotline_12345", "content": "楼道堆放杂物",
                               "citizen_phone": "13900001111", "region": world.district.code, "urgency": "normal"})
    case = Case.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{case.pk}/"
    assert case.intake_unit_id == world.committee.pk and case.created_by_id == world.operator.pk


def test_intake_invalid_phone_is_400(world: World) -> None:
    resp = client_for(world.operator).post("/intake/", {"type": "help", "channel": "hotline_12345", "content": "x",
                                                        "citizen_phone": "12", "region": world.district.code})
    assert resp.status_code == 400
    assert "电话号码格式不正确" in resp.content.decode()
    assert not Case.objects.exists()


def test_desk_accepts_suggestion(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(triage={"unit_id": world.station.pk, "agency": "police", "confidence": 0.7})
    c = client_for(world.dispatcher)
    body = c.get("/desk/").content.decode()
    assert "采纳建议：文化路派出所" in body
    # The forms post to the real action URLs, and every unit in scope is offered (names escaped).
    for action in ("dispatch", "mark_urgent", "merge"):
        assert f'action="/cases/{case.pk}/act/{action}"' in body
    assert f'<a href="/cases/{case.pk}/">{case.number}</a>' in body
    assert f'<option value="{world.station.pk}" selected>文化路派出所</option>' in body  # the suggestion preselected
    assert f'<option value="{world.court.pk}">海港区人民法院</option>' in body
    resp = c.post(f"/cases/{case.pk}/act/dispatch", {"unit_id": world.station.pk, "next": "/desk/"})
    assert resp.status_code == 302 and resp["Location"] == "/desk/"
    assert Case.objects.get(pk=case.pk).lead_unit_id == world.station.pk


def test_supervision_notice_with_deadline(world: World) -> None:
    case = handling(world)
    c = client_for(world.supervisor)
    assert c.get("/supervision/").status_code == 200
    resp = c.post(f"/cases/{case.pk}/act/supervise", {"note": "请加快办理", "due_at": "2099-01-01T12:00"})
    assert resp.status_code == 302
    body = c.get("/supervision/").content.decode()
    assert "请加快办理" in body
    assert "2099-01-01 12:00" in body


def test_content_html_is_escaped(world: World) -> None:
    case = case_new(world, content="<script>alert(1)</script><b>x</b>")
    body = client_for(world.dispatcher).get(f"/cases/{case.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in body
    assert "<script>alert(1)" not in body


def test_queue_pages_stop_at_the_list_cap(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from banshi.web import views

    monkeypatch.setattr(views, "WEB_LIST_CAP", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(7):
        case_new(world)
    c = client_for(world.dispatcher)
    resp = c.get("/queue/", {"page": "200"})
    assert resp.status_code == 200
    page = resp.context["page"]
    assert page.paginator.count == 4 and page.number == 2  # beyond the cap: the last page shown
    body = resp.content.decode()
    assert "4+件" in body and "只显示按当前排序的前 4 件" in body
    newest = list(Case.objects.order_by("-received_at", "-id").values_list("pk", flat=True))
    assert [x.pk for x in page.object_list] == newest[2:4]


def test_handler_home_counts_only_its_queues_and_looks_up_once(world: World,
                                                               django_assert_max_num_queries: object) -> None:
    for _ in range(3):
        handling(world)
    c = client_for(world.handler)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        resp = c.get("/")
    assert resp.status_code == 200
    assert [q for q, _label, _n in resp.context["queues"]] == ["to_sign", "handling", "due_soon", "overdue",
                                                              "supervised"]
    assert dict((q, n) for q, _label, n in resp.context["queues"])["handling"] == 3


def test_timeline_names_the_sweeps_events_in_chinese(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from banshi.cases.sweep import sla_sweep

    case = handling(world)
    sla_sweep(now=timezone.now() + timedelta(days=400))  # far past every deadline: warning and breach
    body = client_for(world.handler).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="sla_breach">已超时<' in body
    assert ">sla_breach<" not in body and ">sla_warning<" not in body


@pytest.mark.parametrize("path, data", [
    ("/queue/", {"unit": "²"}),
    ("/supervision/", {"case": "²"}),
    ("/supervision/", {"case": "1" * 30}),
])
def test_unicode_or_huge_digits_in_an_id_are_not_a_server_error(world: World, path: str, data: dict) -> None:
    resp = client_for(world.supervisor).get(path, data)
    assert resp.status_code in (200, 400)


def test_unicode_digits_in_posted_ids_are_refused_cleanly(world: World) -> None:
    case = handling(world)
    c = client_for(world.supervisor)
    resp = c.post("/supervision/", {"case": "²", "do": "escalate", "text": "加快"})
    assert resp.status_code in (400, 404)
    resp = client_for(world.dispatcher).post("/queue/bulk", {"action": "dispatch", "ids": ["²", str(case.pk)],
                                                             "unit_id": "٣"})
    assert resp.status_code == 302  # back to the list with a message; nothing dispatched
    assert client_for(world.admin).get("/manage/catalogue/", {"edit": "²"}).status_code == 400


def test_queue_export_survives_control_characters_and_defuses_formulas(world: World) -> None:
    """Issue 14, findings 1 and 9: one citizen's text must neither break the export nor run in Excel."""
    from django.db import connection

    bad = case_new(world, type="complaint")
    evil = case_new(world, type="complaint")
    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL at all
    Case.objects.filter(pk=bad.pk).update(title=f"噪音\x01扰民{nul}\x1f投诉", content="x\x01y")
    Case.objects.filter(pk=evil.pk).update(title='\t=HYPERLINK("http://evil.example","点我")')
    resp = client_for(world.dispatcher).get("/queue/export.xlsx", {"type": "complaint"})
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.content)).active
    cells = {row[0].value: row[4] for row in ws.iter_rows(min_row=2)}
    assert cells[bad.number].value == "噪音扰民投诉"
    assert cells[evil.number].data_type == "s"
    assert cells[evil.number].value == '\'\t=HYPERLINK("http://evil.example","点我")'
