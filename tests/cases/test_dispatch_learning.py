from __future__ import annotations

from banshi.cases.domain.lifecycle import case_dispatch
from banshi.cases.models import Case
from banshi.triage.models import TriageLabel
from tests.factories import World, case_new


def test_dispatcher_correction_is_kept_as_training_data(world: World) -> None:
    case = case_new(world, content="邻居吵架需要调解")
    Case.objects.filter(pk=case.pk).update(triage={"agency": "police", "category": "public_order"})
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.justice_office.pk, category="mediation")
    label = TriageLabel.objects.get()
    assert (label.agency, label.category, label.suggested_agency) == ("justice", "mediation", "police")
    assert label.text == "邻居吵架需要调解" and label.by == world.dispatcher


def test_accepted_suggestion_teaches_nothing(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(triage={"agency": "police", "category": ""})
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    assert not TriageLabel.objects.exists()
