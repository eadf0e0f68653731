"""Actions offered only when they can apply (cases/queries/available.py), refused by the domain
with the same error; pending requests lapse when the case leaves handling (workflow engine)."""

from __future__ import annotations

from typing import Any

import pytest

from banshi.cases.actions import action_for
from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import RequestKind, RequestStatus, State, SupervisionLevel
from banshi.cases.inputs import Versioned
from banshi.cases.models import ApprovalRequest, Case, CaseEvent, Supervision
from banshi.cases.queries.available import (
    PRECONDITIONS,
    action_refusal,
    actions_available,
    actions_offered,
    extension_periods,
    period_text,
)
from banshi.cases.workflow import allowed_actions
from banshi.core.errors import Conflict, DomainError, InvalidInput
from banshi.orgs.models import Person
from banshi.sla.models import Policy
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db


def handling(world: World, **kw: Any) -> Case:
    case = case_new(world, **kw)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    return life.case_sign(case.pk, actor=world.handler)


def offered(case: Case, person: Person) -> set[str]:
    return {r.action for r in actions_available(Case.objects.get(pk=case.pk), person)}


# Plausible input for every action's registry entry: the refusal under test must be the only obstacle.
INPUT = {"reason": "理由", "text": "内容", "note": "意见", "period": "5d", "approve": True, "unit_id": 0,
         "rating": 4, "urgency": "urgent", "into_id": 0, "other_id": 0, "handler_id": 0, "kind": "related"}


def run(case: Case, action: str, actor: Person) -> Case:
    entry = action_for(case.kind, action)
    assert entry is not None
    fields = {k: v for k, v in INPUT.items() if k in entry.input.model_fields}
    data: Versioned = entry.input.model_validate({**fields, **entry.preset})
    return entry.call(case.pk, actor, data)


def test_documents_received_only_while_a_request_waits(world: World) -> None:
    case = handling(world)
    assert "documents_received" not in offered(case, world.handler)
    with pytest.raises(Conflict) as err:
        life.case_documents_received(case.pk, actor=world.handler)
    assert err.value.code == "no_documents_request"
    life.case_documents_request(case.pk, actor=world.handler, text="请补充身份证复印件")
    assert "documents_received" in offered(case, world.handler)
    life.case_documents_received(case.pk, actor=world.handler, note="已收到")
    assert "documents_received" not in offered(case, world.handler)


def test_no_second_extension_request_while_one_waits(world: World) -> None:
    case = handling(world)
    assert {"extend_request"} <= offered(case, world.handler)
    assert not {"extend_approve", "extend_reject"} & offered(case, world.leader)
    life.case_extension_request(case.pk, actor=world.handler, period="5d", reason="需调取监控")
    assert "extend_request" not in offered(case, world.handler)
    assert {"extend_approve", "extend_reject"} <= offered(case, world.leader)
    with pytest.raises(Conflict) as err:
        life.case_extension_request(case.pk, actor=world.handler, period="3d", reason="再延")
    assert err.value.code == "request_pending"


def test_the_page_says_what_is_being_waited_for(world: World) -> None:
    case = handling(world)
    life.case_co_add(case.pk, actor=world.leader, unit_id=world.justice_office.pk)
    offer = actions_offered(Case.objects.get(pk=case.pk), world.handler)
    refused = {r.action: refusal for r, refusal in offer.refused}
    assert refused["reply_submit"].code == "co_units_pending" and refused["reply_submit"].waiting
    assert "文化路司法所" in refused["reply_submit"].message
    assert "reply_submit" not in {r.action for r in offer.rules}


def test_on_the_spot_answer_only_for_a_consultation(world: World) -> None:
    help_case, consultation = case_new(world), case_new(world, type="consultation")
    assert "answer" not in offered(help_case, world.operator)
    assert "answer" in offered(consultation, world.operator)
    with pytest.raises(InvalidInput) as err:
        life.case_answer(help_case.pk, actor=world.operator, text="答复")
    assert err.value.code == "not_consultation"


def _scenarios(world: World) -> list[tuple[Case, Person]]:
    """Cases where some allowed actions cannot apply, with the person to try them."""
    plain = handling(world)
    waiting_ext = handling(world)
    life.case_extension_request(waiting_ext.pk, actor=world.handler, period="5d", reason="需调取监控")
    waiting_ret = handling(world)
    life.case_return_request(waiting_ret.pk, actor=world.handler, reason="不属于本单位")
    co = handling(world)
    life.case_co_add(co.pk, actor=world.leader, unit_id=world.justice_office.pk)
    life.case_co_report(co.pk, actor=world.justice_handler, text="已核实")
    top = handling(world)
    life.case_supervise(top.pk, actor=world.supervisor, note="请加快")
    Supervision.objects.filter(case=top).update(level=SupervisionLevel.LISTED)
    out = []
    for case in (plain, waiting_ext, waiting_ret, co, top):
        for who in (world.handler, world.leader, world.supervisor, world.justice_handler):
            out.append((case, who))
    return out


