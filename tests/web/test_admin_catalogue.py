"""Routing-catalogue administration (/manage/catalogue/): admins only, validated in Chinese, every
write audited, and the next triage suggestion uses the edited catalogue (the cached model is reset)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from banshi.core.models import AuditLog
from banshi.sla.models import Policy
from banshi.triage.integration import catalogue_model_reset, triage_text
from banshi.triage.models import CatalogueItem
from tests.factories import World, case_new
from tests.web.test_views import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/catalogue/"
UNIQUE_WORD = "蓝鲸巡河队"  # in no default item's name, examples or keywords
UNIQUE_TEXT = f"想找{UNIQUE_WORD}反映情况"


@pytest.fixture(autouse=True)
def _fresh_catalogue_model() -> Iterator[None]:
    """The triage model is cached per process: never let one test's catalogue leak into another."""
    catalogue_model_reset()
    yield
    catalogue_model_reset()


def _form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "无人机扰民", "agency": "committee", "category": "综合治理", "policy_code": "12345",
        "unit_kinds": ["committee"], "keywords": "无人机，航拍\n噪音", "examples": "小区上空每天有无人机盘旋拍摄\n\n无人机在楼顶飞来飞去",
        "department": "区委政法委", "notes": "", "is_active": "on",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(item: CatalogueItem, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "item_id": item.pk, "name": item.name, "agency": item.agency, "category": item.category,
        "policy_code": item.policy_code, "unit_kinds": list(item.unit_kinds), "keywords": "\n".join(item.keywords),
        "examples": "\n".join(item.examples), "department": item.department, "notes": item.notes,
        "is_active": "on" if item.is_active else None,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot() -> list[tuple[Any, ...]]:
    return list(CatalogueItem.objects.order_by("pk").values_list(
        "code", "name", "agency", "category", "policy_code", "unit_kinds", "examples", "keywords", "department",
        "notes", "is_active"))


def _catalogue_audits() -> int:
    return AuditLog.objects.filter(object_type="catalogue_item").count()


# -- access ------------------------------------------------------------------------------------------

def test_catalogue_is_for_admins_only(world: World) -> None:
    assert client_for(world.admin).get(URL).status_code == 200
    before = _snapshot()
    item = CatalogueItem.objects.get(code="court.filing")
    for who in (world.operator, world.dispatcher, world.handler, world.leader, world.supervisor):
        c = client_for(who)
        assert c.get(URL).status_code == 403
        assert c.post(URL, _form()).status_code == 403
        assert c.post(URL, _edit_form(item, name="改名")).status_code == 403
        assert c.post(URL, {"op": "toggle", "item_id": item.pk, "active": "0"}).status_code == 403
    assert _snapshot() == before and _catalogue_audits() == 0


def test_anonymous_is_sent_to_login(db: None) -> None:
    from django.test import Client

    resp = Client().get(URL)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_admin_home_and_nav_link_the_page(world: World) -> None:
    body = client_for(world.admin).get("/").content.decode()
    assert f'href="{URL}"' in body and "事项目录" in body


# -- list --------------------------------------------------------------------------------------------

def test_list_is_grouped_by_agency_in_chinese(world: World) -> None:
    body = client_for(world.admin).get(URL).content.decode()
    assert "<h1>事项目录" in body
    for text in ("申请执行与执行难", "court.enforcement", "信访事项", "人民法院", "司法行政", "派出所", "启用", "修改", "停用"):
        assert text in body, text
    assert body.index("政法委（") < body.index("法院（") < body.index("司法行政（")  # Agency order, one group each
    n = CatalogueItem.objects.count()
    assert f"显示 {n} 项，共 {n} 项" in body
    # justice.mediation prefers people's mediation committees, then justice offices (Chinese labels)
    pk = CatalogueItem.objects.get(code="justice.mediation").pk
    row = body[body.index(f'id="cat-row-{pk}"'):]
    assert "人民调解委员会、司法所" in row[:row.index("</tr>")]


def test_list_filter_by_keyword_name_or_code(world: World) -> None:
    c = client_for(world.admin)
    body = c.get(URL, {"q": "强制执行"}).content.decode()  # a keyword of court.enforcement
    assert "court.enforcement" in body and "court.filing" not in body and "justice.mediation" not in body
    body = c.get(URL, {"q": "JUSTICE.MEDIATION"}).content.decode()
    assert "justice.mediation" in body and "court.enforcement" not in body
    body = c.get(URL, {"q": "没有这样的事项"}).content.decode()
    assert "没有符合条件的事项。" in body


def test_edit_form_is_prefilled(world: World) -> None:
    item = CatalogueItem.objects.get(code="court.enforcement")
    body = client_for(world.admin).get(URL, {"edit": item.pk}).content.decode()
    assert "修改：申请执行与执行难" in body and f'name="item_id" value="{item.pk}"' in body
    assert "强制执行\n申请执行" in body and item.examples[0] in body
    assert 'value="court" checked' in body and 'value="court" selected' in body
    assert 'value="xinfang" selected' in body


def test_query_count_is_bounded(world: World, django_assert_max_num_queries: Any) -> None:
    c = client_for(world.admin)
    c.get(URL)  # session warm-up
    CatalogueItem.objects.bulk_create(
        CatalogueItem(code=f"other.extra_{i}", name=f"额外事项{i}", agency="other", keywords=[f"词{i}"])
        for i in range(40))
    edit = CatalogueItem.objects.get(code="police.fraud").pk
    for params in ({}, {"q": "诈骗"}, {"edit": edit}):
        with django_assert_max_num_queries(6):
            assert c.get(URL, params).status_code == 200


def test_html_in_a_name_is_escaped(world: World) -> None:
    c = client_for(world.admin)
    assert c.post(URL, _form(name="<script>alert(1)</script>", code="committee.xss")).status_code == 302
    body = c.get(URL).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    item = CatalogueItem.objects.get(code="committee.xss")
    body = c.get(URL, {"edit": item.pk}).content.decode()
    assert "<script>alert(1)" not in body


# -- create / edit -----------------------------------------------------------------------------------

def test_create_persists_and_is_audited(world: World) -> None:
    c = client_for(world.admin)
    resp = c.post(URL, _form())
    assert resp.status_code == 302 and resp["Location"] == URL
    item = CatalogueItem.objects.get(name="无人机扰民")
    assert item.code == "committee.custom_1"  # generated: agency + counter
    assert item.keywords == ["无人机", "航拍", "噪音"]
    assert item.examples == ["小区上空每天有无人机盘旋拍摄", "无人机在楼顶飞来飞去"]
    assert (item.agency, item.category, item.policy_code, item.unit_kinds, item.department, item.is_active) == (
        "committee", "综合治理", "12345", ["committee"], "区委政法委", True)
    log = AuditLog.objects.get(action="catalogue_item_create")
    assert log.actor_id == world.admin.pk and log.object_id == str(item.pk)
    assert log.data["code"] == "committee.custom_1"
    assert "事项已保存" in c.get(URL).content.decode()

    assert c.post(URL, _form(name="第二个")).status_code == 302
    assert CatalogueItem.objects.get(name="第二个").code == "committee.custom_2"
    assert c.post(URL, _form(name="自定编码", code=" Committee.Drone-Noise ")).status_code == 302
    assert CatalogueItem.objects.get(name="自定编码").code == "committee.drone-noise"
    assert AuditLog.objects.filter(action="catalogue_item_create").count() == 3


def test_edit_persists_and_is_audited(world: World) -> None:
    item = CatalogueItem.objects.get(code="court.filing")
    others = [row for row in _snapshot() if row[0] != "court.filing"]
    c = client_for(world.admin)
    resp = c.post(URL, _edit_form(item, name="立案与起诉（含网上立案）", code="court.renamed",
                                  keywords="\n".join([*item.keywords, "诉讼费"]), policy_code="12345",
                                  unit_kinds=[]))
    assert resp.status_code == 302
    after = CatalogueItem.objects.get(pk=item.pk)
    assert after.code == "court.filing"  # a code never changes
    assert after.name == "立案与起诉（含网上立案）" and after.keywords[-1] == "诉讼费"
    assert after.policy_code == "12345" and after.unit_kinds == [] and after.examples == item.examples
    log = AuditLog.objects.get(action="catalogue_item_update")
    assert log.actor_id == world.admin.pk and log.object_id == str(item.pk)
    assert log.data["changed"] == ["keywords", "name", "policy_code", "unit_kinds"]
    assert log.data["before"]["policy_code"] == "xinfang" and log.data["after"]["name"] == after.name
    assert [row for row in _snapshot() if row[0] != "court.filing"] == others


def test_unchanged_default_items_save_cleanly(world: World) -> None:
    """Every shipped item passes the page's own validation (e.g. its unit kinds fit its agency)."""
    c = client_for(world.admin)
    before = _snapshot()
    for item in CatalogueItem.objects.all():
        assert c.post(URL, _edit_form(item)).status_code == 302, item.code
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agency": "army"}, "条线不正确：army"),
        ({"agency": ""}, "请选择条线。"),
        ({"policy_code": "nope"}, "时限规则不存在：nope"),
        ({"policy_code": ""}, "时限规则不存在：—"),
        ({"unit_kinds": ["committee", "tank_regiment"]}, "优先承办单位类型不正确：tank_regiment"),
        ({"unit_kinds": ["police_station"]}, "优先承办单位类型“派出所”不属于所选条线。"),
        ({"name": "   "}, "事项名称不能为空。"),
        ({"name": "长" * 81}, "事项名称不能超过80字。"),
        ({"code": "court.filing"}, "事项编码已存在：court.filing"),
        ({"code": "非法 编码"}, "事项编码只能包含小写字母、数字、点、下划线和连字符"),
        ({"keywords": " \n ，", "examples": "\n  \n"}, "关键词和示例至少填写一项"),
        ({"keywords": None, "examples": None}, "关键词和示例至少填写一项"),
    ],
)
def test_create_validation(world: World, changes: dict[str, Any], message: str) -> None:
    before = _snapshot()
    resp = client_for(world.admin).post(URL, _form(**changes))
    assert resp.status_code == 400
    body = resp.content.decode()
    assert message in body and 'role="alert"' in body
    assert _snapshot() == before and _catalogue_audits() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agency": "army"}, "条线不正确：army"),
        ({"policy_code": "nope"}, "时限规则不存在：nope"),
        ({"unit_kinds": ["tank_regiment"]}, "优先承办单位类型不正确：tank_regiment"),
        ({"name": ""}, "事项名称不能为空。"),
        ({"keywords": "", "examples": ""}, "关键词和示例至少填写一项"),
        ({"item_id": "999999"}, "事项不存在。"),
        ({"item_id": "abc"}, "编号不正确。"),
    ],
)
def test_edit_validation(world: World, changes: dict[str, Any], message: str) -> None:
    item = CatalogueItem.objects.get(code="court.filing")
    before = _snapshot()
    resp = client_for(world.admin).post(URL, _edit_form(item, **changes))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert _snapshot() == before and _catalogue_audits() == 0


