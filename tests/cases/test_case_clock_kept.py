"""The case's denormalised clock (`Case.next_due_at`, `Case.overdue`) keeps a breached deadline
after later actions, so lists can say how long a case is overdue without reading milestones."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from banshi.cases.domain.lifecycle import case_comment, case_dispatch, case_sign
from banshi.cases.models import Case
from banshi.cases.queries.clock import case_clock
from banshi.cases.sweep import sla_sweep
from banshi.sla.models import Milestone
from tests.factories import World, case_new


def test_an_action_after_the_breach_keeps_the_breached_due_time(world: World) -> None:
    t0 = timezone.now() - timedelta(days=10)
    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t0)
    case_sign(case.pk, actor=world.handler, now=t0 + timedelta(minutes=10))
    result = Milestone.objects.get(case=case, kind="result")
    now = result.due_at + timedelta(days=2, hours=3, minutes=5)
    assert sla_sweep(now=now).breached == 1
    swept = Case.objects.get(pk=case.pk)
    assert swept.overdue and swept.next_due_at == result.due_at
    case_comment(case.pk, actor=world.handler, text="已联系群众", now=now)
    after = Case.objects.get(pk=case.pk)
    assert after.overdue and after.next_due_at == result.due_at
    assert case_clock(after, now).text == "已超时2天3小时"
