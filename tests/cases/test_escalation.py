"""升级督办: the `escalate` action raises the open notice a level (一般 → 重点 → 挂牌), writes one
audit event and the internal notices in the same transaction, and stops at 挂牌督办."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import State, SupervisionLevel
from banshi.cases.models import Case, CaseEvent, Supervision
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.notify.models import OutboxMessage
from banshi.orgs.models import Person
from tests.cases.test_concurrency import _race
from tests.factories import World, case_new, person


def handling(world: World) -> Case:
    case = case_new(world)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    return life.case_sign(case.pk, actor=world.handler)


def supervised(world: World, *, level: int = 1, due_at=None) -> Case:  # type: ignore[no-untyped-def]
    case = handling(world)
    life.case_supervise(case.pk, actor=world.supervisor, note="请加快办理", due_at=due_at)
    if level > 1:
        Supervision.objects.filter(case=case).update(level=level)  # test set-up: a notice already raised
    return case


def test_escalate_raises_the_level_with_one_event_and_outbox_rows(world: World) -> None:
    case = supervised(world)
    before = CaseEvent.objects.filter(case=case).count()
    version = Case.objects.get(pk=case.pk).version
    done = life.case_escalate(case.pk, actor=world.supervisor, reason="群众多次来电，升级督办")
    sup = Supervision.objects.get(case=case)
    assert sup.level == SupervisionLevel.KEY and sup.escalated_at is not None
    assert done.state == State.HANDLING and done.version == version + 1
    events = list(CaseEvent.objects.filter(case=case).order_by("id")[before:])
    assert [e.action for e in events] == ["escalate"]
    ev = events[0]
    assert ev.actor_id == world.supervisor.pk and ev.reason == "群众多次来电，升级督办"
    assert ev.data["from_level"] == 1 and ev.data["level"] == 2 and ev.data["level_label"] == "重点督办"
    assert ev.data["auto"] is False
    rows = OutboxMessage.objects.filter(event=ev)
    assert {(m.channel, m.template) for m in rows} == {("internal", "escalation")}
    # The lead unit's leader and the supervisor who issued the notice.
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [f"person:{world.leader.pk}", f"person:{world.supervisor.pk}"]
    )
    assert rows.first().payload["level_label"] == "重点督办"  # type: ignore[union-attr]


def test_every_leader_of_the_lead_unit_is_told(world: World) -> None:
    deputy = person("deputy", "leader", world.station)
    case = supervised(world)
    life.case_escalate(case.pk, actor=world.supervisor, reason="升级")
    recipients = set(OutboxMessage.objects.filter(template="escalation").values_list("recipient", flat=True))
    assert recipients == {f"person:{world.leader.pk}", f"person:{deputy.pk}", f"person:{world.supervisor.pk}"}


def test_event_notice_and_outbox_are_one_transaction(world: World) -> None:
    case = supervised(world)
    events = CaseEvent.objects.filter(case=case).count()
    with mock.patch("banshi.cases.notices.alert_escalation", side_effect=RuntimeError("outbox down")), \
            pytest.raises(RuntimeError):
        life.case_escalate(case.pk, actor=world.supervisor, reason="升级")
    # Nothing of the escalation remains: not the level, not the event, not a message.
    assert Supervision.objects.get(case=case).level == SupervisionLevel.ORDINARY
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not OutboxMessage.objects.filter(template="escalation").exists()


def test_escalate_without_a_notice_opens_one_at_key_level(world: World) -> None:
    case = handling(world)
    due = timezone.now() + timedelta(days=2)
    life.case_escalate(case.pk, actor=world.supervisor, reason="超期未办，直接重点督办", due_at=due)
    sup = Supervision.objects.get(case=case)
    assert (sup.level, sup.note, sup.by_id, sup.due_at) == (2, "超期未办，直接重点督办", world.supervisor.pk, due)
    ev = CaseEvent.objects.filter(case=case, action="escalate").get()
    assert ev.data["from_level"] is None and ev.data["level"] == 2


def test_beyond_listed_is_refused_in_chinese(world: World) -> None:
    case = supervised(world)
    life.case_escalate(case.pk, actor=world.supervisor, reason="第一次升级")
    life.case_escalate(case.pk, actor=world.supervisor, reason="第二次升级")
    assert Supervision.objects.get(case=case).level == SupervisionLevel.LISTED
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Conflict) as err:
        life.case_escalate(case.pk, actor=world.supervisor, reason="再升级")
    assert err.value.status == 409 and err.value.code == "max_level"
    assert "挂牌督办" in err.value.message and "不能再升级" in err.value.message
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_shorter_deadline_only(world: World) -> None:
    now = timezone.now()
    case = supervised(world, due_at=now + timedelta(days=3))
    with pytest.raises(InvalidInput) as err:
        life.case_escalate(case.pk, actor=world.supervisor, reason="升级", due_at=now + timedelta(days=5))
    assert err.value.code == "due_later"
    with pytest.raises(InvalidInput):
        life.case_escalate(case.pk, actor=world.supervisor, reason="升级", due_at=now - timedelta(hours=1))
    Supervision.objects.filter(case=case).update(lapsed_at=now)  # as if the sweep had seen a deadline pass
    life.case_escalate(case.pk, actor=world.supervisor, reason="升级", due_at=now + timedelta(days=1))
    sup = Supervision.objects.get(case=case)
    assert sup.due_at == now + timedelta(days=1) and sup.lapsed_at is None  # the new deadline is watched again


def test_reason_is_required(world: World) -> None:
    case = supervised(world)
    with pytest.raises(InvalidInput):
        life.case_escalate(case.pk, actor=world.supervisor, reason="  ")
    assert Supervision.objects.get(case=case).level == 1


@pytest.mark.parametrize("who", ["operator", "dispatcher", "handler", "leader"])
def test_only_supervisors_escalate(world: World, who: str) -> None:
    case = supervised(world)
    actor: Person = getattr(world, who)
    with pytest.raises(PermissionDenied) as err:
        life.case_escalate(case.pk, actor=actor, reason="升级")
    assert err.value.status == 403
    assert Supervision.objects.get(case=case).level == 1


def test_a_supervisor_of_another_region_does_not_find_the_case(world: World) -> None:
    case = supervised(world)
    with pytest.raises(NotFound):
        life.case_escalate(case.pk, actor=world.other_supervisor, reason="升级")


def test_closed_cases_are_not_escalated(world: World) -> None:
    case = supervised(world)
    Case.objects.filter(pk=case.pk).update(state=State.REPLIED)  # test set-up: the case was answered
    with pytest.raises(Conflict) as err:
        life.case_escalate(case.pk, actor=world.supervisor, reason="升级")
    assert err.value.code == "invalid_transition"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_escalations_at_once_one_reaches_listed(round_: int) -> None:
    from tests.factories import world_build

    world = world_build()
    second = person("supervisor2", "supervisor", world.committee)
    case = supervised(world, level=SupervisionLevel.KEY)
    results = _race(
        lambda: life.case_escalate(case.pk, actor=world.supervisor, reason="升级为挂牌督办"),
        lambda: life.case_escalate(case.pk, actor=second, reason="挂牌督办"),
    )
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert (len(wins), len(losses)) == (1, 1), results
    assert Supervision.objects.get(case=case).level == SupervisionLevel.LISTED
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1


def test_supervised_queue_holds_open_cases_only(world: World) -> None:
    """A notice still unanswered when its case was replied to is history, not a queue item."""
    from banshi.cases.queries.cases import CaseFilters, case_list_for, queue_counts_for

    case = supervised(world)
    assert queue_counts_for(world.supervisor, ("supervised",)) == {"supervised": 1}
    life.case_reply_submit(case.pk, actor=world.handler, text="已处理完毕。")
    life.case_reply_decide(case.pk, actor=world.leader, approve=True)
    assert Case.objects.get(pk=case.pk).state == State.REPLIED
    # The reply ended the notice in the same transaction, and the approving event says so.
    notice = Supervision.objects.get(case=case)
    assert notice.answered_at is not None and notice.answered_by is None
    assert notice.answer == "诉求已答复待回访，督办随之结束。"
    assert CaseEvent.objects.filter(case=case, action="reply_approve").latest("at").data["supervisions_ended"] == 1
    assert queue_counts_for(world.supervisor, ("supervised",)) == {"supervised": 0}
    assert not case_list_for(world.supervisor, CaseFilters(queue="supervised")).exists()
