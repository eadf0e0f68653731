"""The registration rule (banshi/cases/registration.py) holds for the API as it does for the web:
who may register, which channels a staff member may pick, and that a field entry (补录) carries
its real receipt time. A refusal creates nothing and says why in Chinese."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.domain.intake import CaseInput
from banshi.cases.models import Case
from banshi.cases.registration import (
    FIELD_CHANNELS,
    REGISTER_ROLES,
    VIA_IMPORT,
    VIA_OPEN311,
    VIA_PORTAL,
    VIA_STAFF,
    VIA_SYSTEM,
    channel_allowed,
    registration_check,
)
from banshi.core.errors import InvalidInput, PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from tests.factories import World, person

pytestmark = pytest.mark.django_db

BODY = {"type": "help", "content": "小区门口路灯坏了，晚上看不见路。", "citizen_phone": "13812345678"}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def op(world: World, api_as):  # type: ignore[no-untyped-def]
    return api_as(world.operator)


@pytest.mark.parametrize("channel", ["portal", "open311", "import"])
def test_staff_may_not_use_a_system_channel(op, channel: str) -> None:  # type: ignore[no-untyped-def]
    r = op.post("/cases", {**BODY, "channel": channel})
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "channel_not_allowed"
    assert _chinese(r.json()["message"]) and "系统自动登记" in r.json()["message"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("channel", ["hotline_12345", "hotline_12309", "window", "wechat_qr"])
def test_staff_desk_channels_work(op, channel: str) -> None:  # type: ignore[no-untyped-def]
    r = op.post("/cases", {**BODY, "channel": channel})
    assert r.status_code == 201, r.content
    assert Case.objects.get().channel == channel


@pytest.mark.parametrize("channel", FIELD_CHANNELS)
def test_field_channel_needs_the_real_receipt_time(op, channel: str) -> None:  # type: ignore[no-untyped-def]
    r = op.post("/cases", {**BODY, "channel": channel})
    assert r.status_code == 400, r.content
    assert r.json() | {"details": {}} == {"code": "received_at_required", "message": "补录请填写实际受理时间。",
                                           "details": {}}
    assert Case.objects.count() == 0
    when = timezone.localtime(timezone.now() - timedelta(days=2)).replace(microsecond=0)
    r = op.post("/cases", {**BODY, "channel": channel, "received_at": when.isoformat()})
    assert r.status_code == 201, r.content
    case = Case.objects.get()
    assert case.received_at == when and case.backdated is True


def test_the_web_refuses_the_same(world: World) -> None:
    """The console page only offers desk channels; a forged post of a system channel is refused by
    the domain now, and a field channel on the desk page (which drops the time) asks for it."""
    from tests.web.test_views import client_for

    c = client_for(world.operator)
    form = {"type": "help", "content": "小区门口路灯坏了。", "region": world.district.code, "urgency": "normal"}
    resp = c.post("/intake/", {**form, "channel": "portal"})
    assert resp.status_code == 403 and "系统自动登记" in resp.content.decode()
    resp = c.post("/intake/", {**form, "channel": "grid"})
    assert resp.status_code == 400 and "补录请填写实际受理时间" in resp.content.decode()
    assert not Case.objects.exists()


def test_a_role_that_may_not_register_is_refused(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    assert Role.ADMIN not in REGISTER_ROLES
    r = api_as(world.admin).post("/cases", {**BODY, "channel": "hotline_12345"})
    assert r.status_code == 403
    assert r.json()["message"] == "您的角色不能登记诉求。"
    unitless = Person.objects.create(username="nobody", role=Role.OPERATOR, unit=None, display_name="无单位")
    r = api_as(unitless).post("/cases", {**BODY, "channel": "hotline_12345"})
    assert r.status_code == 403 and r.json()["message"] == "您的角色不能登记诉求。"
    assert Case.objects.count() == 0


@pytest.mark.parametrize("role", sorted(REGISTER_ROLES))
def test_every_registering_role_may_register(world: World, api_as, role: str) -> None:  # type: ignore[no-untyped-def]
    who = person(f"reg-{role}", role, world.station)
    r = api_as(who).post("/cases", {**BODY, "channel": "hotline_12345"})
    assert r.status_code == 201, r.content
    assert Case.objects.get().intake_unit_id == world.station.pk


def test_content_limit_keeps_the_domain_message(op) -> None:  # type: ignore[no-untyped-def]
    for n in (5001, 20001):
        r = op.post("/cases", {**BODY, "channel": "hotline_12345", "content": "x" * n})
        assert r.status_code == 400
        assert r.json()["code"] == "content_too_long" and r.json()["message"] == "诉求内容不能超过5000字。"
    assert Case.objects.count() == 0


def test_openapi_describes_the_same_body(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CaseIn"}
    case_in = schema["components"]["schemas"]["CaseIn"]
    assert list(case_in["properties"]) == [
        "type", "channel", "content", "title", "citizen_name", "citizen_phone", "citizen_id_number", "anonymous",
        "confidential", "address", "region_code", "grid_id", "category", "urgency", "received_at", "policy_code",
        "service_point_id",
    ]
    assert case_in["required"] == ["type", "channel", "content"]
    for name in ("type", "channel", "received_at"):
        assert case_in["properties"][name]["description"]
    assert case_in["properties"]["urgency"]["default"] == "normal"


# -- the rule itself, for every caller ------------------------------------------------------------

def _data(channel: str, *, received: bool = False, point: bool = False) -> CaseInput:
    return CaseInput(type="help", channel=channel, content="x", received_at=timezone.now() if received else None,
                     service_point_id=1 if point else None)


def test_each_system_channel_only_through_its_own_caller() -> None:
    assert channel_allowed(VIA_PORTAL, "portal") and not channel_allowed(VIA_PORTAL, "open311")
    assert channel_allowed(VIA_OPEN311, "open311") and not channel_allowed(VIA_OPEN311, "portal")
    assert not channel_allowed(VIA_OPEN311, "hotline_12345")
    assert not channel_allowed(VIA_PORTAL, "hotline_12345")  # only a service point carries another channel
    assert channel_allowed(VIA_PORTAL, "field_visit", service_point=True)  # a 摆桌子 poster
    assert not channel_allowed(VIA_PORTAL, "import", service_point=True)
    for channel in ("portal", "open311", "import", "hotline_12345"):  # a ledger keeps the original channel
        assert channel_allowed(VIA_IMPORT, channel)
    with pytest.raises(PermissionDenied) as exc:
        registration_check(actor=None, via=VIA_OPEN311, data=_data("portal"))
    assert exc.value.code == "channel_not_allowed" and _chinese(exc.value.message)


def test_field_time_for_back_entry_callers_only() -> None:
    staff = SimpleNamespace(role=Role.OPERATOR, unit_id=1)
    with pytest.raises(InvalidInput):
        registration_check(actor=staff, via=VIA_STAFF, data=_data("circuit"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        registration_check(actor=None, via=VIA_IMPORT, data=_data("grid"))
    registration_check(actor=staff, via=VIA_STAFF, data=_data("circuit", received=True))  # type: ignore[arg-type]
    # The citizen files it at the poster: received now.
    registration_check(actor=None, via=VIA_PORTAL, data=_data("field_visit", point=True))
    registration_check(actor=None, via=VIA_SYSTEM, data=_data("field_visit"))


def test_staff_caller_needs_a_registering_person() -> None:
    with pytest.raises(PermissionDenied):
        registration_check(actor=None, via=VIA_STAFF, data=_data("hotline_12345"))
    with pytest.raises(ValueError, match="unknown"):
        registration_check(actor=None, via="pigeon", data=_data("hotline_12345"))
    # An unknown channel is left to the input's validation (invalid_渠道, 400).
    registration_check(actor=None, via=VIA_OPEN311, data=_data("pigeon"))


def test_odd_ids_and_long_categories_get_a_clear_400_not_a_500(world, client) -> None:  # type: ignore[no-untyped-def]
    """Found by review on PostgreSQL: an id past 64 bits, an unknown service point and a category
    longer than its column each gave a 500."""
    from banshi.orgs.auth import api_token_issue

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(world.operator)}"}
    base = {"type": "help", "channel": "hotline_12345", "content": "路灯坏了"}
    for extra in ({"service_point_id": 10**30}, {"grid_id": 2**63}, {"service_point_id": 999999}):
        resp = client.post("/api/v1/cases", {**base, **extra}, content_type="application/json", **auth)
        assert resp.status_code == 400, (extra, resp.content)
    resp = client.post("/api/v1/cases", {**base, "category": "类" * 100}, content_type="application/json", **auth)
    assert resp.status_code == 201
    assert len(resp.json()["category"]) == 64
