from __future__ import annotations

from banshi.cases.models import Case
from banshi.core.models import AuditLog
from tests.factories import World, case_new


def _dispatched(world: World) -> Case:
    from banshi.cases.domain.lifecycle import case_dispatch

    case = case_new(world)
    return case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)


def test_handler_of_another_unit_gets_404(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _dispatched(world)
    for person in (world.other_handler, world.handler2, world.court_handler, world.admin, world.other_supervisor):
        api = api_as(person)
        assert api.get(f"/cases/{case.pk}").status_code == 404, person
        assert api.post(f"/cases/{case.pk}/sign").status_code == 404, person
        assert api.get(f"/cases/{case.pk}/events").status_code == 404
        assert case.pk not in [c["id"] for c in api.get("/cases").json()["items"]]
    assert Case.objects.get(pk=case.pk).state == "dispatched"


def test_unit_parent_and_region_supervisor_see_it(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _dispatched(world)
    from banshi.orgs.models import Person

    branch = Person.objects.create(username="branch", role="leader", unit=world.police)
    for person in (world.handler, world.leader, branch, world.supervisor, world.dispatcher, world.operator):
        assert api_as(person).get(f"/cases/{case.pk}").status_code == 200, person


def test_forbidden_action_is_refused_on_the_server(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _dispatched(world)
    r = api_as(world.handler).post(f"/cases/{case.pk}/return", {"reason": "x"})
    assert r.status_code == 403 and r.json()["code"] == "action_forbidden"
    r = api_as(world.handler).post(f"/cases/{case.pk}/archive")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert Case.objects.get(pk=case.pk).state == "dispatched"


def test_personal_data_masked_and_full_view_logged(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _dispatched(world)
    body = api_as(world.handler).get(f"/cases/{case.pk}").json()
    assert body["citizen"] == {"name": "张*", "phone": "138****5678", "id_number": "", "masked": True}
    assert api_as(world.supervisor).post(f"/cases/{case.pk}/reveal", {"purpose": "x"}).status_code == 403
    r = api_as(world.handler).post(f"/cases/{case.pk}/reveal", {"purpose": "联系群众"})
    assert r.status_code == 200 and r.json()["phone"] == "13812345678"
    log = AuditLog.objects.get(action="personal_data_view")
    assert (log.actor_id, log.object_id) == (world.handler.pk, str(case.pk))


def test_confidential_case_hides_identity_from_intake_staff(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = case_new(world, confidential=True)
    assert api_as(world.operator).post(f"/cases/{case.pk}/reveal", {}).status_code == 403
