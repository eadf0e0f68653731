"""The SLA worker: warnings before due, breaches after; claims are safe to repeat and to race."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from banshi.cases.domain.lifecycle import case_dispatch, case_sign
from banshi.cases.models import Case, CaseEvent
from banshi.cases.sweep import sla_sweep
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World, case_new


def test_sign_milestone_warns_then_breaches_once(world: World) -> None:
    t0 = timezone.now()
    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t0)
    sign = Milestone.objects.get(case=case, kind="sign")
    assert sign.due_at == t0 + timedelta(hours=2)
    # Before the warning time: nothing.
    assert sla_sweep(now=t0 + timedelta(minutes=30)).warned == 0
    # In the last 20 % of the period: one warning, however often the sweep runs.
    r1 = sla_sweep(now=t0 + timedelta(minutes=100))
    r2 = sla_sweep(now=t0 + timedelta(minutes=101))
    assert (r1.warned, r2.warned) == (1, 0)
    # After due: one breach; the case is flagged overdue and the event is on its timeline.
    r3 = sla_sweep(now=t0 + timedelta(hours=3))
    r4 = sla_sweep(now=t0 + timedelta(hours=4))
    assert (r3.breached, r4.breached) == (1, 0)
    assert Case.objects.get(pk=case.pk).overdue is True
    assert list(CaseEvent.objects.filter(case=case, action__startswith="sla_").values_list("action", flat=True)) == [
        "sla_warning", "sla_breach",
    ]
    # The sweep's notes are passive: the version a client holds stays valid (no 409 without an edit).
    assert Case.objects.get(pk=case.pk).version == case.version + 1  # the dispatch only
    # Signing late meets the milestone late.
    case_sign(case.pk, actor=world.handler, now=t0 + timedelta(hours=5))
    sign.refresh_from_db()
    assert sign.status == MilestoneStatus.MET_LATE


def test_met_milestones_are_not_breached(world: World) -> None:
    t0 = timezone.now()
    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t0)
    case_sign(case.pk, actor=world.handler, now=t0 + timedelta(minutes=10))
    assert sla_sweep(now=t0 + timedelta(hours=3)).breached == 0
    assert Case.objects.get(pk=case.pk).overdue is False


def test_documents_request_pauses_pausable_clock(world: World) -> None:
    from banshi.cases.domain.lifecycle import case_documents_received, case_documents_request

    t0 = timezone.now()
    case = case_new(world, policy_code="notary", content="办理出生公证")
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t0)
    case_sign(case.pk, actor=world.handler, now=t0)
    result = Milestone.objects.get(case=case, kind="result")
    due0 = result.due_at
    case_documents_request(case.pk, actor=world.handler, text="请补充户口簿复印件", now=t0)
    assert Milestone.objects.get(pk=result.pk).status == MilestoneStatus.PAUSED
    # Paused clocks are never breached.
    assert sla_sweep(now=due0 + timedelta(days=1)).breached == 0
    case_documents_received(case.pk, actor=world.handler, now=t0 + timedelta(days=10))
    result.refresh_from_db()
    assert result.status == MilestoneStatus.PENDING and result.due_at > due0
