"""The hotline / window console, field intake (补录) and the knowledge base pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import State
from banshi.cases.models import Case, CaseLink, Reply
from banshi.core.models import AuditLog
from banshi.intake.models import KnowledgeEntry
from banshi.orgs.models import Grid
from tests.factories import World, case_new
from tests.web.test_views import client_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


def _post(world: World, path: str = "/intake/", **fields: object) -> tuple[Client, object]:
    c = client_for(world.operator)
    data: dict[str, object] = {"type": "consultation", "channel": "hotline_12345", "content": "请问怎么办理公证？",
                               "citizen_phone": PHONE, "citizen_name": "张三", "region": world.district.code,
                               "urgency": "normal"}
    data.update(fields)
    return c, c.post(path, data, follow=True)


def _messages(resp: object) -> list[str]:
    return [str(m) for m in resp.context["messages"]]  # type: ignore[attr-defined]


# -- the console page -------------------------------------------------------------------------------

def test_console_page_is_keyboard_ready_and_wires_the_panels(world: World) -> None:
    resp = client_for(world.operator).get("/intake/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'id="id_content"' in body and "autofocus" in body
    for key in ('accesskey="c"', 'accesskey="p"', 'accesskey="s"', 'accesskey="a"', "Alt+S", "Ctrl+Enter"):
        assert key in body
    assert 'hx-get="/intake/panel/caller"' in body and 'hx-target="#caller-history"' in body
    assert 'hx-get="/intake/panel/knowledge"' in body and 'hx-get="/intake/panel/emergency"' in body
    assert 'data-submit="intake-answer"' in body
    assert "<script>" not in body and 'style="' not in body
    # Hotline channels here; field channels on their own page.
    channels = [k for k, _v in resp.context["channels"]]
    assert "hotline_12345" in channels and "field_visit" not in channels and "import" not in channels


@pytest.mark.parametrize("path", ["/intake/", "/intake/field/"])
def test_console_pages_query_count_is_bounded(world: World, path: str, django_assert_max_num_queries: object) -> None:
    c = client_for(world.operator)
    c.get(path)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert c.get(path).status_code == 200


def test_admin_may_not_use_the_console_or_its_panels(world: World) -> None:
    c = client_for(world.admin)
    assert c.get("/intake/").status_code == 403
    assert c.get("/intake/panel/caller", {"citizen_phone": PHONE}).status_code == 403


def test_panels_need_sign_in_and_say_so_in_place(world: World) -> None:
    case_new(world, citizen_phone=PHONE)
    resp = Client().get("/intake/panel/caller", {"citizen_phone": PHONE})
    assert resp.status_code == 401 and "登录已过期" in resp.content.decode()
    assert "138" not in resp.content.decode()
    assert Client().get("/intake/").status_code == 302


# -- caller history -----------------------------------------------------------------------------------

def test_caller_panel_lists_earlier_demands_masked_and_pre_ticks_recent(world: World) -> None:
    recent = case_new(world, citizen_phone=PHONE, content="我的手机号13812345678，小区噪音扰民。")
    old = case_new(world, citizen_phone=PHONE, received_at=timezone.now() - timedelta(days=60))
    case_new(world, citizen_phone="13900000000")
    resp = client_for(world.dispatcher).get("/intake/panel/caller", {"citizen_phone": "138 1234 5678"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "138****5678" in body and PHONE not in body  # masked number, in the header and the titles
    assert str(recent.number) in body and str(old.number) in body
    assert "张*" in body  # a dispatcher sees names masked
    rows = resp.context["caller"]["rows"]
    assert [(r["id"], r["checked"]) for r in rows] == [(recent.pk, True), (old.pk, False)]
    assert 'form="intake-form"' in body


def test_caller_panel_is_scoped_to_what_the_person_may_see(world: World) -> None:
    mine = life.case_dispatch(case_new(world, citizen_phone=PHONE).pk, actor=world.dispatcher, unit_id=world.station.pk)
    theirs = life.case_dispatch(case_new(world, citizen_phone=PHONE).pk, actor=world.dispatcher,
                                unit_id=world.station2.pk)
    body = client_for(world.handler).get("/intake/panel/caller", {"citizen_phone": PHONE}).content.decode()
    assert str(mine.number) in body and str(theirs.number) not in body
    other = client_for(world.other_handler).get("/intake/panel/caller", {"citizen_phone": PHONE})
    assert other.status_code == 200
    assert str(mine.number) not in other.content.decode() and str(theirs.number) not in other.content.decode()
    assert other.context["caller"]["rows"] == []


def test_caller_panel_incomplete_number_is_a_hint_not_an_error(world: World) -> None:
    resp = client_for(world.operator).get("/intake/panel/caller", {"citizen_phone": "1381"})
    assert resp.status_code == 200 and "号码尚未输完整" in resp.content.decode()


def test_caller_panel_query_count_is_bounded(world: World, django_assert_max_num_queries: object) -> None:
    for _ in range(12):
        case_new(world, citizen_phone=PHONE)
    c = client_for(world.operator)
    c.get("/intake/panel/caller", {"citizen_phone": PHONE})
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        resp = c.get("/intake/panel/caller", {"citizen_phone": PHONE})
    assert len(resp.context["caller"]["rows"]) == 12


# -- knowledge base and emergency panels ----------------------------------------------------------------

@pytest.fixture
def notary(world: World) -> KnowledgeEntry:
    KnowledgeEntry.objects.create(title="停用条目", keywords="公证", answer="旧口径", is_active=False)
    return KnowledgeEntry.objects.create(title="如何办理公证", keywords="公证 最多跑一次",
                                         answer="携带身份证原件到公证处办理，当场受理。", source="《公证法》")


def test_knowledge_panel_suggests_entries_from_the_typed_sentence(world: World, notary: KnowledgeEntry,
                                                                   django_assert_max_num_queries: object) -> None:
    c = client_for(world.operator)
    c.get("/intake/panel/knowledge", {"content": "x"})
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        resp = c.get("/intake/panel/knowledge", {"content": "请问我想辦理公證，需要带什么？"})  # traditional too
    body = resp.content.decode()
    assert resp.status_code == 200
    assert [e["id"] for e in resp.context["entries"]] == [notary.pk]
    assert "携带身份证原件到公证处办理" in body and "旧口径" not in body
    assert 'class="kb-use"' in body and "当场答复" in body
    assert f'data-source="kb-answer-{notary.pk}"' in body


def test_knowledge_panel_keyword_search_box(world: World, notary: KnowledgeEntry) -> None:
    resp = client_for(world.operator).get("/intake/panel/knowledge", {"q": "公证", "content": "别的事"})
    assert [e["id"] for e in resp.context["entries"]] == [notary.pk]
    resp = client_for(world.operator).get("/intake/panel/knowledge", {"content": "路灯坏了"})
    assert resp.context["entries"] == [] and "没有匹配的口径" in resp.content.decode()


def test_emergency_banner_for_an_emergency(world: World, django_assert_max_num_queries: object) -> None:
    c = client_for(world.operator)
    c.get("/intake/panel/emergency", {"content": "x"})
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        resp = c.get("/intake/panel/emergency", {"content": "楼下有人持刀打人，还着火了"})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'role="alert"' in body
    assert "请立即转接" in body and "110" in body and "119" in body and "持刀" in body
    quiet = c.get("/intake/panel/emergency", {"content": "路灯坏了好几天"})
    assert quiet.status_code == 200 and quiet.content.decode().strip() == ""


# -- register, link, answer on the spot ---------------------------------------------------------------

def test_register_and_answer_a_consultation_in_one_go(world: World) -> None:
    _c, resp = _post(world, op="answer", answer="携带身份证原件到公证处办理。")
    case = Case.objects.get()
    assert resp.redirect_chain[-1][0] == f"/cases/{case.pk}/"  # type: ignore[attr-defined]
    assert case.state == State.REPLIED and case.type == "consultation"
    reply = Reply.objects.get(case=case)
    assert reply.text == "携带身份证原件到公证处办理。" and reply.kind == "on_spot"
    assert list(case.events.values_list("action", flat=True)) == ["register", "answer"]
    assert any("已当场答复" in m for m in _messages(resp))


def test_answer_refused_for_a_complaint_leaves_a_registered_case(world: World) -> None:
    _c, resp = _post(world, type="complaint", content="投诉某单位工作人员态度恶劣。", op="answer", answer="已记录。")
    case = Case.objects.get()
    assert resp.redirect_chain[-1][0] == f"/cases/{case.pk}/"  # type: ignore[attr-defined]
    assert case.state == State.REGISTERED  # registered and waiting for dispatch: the demand is not lost
    assert not Reply.objects.filter(case=case).exists()
    assert list(case.events.values_list("action", flat=True)) == ["register"]
    msgs = _messages(resp)
    assert any("诉求已登记，但未能当场答复" in m and "只有咨询类诉求可以当场答复" in m for m in msgs)


def test_plain_register_ignores_the_answer_box(world: World) -> None:
    _post(world, op="register", answer="草稿")
    case = Case.objects.get()
    assert case.state == State.REGISTERED and not Reply.objects.filter(case=case).exists()


def test_register_links_only_ticked_cases_the_operator_may_see(world: World) -> None:
    earlier = case_new(world, citizen_phone=PHONE)
    unticked = case_new(world, citizen_phone=PHONE)
    stranger = case_new(world, citizen_phone="13900000000")  # not this caller: a forged id is ignored
    _c, resp = _post(world, type="help", content="上次反映的噪音问题又出现了。",
                     link_ids=[str(earlier.pk), str(stranger.pk)])
    new = Case.objects.exclude(pk__in=[earlier.pk, unticked.pk, stranger.pk]).get()
    links = set(CaseLink.objects.filter(case=new).values_list("other_id", "kind"))
    assert links == {(earlier.pk, "same_caller")}
    assert CaseLink.objects.filter(case=earlier, other=new, kind="same_caller").exists()
    assert any("已关联同一来电人的1件诉求" in m for m in _messages(resp))


def test_repeated_submission_registers_once(world: World) -> None:
    _post(world, idempotency_key="web-test-1", op="answer", answer="口径")
    _c2, resp = _post(world, idempotency_key="web-test-1", op="answer", answer="口径")
    assert Case.objects.count() == 1 and Reply.objects.count() == 1
    assert any("重复提交" in m for m in _messages(resp))


def test_invalid_input_redisplays_the_form_with_the_caller_panel(world: World) -> None:
    earlier = case_new(world, citizen_phone=PHONE)
    c = client_for(world.operator)
    resp = c.post("/intake/", {"type": "help", "channel": "hotline_12345", "content": "", "citizen_phone": PHONE,
                               "region": world.district.code, "link_ids": [str(earlier.pk)]})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "诉求内容不能为空" in body
    assert str(earlier.number) in body  # the panel is rendered with the page, the tick kept
    assert resp.context["caller"]["rows"][0]["checked"] is True


# -- field intake (补录) -------------------------------------------------------------------------------

def test_field_page_offers_field_channels_and_a_time(world: World) -> None:
    resp = client_for(world.handler).get("/intake/field/")
    assert resp.status_code == 200
    assert [k for k, _v in resp.context["channels"]] == ["field_visit", "circuit", "grid"]
    body = resp.content.decode()
    assert 'type="datetime-local"' in body and 'name="received_at"' in body and 'id="id_address"' in body


def test_field_intake_back_entry_keeps_the_real_time_and_place(world: World) -> None:
    when = timezone.localtime(timezone.now() - timedelta(days=3), SHANGHAI).replace(second=0, microsecond=0)
    _c, resp = _post(world, "/intake/field/", type="help", channel="circuit", content="巡回立案现场反映邻里纠纷。",
                     received_at=when.strftime("%Y-%m-%dT%H:%M"), address="海港区文化路社区广场",
                     region=world.district.code)
    case = Case.objects.get()
    assert resp.status_code == 200 and resp.redirect_chain[-1][0] == f"/cases/{case.pk}/"  # type: ignore[attr-defined]
    assert case.channel == "circuit" and case.backdated is True
    assert case.received_at == when
    assert timezone.localtime(case.received_at, SHANGHAI).hour == when.hour
    assert case.address == "海港区文化路社区广场" and case.region_id == world.district.pk
    assert str(case.number).startswith(f"BS{when:%Y%m%d}")


def test_field_intake_on_a_grid(world: World) -> None:
    grid = Grid.objects.create(name="文化路第一网格", region=world.district)
    page = client_for(world.operator).get("/intake/field/")
    assert f'<option value="{grid.pk}">文化路第一网格</option>' in page.content.decode()
    when = timezone.localtime(timezone.now() - timedelta(hours=5), SHANGHAI)
    _post(world, "/intake/field/", type="help", channel="grid", content="网格员上报：楼道堆放杂物。",
          received_at=when.strftime("%Y-%m-%dT%H:%M"), grid=str(grid.pk))
    case = Case.objects.get()
    assert case.channel == "grid" and case.grid_id == grid.pk


def test_field_intake_rejects_a_future_time(world: World) -> None:
    later = timezone.localtime(timezone.now() + timedelta(hours=2), SHANGHAI)
    resp = client_for(world.operator).post("/intake/field/", {
        "type": "help", "channel": "field_visit", "content": "大走访收集的诉求。", "region": world.district.code,
        "received_at": later.strftime("%Y-%m-%dT%H:%M"), "urgency": "normal"})
    assert resp.status_code == 400
    assert "受理时间不能晚于当前时间" in resp.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(("raw", "message"), [("", "补录请填写实际受理时间"), ("昨天下午", "受理时间格式不正确"),
                                              ("2001-01-01T10:00", "受理时间过早")])
def test_field_intake_time_is_required_and_parsed(world: World, raw: str, message: str) -> None:
    resp = client_for(world.operator).post("/intake/field/", {
        "type": "help", "channel": "field_visit", "content": "摆桌子收集的诉求。", "region": world.district.code,
        "received_at": raw, "urgency": "normal"})
    assert resp.status_code == 400 and message in resp.content.decode()
    assert not Case.objects.exists()


def test_received_at_is_read_as_beijing_time() -> None:
    from banshi.web.console_views import received_at_parse

    value = received_at_parse("2025-03-01T09:30")
    assert value == datetime(2025, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert received_at_parse("") is None


# -- knowledge base administration ---------------------------------------------------------------------

def test_knowledge_admin_is_for_admins_only(world: World, notary: KnowledgeEntry) -> None:
    assert client_for(world.admin).get("/manage/knowledge/").status_code == 200
    for who in (world.operator, world.supervisor):
        c = client_for(who)
        assert c.get("/manage/knowledge/").status_code == 403
        assert c.post("/manage/knowledge/", {"title": "x", "answer": "y"}).status_code == 403
    assert KnowledgeEntry.objects.count() == 2
    assert not AuditLog.objects.filter(action__startswith="knowledge_").exists()


def test_knowledge_create_edit_toggle_are_audited(world: World) -> None:
    c = client_for(world.admin)
    resp = c.post("/manage/knowledge/", {"title": "如何申请法律援助", "answer": "到司法局法律援助中心申请。",
                                         "keywords": "法律援助，援助 律师", "agency": "justice", "is_active": "on"})
    assert resp.status_code == 302
    entry = KnowledgeEntry.objects.get()
    assert entry.keywords == "法律援助 援助 律师" and entry.is_active
    assert AuditLog.objects.filter(action="knowledge_create", object_id=str(entry.pk), actor=world.admin).exists()

    page = c.get(f"/manage/knowledge/?edit={entry.pk}")
    assert page.status_code == 200 and "到司法局法律援助中心申请。" in page.content.decode()
    resp = c.post(f"/manage/knowledge/?edit={entry.pk}", {
        "entry_id": entry.pk, "title": "如何申请法律援助", "answer": "携带身份证到法律援助中心申请。",
        "keywords": "法律援助", "agency": "justice", "is_active": "on"})
    assert resp.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "携带身份证到法律援助中心申请。"
    log = AuditLog.objects.get(action="knowledge_update")
    assert log.data["changed"] == ["answer", "keywords"]

    resp = c.post("/manage/knowledge/", {"op": "toggle", "entry_id": entry.pk, "active": "0"})
    assert resp.status_code == 302
    entry.refresh_from_db()
    assert entry.is_active is False
    assert AuditLog.objects.filter(action="knowledge_deactivate", object_id=str(entry.pk)).exists()


def test_knowledge_create_needs_title_and_answer(world: World) -> None:
    resp = client_for(world.admin).post("/manage/knowledge/", {"title": "空口径", "answer": "  "})
    assert resp.status_code == 400 and "答复口径不能为空" in resp.content.decode()
    assert not KnowledgeEntry.objects.exists() and not AuditLog.objects.filter(action="knowledge_create").exists()
