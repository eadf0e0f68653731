"""The sweep escalates a 督办 notice whose own deadline passed without an answer: once per
deadline, through the workflow's `escalate` action, as the system, and never twice when two
sweeps race."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import State
from banshi.cases.models import Case, CaseEvent, Supervision
from banshi.cases.sweep import sla_sweep, supervisions_escalate, supervisions_lapsed
from banshi.notify.models import OutboxMessage
from tests.factories import World, case_new


def _supervised(world: World, t0: datetime, *, due: timedelta = timedelta(days=3)) -> Case:
    case = case_new(world)
    life.case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t0)
    life.case_sign(case.pk, actor=world.handler, now=t0)
    return life.case_supervise(case.pk, actor=world.supervisor, note="请三日内反馈", due_at=t0 + due, now=t0)


def test_an_unanswered_notice_is_escalated_once_when_its_deadline_passes(world: World) -> None:
    t0 = timezone.now()
    case = _supervised(world, t0)
    assert sla_sweep(now=t0 + timedelta(days=2)).escalated == 0  # not due yet
    r1 = sla_sweep(now=t0 + timedelta(days=3, minutes=1))
    r2 = sla_sweep(now=t0 + timedelta(days=3, minutes=2))
    r3 = sla_sweep(now=t0 + timedelta(days=9))
    assert (r1.escalated, r2.escalated, r3.escalated) == (1, 0, 0)
    sup = Supervision.objects.get(case=case)
    assert sup.level == 2 and sup.lapsed_at == t0 + timedelta(days=3, minutes=1)
    ev = CaseEvent.objects.get(case=case, action="escalate")
    assert ev.actor is None and ev.actor_role == "system"
    assert ev.reason == "督办逾期未反馈，自动升级"
    assert ev.data["auto"] is True and ev.data["from_level"] == 1 and ev.data["level"] == 2
    assert set(OutboxMessage.objects.filter(event=ev).values_list("recipient", flat=True)) == {
        f"person:{world.leader.pk}", f"person:{world.supervisor.pk}",
    }
    assert Case.objects.get(pk=case.pk).state == State.HANDLING


def test_a_new_deadline_is_watched_again(world: World) -> None:
    t0 = timezone.now()
    case = _supervised(world, t0, due=timedelta(hours=1))
    assert sla_sweep(now=t0 + timedelta(hours=2)).escalated == 1
    # The supervisor sets a new, near deadline: when that one passes too, the notice becomes 挂牌督办.
    life.case_escalate(case.pk, actor=world.supervisor, reason="限期一天内反馈",
                       due_at=t0 + timedelta(days=1), now=t0 + timedelta(hours=3))
    assert Supervision.objects.get(case=case).level == 3
    Supervision.objects.filter(case=case).update(level=2)  # test set-up: leave room for one more level
    assert sla_sweep(now=t0 + timedelta(days=2)).escalated == 1
    assert Supervision.objects.get(case=case).level == 3
    # At the top level a lapsed deadline is only marked: no event, and no retry on every sweep.
    Supervision.objects.filter(case=case).update(due_at=t0 + timedelta(days=3), lapsed_at=None)
    events = CaseEvent.objects.filter(case=case).count()
    assert sla_sweep(now=t0 + timedelta(days=4)).escalated == 0
    assert CaseEvent.objects.filter(case=case).count() == events
    assert Supervision.objects.get(case=case).lapsed_at == t0 + timedelta(days=4)


def test_answered_notices_and_closed_cases_are_left_alone(world: World) -> None:
    t0 = timezone.now()
    answered = _supervised(world, t0)
    life.case_supervise_answer(answered.pk, actor=world.handler, text="已联系群众，正在处理", now=t0 + timedelta(days=1))
    closed = _supervised(world, t0)
    Case.objects.filter(pk=closed.pk).update(state=State.REPLIED)  # test set-up: answered to the citizen
    assert sla_sweep(now=t0 + timedelta(days=5)).escalated == 0
    assert not CaseEvent.objects.filter(action="escalate").exists()
    # The closed case's notice is marked lapsed so the sweep stops looking at it.
    assert Supervision.objects.get(case=closed).lapsed_at is not None
    assert Supervision.objects.get(case=answered).lapsed_at is None


def test_the_sweep_finds_lapsed_notices_through_an_index(world: World) -> None:
    t0 = timezone.now()
    _supervised(world, t0)
    plan = supervisions_lapsed(t0).values_list("id", "case_id", "due_at")[:500].explain()
    from django.db import connection

    if connection.vendor == "postgresql":
        assert "supervision_lapse" in plan, plan  # the partial index made for this query
    else:  # SQLite's planner prefers the older (answered_at, due_at) index; both avoid a scan
        assert "supervision_lapse" in plan or "supervision_open" in plan, plan


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_sweeps_at_once_escalate_once(round_: int) -> None:
    from tests.factories import world_build

    world = world_build()
    t0 = timezone.now()
    cases = [_supervised(world, t0) for _ in range(4)]
    later = t0 + timedelta(days=4)
    barrier = threading.Barrier(2)
    counts: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait()
            counts[i] = supervisions_escalate(now=later)
        except Exception as exc:  # collected for the assertion
            counts[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(c, int) for c in counts), counts
    assert sum(c for c in counts if isinstance(c, int)) == 4
    for case in cases:
        assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1
        assert Supervision.objects.get(case=case).level == 2
