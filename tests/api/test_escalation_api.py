"""升级督办 through the API: POST /cases/{id}/escalate, with the same rules as the web."""

from __future__ import annotations

from banshi.cases.domain import lifecycle as life
from banshi.cases.models import CaseEvent, Supervision
from tests.factories import World, case_new


def _handling(world: World) -> int:
    case = case_new(world)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_sign(case.pk, actor=world.handler)
    return case.pk


def test_escalate_endpoint(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    cid = _handling(world)
    sup = api_as(world.supervisor)
    before = sup.get(f"/cases/{cid}").json()
    assert "escalate" in {a["action"] for a in before["allowed_actions"]}
    r = sup.post(f"/cases/{cid}/escalate", {"reason": "超期未反馈，重点督办", "version": before["version"]})
    assert r.status_code == 200, r.content.decode()
    assert r.json()["version"] == before["version"] + 1
    assert Supervision.objects.get(case_id=cid).level == 2
    events = sup.get(f"/cases/{cid}/events").json()
    assert events[-1]["action"] == "escalate" and events[-1]["data"]["level_label"] == "重点督办"
    assert sup.post(f"/cases/{cid}/escalate", {"reason": "挂牌"}).status_code == 200
    r = sup.post(f"/cases/{cid}/escalate", {"reason": "再升级"})
    assert r.status_code == 409 and r.json()["code"] == "max_level" and "不能再升级" in r.json()["message"]


def test_escalate_refusals(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    cid = _handling(world)
    r = api_as(world.leader).post(f"/cases/{cid}/escalate", {"reason": "升级"})
    assert r.status_code == 403 and r.json()["code"] == "action_forbidden"
    assert api_as(world.other_supervisor).post(f"/cases/{cid}/escalate", {"reason": "升级"}).status_code == 404
    r = api_as(world.supervisor).post(f"/cases/{cid}/escalate", {"reason": "升级", "version": 1})
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = api_as(world.supervisor).post(f"/cases/{cid}/escalate", {"reason": " "})
    assert r.status_code == 400
    assert not CaseEvent.objects.filter(case_id=cid, action="escalate").exists()