def test_error_keeps_what_was_typed(world: World) -> None:
    resp = client_for(world.admin).post(URL, _form(policy_code="nope", keywords="航拍扰民"))
    body = resp.content.decode()
    assert resp.status_code == 400 and 'value="无人机扰民"' in body and ">航拍扰民</textarea>" in body
    assert 'value="committee" checked' in body


def test_inactive_policy_is_refused(world: World) -> None:
    Policy.objects.filter(code="notary").update(is_active=False)
    resp = client_for(world.admin).post(URL, _form(policy_code="notary"))
    assert resp.status_code == 400 and "时限规则已停用：公证" in resp.content.decode()
    assert _catalogue_audits() == 0


def test_policy_the_classifier_does_not_know_is_refused(world: World) -> None:
    """A policy row outside triage/catalogue.py's POLICIES would break every later suggestion."""
    Policy.objects.create(code="custom", name="自定义规则", source="测试", milestones=[])
    resp = client_for(world.admin).post(URL, _form(policy_code="custom"))
    assert resp.status_code == 400 and "不能用于事项目录" in resp.content.decode()
    assert "自定义规则" not in client_for(world.admin).get(URL).content.decode()  # not offered either


# -- deactivation --------------------------------------------------------------------------------------

def test_deactivate_and_reactivate(world: World) -> None:
    item = CatalogueItem.objects.get(code="court.enforcement")
    n = CatalogueItem.objects.count()
    c = client_for(world.admin)
    text = "法院判决已经生效两年了，被执行人一直不还钱，申请强制执行没有进展"
    assert triage_text(text)["category"] == "court.enforcement"

    assert c.post(URL, {"op": "toggle", "item_id": item.pk, "active": "0"}).status_code == 302
    item.refresh_from_db()
    assert item.is_active is False and CatalogueItem.objects.count() == n  # kept, not deleted
    assert AuditLog.objects.filter(action="catalogue_item_deactivate", object_id=str(item.pk),
                                   actor=world.admin).exists()
    assert triage_text(text)["category"] != "court.enforcement"
    assert 'class="inactive"' in c.get(URL).content.decode()

    assert c.post(URL, {"op": "toggle", "item_id": item.pk, "active": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.is_active is True
    assert AuditLog.objects.filter(action="catalogue_item_activate", object_id=str(item.pk)).exists()
    assert triage_text(text)["category"] == "court.enforcement"


def test_deactivate_through_the_edit_form(world: World) -> None:
    item = CatalogueItem.objects.get(code="court.filing")
    assert client_for(world.admin).post(URL, _edit_form(item, is_active=None)).status_code == 302
    item.refresh_from_db()
    assert item.is_active is False
    assert AuditLog.objects.get(action="catalogue_item_update").data["changed"] == ["is_active"]


def test_last_active_item_cannot_be_deactivated(world: World) -> None:
    """With no active row triage would silently fall back to the shipped default catalogue."""
    last = CatalogueItem.objects.get(code="court.filing")
    CatalogueItem.objects.exclude(pk=last.pk).update(is_active=False)
    c = client_for(world.admin)
    resp = c.post(URL, {"op": "toggle", "item_id": last.pk, "active": "0"})
    assert resp.status_code == 400 and "至少要保留一个启用的事项。" in resp.content.decode()
    resp = c.post(URL, _edit_form(last, is_active=None))
    assert resp.status_code == 400 and "至少要保留一个启用的事项。" in resp.content.decode()
    last.refresh_from_db()
    assert last.is_active and _catalogue_audits() == 0


def test_missing_or_malformed_item_id(world: World) -> None:
    resp = client_for(world.admin).post(URL, {"op": "toggle", "item_id": "999999", "active": "0"})
    assert resp.status_code == 400 and "事项不存在。" in resp.content.decode()
    assert client_for(world.admin).get(URL, {"edit": "abc"}).status_code == 400
    assert client_for(world.admin).get(URL, {"edit": "999999"}).status_code == 200  # shows the new-item form


# -- the edit reaches triage ------------------------------------------------------------------------------

def test_edit_changes_the_next_triage_suggestion(world: World) -> None:
    """Through the real triage integration: warm the per-process model, edit on the page, and the very
    next suggestion uses the edited catalogue. A direct row change (no reset) shows the cache is real."""
    case = case_new(world, content=UNIQUE_TEXT)  # warms the cached model; a case registered before the edit
    stored = dict(case.triage)
    target = CatalogueItem.objects.get(code="justice.mediation")
    assert triage_text(UNIQUE_TEXT)["category"] != target.code

    # Control: a write that bypasses the admin function does not reach the cached model.
    filing = CatalogueItem.objects.filter(code="court.filing")
    kept = filing.get().keywords
    filing.update(keywords=[*kept, UNIQUE_WORD])
    assert triage_text(UNIQUE_TEXT)["category"] != "court.filing"
    filing.update(keywords=kept)

    resp = client_for(world.admin).post(URL, _edit_form(
        target, keywords="\n".join([*target.keywords, UNIQUE_WORD])))
    assert resp.status_code == 302
    s = triage_text(UNIQUE_TEXT, world.district.path)
    assert s["category"] == target.code and UNIQUE_WORD in s["reason"]
    assert s["unit_id"] == world.justice_office.pk  # preferred kinds: mediation committee, then 司法所

    case.refresh_from_db()
    assert case.triage == stored  # registered cases are not touched


def test_new_item_is_suggested_with_its_preferred_unit(world: World) -> None:
    triage_text("warm up")
    resp = client_for(world.admin).post(URL, _form(
        name="巡河志愿服务", agency="police", unit_kinds=["police_branch"], keywords=UNIQUE_WORD, examples=""))
    assert resp.status_code == 302
    s = triage_text(UNIQUE_TEXT, world.district.path)
    assert s["category"] == "police.custom_1" and s["unit_id"] == world.police.pk


def test_example_added_on_the_page_routes_a_new_case(world: World) -> None:
    """The intake path (case_register → triage) picks the edit up too."""
    text = "河道里的蓝色鲸鱼雕塑被人推倒了请处理"
    assert case_new(world, content=text).triage["category"] != "police.fraud"
    fraud = CatalogueItem.objects.get(code="police.fraud")
    resp = client_for(world.admin).post(URL, _edit_form(
        fraud, examples="\n".join([*fraud.examples, text]), keywords="\n".join([*fraud.keywords, "鲸鱼雕塑"])))
    assert resp.status_code == 302
    after = case_new(world, content=text, citizen_phone="13900009999")
    assert after.triage["category"] == "police.fraud" and after.triage["agency"] == "police"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_admins_deactivating_the_last_two_items_one_wins(round_: int) -> None:
    """Concurrent deactivations queue on the active rows' locks: the catalogue never ends empty."""
    from banshi.core.errors import Conflict
    from banshi.triage.domain import catalogue_item_set_active
    from banshi.triage.models import CatalogueItem
    from tests.cases.test_concurrency import _race
    from tests.factories import world_build

    world = world_build()
    CatalogueItem.objects.update(is_active=False)  # a transactional test may start with or without the rows
    a, b = (CatalogueItem.objects.create(code=f"other.race_{i}", name=f"并发{i}", agency="other",
                                         keywords=[f"并发{i}"]).pk for i in (1, 2))
    results = _race(lambda: catalogue_item_set_active(actor=world.admin, item_id=a, active=False),
                    lambda: catalogue_item_set_active(actor=world.admin, item_id=b, active=False))
    assert sum(isinstance(r, CatalogueItem) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert CatalogueItem.objects.filter(is_active=True).count() == 1
