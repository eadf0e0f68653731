"""Issue 15, item 6 (administration): a Chinese landing page at /manage/, paging and search on every
list, a people page whose query count does not grow with the number of people, a password reset by
an administrator (audited, shown once), and QR poster links on the service points."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banshi.cases.enums import Channel
from banshi.core.models import AuditLog
from banshi.intake.models import KnowledgeEntry, ServicePoint
from banshi.notify.models import MessageTemplate
from banshi.orgs.models import Person, Unit
from tests.factories import World
from tests.web.test_views import client_for

pytestmark = pytest.mark.django_db

SECTIONS = ["units", "people", "policies", "calendars", "templates", "service-points", "knowledge", "catalogue"]


def _people(world: World, n: int, *, prefix: str = "p") -> None:
    units = [world.station, world.station2, world.court, world.justice_office]
    password = make_password("long-enough-pw")
    Person.objects.bulk_create([
        Person(username=f"{prefix}{i:05d}", display_name=f"民警{i:05d}", role="handler", unit=units[i % len(units)],
               password=password) for i in range(n)])


# -- /manage/ ----------------------------------------------------------------------------------------

def test_manage_is_a_chinese_landing_page_listing_every_section(world: World) -> None:
    r = client_for(world.admin).get("/manage/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "<h1>系统管理</h1>" in body
    for section in SECTIONS:
        assert f'href="/manage/{section}/"' in body, section
    for title in ("单位", "人员与角色", "时限规则", "法定节假日日历", "答复模板", "服务点", "知识库", "事项目录"):
        assert title in body
    assert "Not Found" not in body


def test_manage_is_for_administrators_only(world: World) -> None:
    r = client_for(world.supervisor).get("/manage/")
    assert r.status_code == 403 and "只有系统管理员" in r.content.decode()
    from django.test import Client

    assert Client().get("/manage/").status_code == 302  # to sign-in


# -- paging and search ---------------------------------------------------------------------------------

def test_people_page_pages_50_and_searches(world: World) -> None:
    _people(world, 120)
    c = client_for(world.admin)
    body = c.get("/manage/people/").content.decode()
    assert len(re.findall(r'<tr id="person-\d+">', body)) == 50
    assert "第1页，共3页" in body and 'rel="next"' in body
    total = Person.objects.count()  # the world's people too
    body = c.get("/manage/people/", {"page": 3}).content.decode()
    assert len(re.findall(r'<tr id="person-\d+">', body)) == total - 100
    body = c.get("/manage/people/", {"q": "民警00042"}).content.decode()
    assert "p00042" in body and "p00043" not in body
    body = c.get("/manage/people/", {"q": "法院"}).content.decode()  # by unit name
    assert "court_handler" in body and "p00002" in body and "p00001" not in body
    body = c.get("/manage/people/", {"role": "supervisor"}).content.decode()
    assert len(re.findall(r'<tr id="person-\d+">', body)) == 2
    body = c.get("/manage/people/", {"q": "民警", "page": 2}).content.decode()
    assert 'href="?q=%E6%B0%91%E8%AD%A6&amp;page=3"' in body  # page links keep the search


def test_people_page_query_count_does_not_grow_with_people(world: World) -> None:
    c = client_for(world.admin)
    c.get("/manage/people/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert c.get("/manage/people/").status_code == 200
    _people(world, 300)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/manage/people/")
    assert r.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(r.content) < 120_000  # 50 plain rows, not 300 rows of forms with every unit
    with CaptureQueriesContext(connection) as last_page:
        c.get("/manage/people/", {"page": 7, "q": "民警"})
    assert len(last_page) == len(few)


def test_unit_service_point_template_and_knowledge_lists_page_and_search(world: World) -> None:
    Unit.objects.bulk_create([Unit(name=f"第{i:03d}调解委员会", kind="mediation", agency="justice", region=world.district,
                                   path=f"/x{i}/") for i in range(60)])
    ServicePoint.objects.bulk_create([ServicePoint(code=f"point-{i:03d}", name=f"便民服务站{i:03d}",
                                                   channel=Channel.WECHAT_QR, unit=world.committee) for i in range(55)])
    MessageTemplate.objects.bulk_create([MessageTemplate(code=f"t{i:03d}", name=f"模板{i:03d}", body="您好")
                                         for i in range(60)])
    KnowledgeEntry.objects.bulk_create([KnowledgeEntry(title=f"口径{i:03d}", answer="答复") for i in range(60)])
    c = client_for(world.admin)
    for url, needle, hit, miss in (
        ("/manage/units/", "第007调解委员会", "第007调解委员会", "第008调解委员会"),
        ("/manage/service-points/", "服务站012", "point-012", "point-013"),
        ("/manage/templates/", "模板033", "模板033", "模板034"),
        ("/manage/knowledge/", "口径044", "口径044", "口径045"),
    ):
        body = c.get(url).content.decode()
        assert 'rel="next"' in body and "第1页，共2页" in body, url
        rows = c.get(url, {"q": needle}).content.decode().split("<h2>新建")[0]  # the list, not the forms
        assert hit in rows and miss not in rows, url
        assert c.get(url, {"page": 2}).status_code == 200
    body = c.get("/manage/units/", {"kind": "court"}).content.decode()
    assert "海港区人民法院" in body and "调解委员会" not in body.split("<tbody>")[1].split("</tbody>")[0]
    body = c.get("/manage/policies/", {"q": "信访"}).content.decode()
    assert 'id="policy-xinfang"' in body and 'id="policy-12345"' not in body
    body = c.get("/manage/catalogue/", {"q": "强制执行"}).content.decode()
    assert "court.enforcement" in body and "共 1 条" in body


# -- password reset --------------------------------------------------------------------------------------

def test_password_reset_shows_a_temporary_password_once_and_is_audited(world: World) -> None:
    handler = world.handler
    handler.set_password("old-password-1")
    handler.failed_logins = 3
    handler.save()
    c = client_for(world.admin)
    body = c.get("/manage/people/", {"edit": handler.pk}).content.decode()
    assert 'id="password-reset"' in body and "重置密码" in body
    r = c.post("/manage/people/", {"op": "reset", "person_id": handler.pk})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    body = r.content.decode()
    temporary = re.search(r'id="temporary-password-value"><strong>([^<]+)</strong>', body)
    assert temporary is not None and "只显示这一次" in body
    password = temporary.group(1)
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", password)
    handler.refresh_from_db()
    assert handler.check_password(password) and not handler.check_password("old-password-1")
    assert handler.failed_logins == 0 and handler.locked_until is None
    log = AuditLog.objects.get(action="person_password_reset")
    assert log.actor_id == world.admin.pk and log.object_id == str(handler.pk)
    assert password not in str(log.data)  # the log never holds the password
    assert password not in c.get("/manage/people/").content.decode()  # shown once

    # The person signs in with it.
    from django.test import Client

    r = Client().post("/login/", {"username": handler.username, "password": password})
    assert r.status_code == 302


def test_password_reset_refuses_self_and_non_admins(world: World) -> None:
    r = client_for(world.admin).post("/manage/people/", {"op": "reset", "person_id": world.admin.pk})
    assert r.status_code == 400 and "不能重置自己的密码" in r.content.decode()
    r = client_for(world.supervisor).post("/manage/people/", {"op": "reset", "person_id": world.handler.pk})
    assert r.status_code == 403
    assert not AuditLog.objects.filter(action="person_password_reset").exists()


def test_person_edit_form_updates_role_unit_and_status(world: World) -> None:
    c = client_for(world.admin)
    r = c.post("/manage/people/", {"op": "update", "person_id": world.handler2.pk, "role": "leader",
                                   "unit": world.station.pk, "active": "on"})
    assert r.status_code == 302
    world.handler2.refresh_from_db()
    assert (world.handler2.role, world.handler2.unit_id) == ("leader", world.station.pk)


# -- service points ---------------------------------------------------------------------------------------

def test_service_points_link_their_qr_poster(world: World, settings: object) -> None:
    ServicePoint.objects.create(code="wenhua-station", name="文化路社区便民服务站", channel=Channel.WECHAT_QR,
                                unit=world.committee, region=world.district)
    c = client_for(world.admin)
    body = c.get("/manage/service-points/").content.decode()
    assert 'href="/portal/points/wenhua-station/poster.svg"' in body
    assert 'href="/portal/points/wenhua-station/qr.png"' in body
    assert "BANSHI_PUBLIC_URL" in body  # not set: the page says why posters need it
    svg = c.get("/portal/points/wenhua-station/poster.svg")
    assert svg.status_code == 200 and "文化路社区便民服务站" in svg.content.decode()
    settings.BANSHI_PUBLIC_URL = "https://banshi.example.gov.cn"  # type: ignore[attr-defined]
    assert 'id="public-url-hint"' not in c.get("/manage/service-points/").content.decode()
    assert "https://banshi.example.gov.cn/portal/?sp=wenhua-station" in c.get(
        "/portal/points/wenhua-station/poster.svg").content.decode()