def test_every_refused_action_is_refused_by_the_domain_with_the_same_code(world: World) -> None:
    """What the page and the API do not offer, the domain refuses the same way (and what they
    offer, the preconditions let through)."""
    tried = set()
    for case, who in _scenarios(world):
        fresh = Case.objects.get(pk=case.pk)
        offer = actions_offered(fresh, who)
        for rule, refusal in offer.refused:
            tried.add(rule.action)
            with pytest.raises(DomainError) as err:
                run(fresh, rule.action, who)
            assert err.value.code == refusal.code, (rule.action, err.value.message)
            assert isinstance(err.value, InvalidInput if refusal.invalid else Conflict)
            assert Case.objects.get(pk=case.pk).version == fresh.version  # nothing written
        for rule in offer.rules:
            assert action_refusal(fresh, rule.action, who) is None
    assert {"extend_request", "extend_approve", "extend_reject", "return_request", "return_reject",
            "supervise_answer", "escalate", "documents_received", "co_report"} <= tried
    assert tried <= set(PRECONDITIONS)


def test_api_offers_what_the_page_offers(world: World) -> None:
    from django.test import Client

    from banshi.orgs.auth import api_token_issue

    case = handling(world)
    life.case_extension_request(case.pk, actor=world.handler, period="5d", reason="需调取监控")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(world.handler)}")
    body = c.get(f"/api/v1/cases/{case.pk}").json()
    api = {a["action"] for a in body["allowed_actions"]}
    assert api == offered(case, world.handler)
    assert "extend_request" not in api and "documents_received" not in api
    assert "extend_request" in {r.action for r in allowed_actions(Case.objects.get(pk=case.pk), world.handler)}


# -- pending requests end when the case leaves handling ------------------------------------------

def _status(case: Case, kind: str) -> str:
    return str(ApprovalRequest.objects.get(case=case, kind=kind).status)


def test_a_pending_extension_lapses_when_the_final_reply_goes_up(world: World) -> None:
    case = handling(world)
    life.case_extension_request(case.pk, actor=world.handler, period="5d", reason="需调取监控")
    life.case_reply_submit(case.pk, actor=world.handler, text="已处理完毕")
    req = ApprovalRequest.objects.get(case=case)
    assert req.status == RequestStatus.LAPSED and req.get_status_display() == "已失效"
    assert req.decided_at is not None and req.decided_by is None and "提交办结答复" in req.decision_note
    event = CaseEvent.objects.filter(case=case, action="reply_submit").get()
    assert event.data["requests_ended"] == 1
    # Back in handling after a rejected reply: a new request may be made.
    life.case_reply_decide(case.pk, actor=world.leader, approve=False, note="请补充")
    assert "extend_request" in offered(case, world.handler)
    assert not ApprovalRequest.objects.filter(status=RequestStatus.PENDING).exists()


def test_a_return_approves_its_request_and_ends_a_waiting_extension(world: World) -> None:
    case = handling(world)
    life.case_extension_request(case.pk, actor=world.handler, period="5d", reason="需调取监控")
    life.case_return_request(case.pk, actor=world.handler, reason="不属于本单位")
    life.case_return(case.pk, actor=world.leader, reason="同意退回")
    assert _status(case, RequestKind.RETURN) == RequestStatus.APPROVED
    assert _status(case, RequestKind.EXTENSION) == RequestStatus.LAPSED


def test_a_transfer_ends_the_old_units_requests_even_without_a_state_change(world: World) -> None:
    case = case_new(world)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_return_request(case.pk, actor=world.handler, reason="不属于本单位")  # still 待签收
    done = life.case_transfer(case.pk, actor=world.dispatcher, unit_id=world.court.pk, reason="属于法院")
    assert done.state == State.DISPATCHED
    assert _status(case, RequestKind.RETURN) == RequestStatus.LAPSED
    # The court's leader has nothing to decide.
    assert "return_reject" not in offered(case, world.court_leader)


def test_withdrawn_ends_everything_and_decisions_still_close_their_own(world: World) -> None:
    case = handling(world)
    life.case_extension_request(case.pk, actor=world.handler, period="5d", reason="需调取监控")
    life.case_withdraw(case.pk, actor=world.operator, reason="群众撤回")
    assert _status(case, RequestKind.EXTENSION) == RequestStatus.LAPSED
    other = handling(world)
    life.case_extension_request(other.pk, actor=world.handler, period="5d", reason="需调取监控")
    life.case_extension_decide(other.pk, actor=world.leader, approve=True)
    assert _status(other, RequestKind.EXTENSION) == RequestStatus.APPROVED


# -- the extension period picker -----------------------------------------------------------------

def test_period_words() -> None:
    assert [period_text(p) for p in ("3d", "10wd", "1m", "2h", "nonsense")] == ["3日", "10个工作日", "1个月", "2小时",
                                                                               "nonsense"]


def test_the_picker_offers_only_periods_the_policy_allows(world: World) -> None:
    case = handling(world)
    case = Case.objects.select_related("policy").get(pk=case.pk)
    Policy.objects.filter(pk=case.policy_id).update(max_extension="5d")
    case.policy.max_extension = "5d"  # type: ignore[union-attr]
    values = [v for v, _text in extension_periods(case)]
    assert values == ["3d", "5d", "10wd", "1m"]  # 7日 and 15日 are longer than 5日 (other units are not compared)
    assert dict(extension_periods(case))["10wd"] == "10个工作日"
    with pytest.raises(InvalidInput) as err:
        life.case_extension_request(case.pk, actor=world.handler, period="7d", reason="x")
    assert err.value.code == "extension_too_long" and "5日" in err.value.message
