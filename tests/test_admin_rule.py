"""Administration is a rule of the domain, not of the web: every administrative write refuses a
person who is not an active system administrator, whoever calls it."""

from __future__ import annotations

import pytest

from banshi.core.errors import PermissionDenied
from banshi.intake.domain import service_point_create
from banshi.notify.domain import template_save
from banshi.orgs.domain import person_password_reset, unit_create
from banshi.sla.domain import calendar_year_load, policy_update
from tests.factories import World

pytestmark = pytest.mark.django_db


CALLS = {
    "unit_create": lambda p, w: unit_create(actor=p, name="某单位", kind="police_station", region_code="130302",
                                            parent_id=None),
    "person_password_reset": lambda p, w: person_password_reset(actor=p, person_id=w.handler.pk),
    "policy_update": lambda p, w: policy_update(actor=p, policy_id=1, name="x", source="", milestones_json="[]",
                                                max_extension="", active=True),
    "calendar_year_load": lambda p, w: calendar_year_load(actor=p, year=2027, holidays="", workdays="", source=""),
    "template_save": lambda p, w: template_save(actor=p, code="x", name="x", body="x"),
    "service_point_create": lambda p, w: service_point_create(actor=p, code="x", name="x", channel="window",
                                                              unit_id=None),
}


@pytest.mark.parametrize("write", sorted(CALLS))
@pytest.mark.parametrize("role", ["supervisor", "dispatcher", "leader"])
def test_every_admin_write_refuses_a_non_administrator(world: World, write: str, role: str) -> None:
    with pytest.raises(PermissionDenied) as exc:
        CALLS[write](getattr(world, role), world)
    assert exc.value.code == "admin_only" and "系统管理员" in exc.value.message
