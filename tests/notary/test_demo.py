"""The demo's notary matters: slots on weekdays, a Saturday and a will week, and matters in every
state, made through the real domain functions."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from banshi.cases.models import Case, CaseEvent
from banshi.notary.demo import demo_data, demo_generate
from banshi.notary.enums import NtState, SlotKind
from banshi.notary.models import NotaryBooking, NotaryFile, NotarySlot
from tests.factories import World
from tests.notary.support import NotaryUnits


@pytest.mark.django_db
def test_the_demo_covers_every_state(world: World, nt: NotaryUnits) -> None:
    assert demo_data()["special"]["label"] == "遗嘱公证周"
    now = timezone.now()
    n = demo_generate(random.Random(7), now, [nt.office, nt.other_office])  # the other office has no leader: skipped
    cases = Case.objects.filter(kind="notary")
    assert n == cases.count() >= len(NtState.values)
    assert set(cases.values_list("state", flat=True)) == set(NtState.values)
    assert set(cases.values_list("lead_unit_id", flat=True)) == {nt.office.pk}
    slots = NotarySlot.objects.filter(office=nt.office)
    assert {SlotKind.REGULAR, SlotKind.WEEKEND, SlotKind.SPECIAL} <= set(slots.values_list("kind", flat=True))
    assert slots.filter(kind=SlotKind.SPECIAL, label="遗嘱公证周", matters=["will"]).exists()
    assert all(s.booked == NotaryBooking.objects.filter(slot=s).exclude(status="cancelled").count() for s in slots)
    assert all(e.at <= now for e in CaseEvent.objects.filter(case__kind="notary"))
    issued = CaseEvent.objects.filter(action="nt_issue")
    assert issued.exists() and all("on_time" in e.data and "one_visit" in e.data for e in issued)
    assert NotaryFile.objects.exclude(certificate_number="").count() == issued.count()
