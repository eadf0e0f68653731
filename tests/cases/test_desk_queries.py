"""紧急优先 (the dispatch desk and the 待派单 queue) and the desk's reads (cases/queries/desk.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import LinkKind, State, Urgency
from banshi.cases.models import Case
from banshi.cases.queries.cases import URGENT_SORT, CaseFilters, case_ids_for, case_list_for
from banshi.cases.queries.desk import dispatch_desk
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db


def _waiting(world: World, urgency: str, due_in_hours: float | None, received_hours_ago: float = 1) -> Case:
    case = case_new(world)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        urgency=urgency, received_at=now - timedelta(hours=received_hours_ago),
        next_due_at=now + timedelta(hours=due_in_hours) if due_in_hours is not None else None)
    return case


def test_urgent_first_then_by_deadline_and_the_two_reads_agree_with_the_sort(world: World) -> None:
    late_normal = _waiting(world, Urgency.NORMAL, 48)
    soon_normal = _waiting(world, Urgency.NORMAL, 2)
    no_clock = _waiting(world, Urgency.NORMAL, None)
    urgent = _waiting(world, Urgency.URGENT, 30)
    emergency = _waiting(world, Urgency.EMERGENCY, 60)
    urgent_sooner = _waiting(world, Urgency.URGENT, 1)
    dispatched = case_new(world, urgency=Urgency.EMERGENCY)
    life.case_dispatch(dispatched.pk, actor=world.dispatcher, unit_id=world.station.pk)
    filters = CaseFilters(queue="to_dispatch", sort=URGENT_SORT)
    expected = [emergency.pk, urgent_sooner.pk, urgent.pk, soon_normal.pk, late_normal.pk, no_clock.pk]
    assert case_ids_for(world.dispatcher, filters, cap=1000) == expected
    assert list(case_list_for(world.dispatcher, filters).values_list("pk", flat=True)) == expected
    # The cap holds across the two reads.
    assert case_ids_for(world.dispatcher, filters, cap=2) == expected[:2]
    assert case_ids_for(world.dispatcher, filters, cap=4) == expected[:4]


def test_the_desk_offers_duplicates_one_way_and_says_why_a_case_came_back(world: World) -> None:
    older = case_new(world, content="小区门口烧烤油烟很大，晚上吵闹")
    newer = case_new(world, content="小区门口烧烤油烟大，夜里很吵")
    handled = case_new(world, content="小区门口烧烤摊油烟")
    life.case_dispatch(handled.pk, actor=world.dispatcher, unit_id=world.station.pk)
    merged = case_new(world, content="烧烤")
    for other in (older, handled, merged):
        life.case_link(newer.pk, actor=world.dispatcher, other_id=other.pk, kind=LinkKind.DUPLICATE, score=0.8)
    life.case_merge(merged.pk, actor=world.dispatcher, into_id=older.pk)
    unseen = case_new(world, region_code=world.other_district.code, content="别处的烧烤")
    Case.objects.filter(pk=unseen.pk).update(intake_unit=world.other_committee)  # another district's demand
    life.case_link(newer.pk, actor=None, other_id=unseen.pk, kind=LinkKind.DUPLICATE, score=0.9)

    back = case_new(world)
    life.case_dispatch(back.pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_return(back.pk, actor=world.leader, reason="不属于派出所职责，请派城管")

    desk = dispatch_desk(world.dispatcher)
    ids = [c.pk for c in desk.cases]
    assert set(ids) == {older.pk, newer.pk, back.pk} and not desk.more
    # The newer demand is offered for merging into the older one and into the one being handled;
    # not into a merged case, nor one this dispatcher cannot see; the older one offers nothing.
    assert {link.other_id for link in desk.duplicates[newer.pk]} == {older.pk, handled.pk}
    assert not desk.duplicates.get(older.pk)
    assert desk.returns[back.pk].reason == "不属于派出所职责，请派城管"
    assert Case.objects.get(pk=back.pk).state == State.RETURNED


def test_the_desk_reads_a_fixed_number_of_queries(world: World, django_assert_max_num_queries: object) -> None:
    for i in range(12):
        c = _waiting(world, Urgency.URGENT if i % 4 == 0 else Urgency.NORMAL, i + 1)
        if i:
            life.case_link(c.pk, actor=None, other_id=c.pk - 1, kind=LinkKind.DUPLICATE, score=0.7)
    dispatcher = type(world.dispatcher).objects.select_related("unit__region").get(pk=world.dispatcher.pk)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        desk = dispatch_desk(dispatcher, limit=10)
    assert len(desk.cases) == 10 and desk.more
    assert [c.urgency for c in desk.cases[:3]] == [Urgency.URGENT] * 3
