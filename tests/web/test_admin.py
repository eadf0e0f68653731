"""Administration pages: admins only, validated through the same rules, every change audited."""

from __future__ import annotations

import json

import pytest

from banshi.core.models import AuditLog
from banshi.notify.models import MessageTemplate
from banshi.orgs.models import Person, Unit
from banshi.sla.models import CalendarYear, Policy
from tests.factories import World
from tests.web.test_views import client_for

pytestmark = pytest.mark.django_db

PAGES = ["units", "people", "policies", "calendars", "templates", "service-points"]


@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_for_admins_only(world: World, page: str) -> None:
    assert client_for(world.admin).get(f"/manage/{page}/").status_code == 200
    assert client_for(world.supervisor).get(f"/manage/{page}/").status_code == 403


def test_person_create_with_role_and_unit_is_audited(world: World) -> None:
    c = client_for(world.admin)
    resp = c.post("/manage/people/", {"op": "create", "username": "newcop", "display_name": "李警官",
                                      "role": "handler", "unit": world.station.pk, "password": "long-enough-pw"})
    assert resp.status_code == 302
    p = Person.objects.get(username="newcop")
    assert p.role == "handler" and p.unit_id == world.station.pk and p.check_password("long-enough-pw")
    assert AuditLog.objects.filter(action="person_create", object_id=str(p.pk)).exists()


def test_unit_create(world: World) -> None:
    resp = client_for(world.admin).post("/manage/units/", {"name": "港城派出所", "kind": "police_station",
                                                           "region": world.district.code, "parent": world.police.pk})
    assert resp.status_code == 302
    u = Unit.objects.get(name="港城派出所")
    assert u.agency == "police" and u.path.startswith(world.police.path)


def test_policy_edit_validates_periods(world: World) -> None:
    policy = Policy.objects.get(code="12345")
    bad = json.dumps([{"kind": "result", "label": "办结", "period": "7 weeks", "start": ["dispatch"]}])
    resp = client_for(world.admin).post("/manage/policies/", {"policy_id": policy.pk, "name": policy.name,
                                                              "milestones": bad, "max_extension": "15d", "active": "on"})
    assert resp.status_code == 400
    assert "无法识别的期限" in resp.content.decode()
    good = [{"kind": "result", "label": "办结", "period": "10d", "start": ["dispatch"], "met_by": ["reply_approve"]}]
    resp = client_for(world.admin).post("/manage/policies/", {"policy_id": policy.pk, "name": policy.name,
                                                              "milestones": json.dumps(good), "max_extension": "15d",
                                                              "active": "on"})
    assert resp.status_code == 302
    policy.refresh_from_db()
    assert policy.milestones == good
    assert AuditLog.objects.filter(action="policy_update").count() == 1


def test_policy_edit_refuses_an_action_no_workflow_has(world: World) -> None:
    """A typo in an action name would make a milestone that is never met: refused at the edit."""
    policy = Policy.objects.get(code="12345")
    typo = [{"kind": "result", "label": "办结", "period": "10d", "start": ["dispatch"], "met_by": ["reply_aprove"]}]
    resp = client_for(world.admin).post("/manage/policies/", {"policy_id": policy.pk, "name": policy.name,
                                                              "milestones": json.dumps(typo), "max_extension": "15d",
                                                              "active": "on"})
    assert resp.status_code == 400
    assert "不存在的操作：reply_aprove" in resp.content.decode()
    policy.refresh_from_db()
    assert policy.milestones != typo


def test_calendar_year_load(world: World) -> None:
    resp = client_for(world.admin).post("/manage/calendars/", {
        "year": "2027", "holidays": "2027-01-01\n2027-02-05,2027-02-06", "workdays": "2027-02-14",
        "source": "国办发明电〔2026〕X号"})
    assert resp.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.holidays == ["2027-01-01", "2027-02-05", "2027-02-06"] and row.workdays == ["2027-02-14"]
    resp = client_for(world.admin).post("/manage/calendars/", {"year": "2027", "holidays": "2026-12-31"})
    assert resp.status_code == 400
    assert AuditLog.objects.filter(action="calendar_load").count() == 1


def test_reply_template_save(world: World) -> None:
    resp = client_for(world.admin).post("/manage/templates/", {"code": "patrol", "name": "加强巡逻",
                                                               "body": "已加强巡逻。"})
    assert resp.status_code == 302
    assert MessageTemplate.objects.get(code="patrol").body == "已加强巡逻。"
