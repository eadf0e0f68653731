from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from banshi.cases.enums import State
from banshi.cases.models import Case, CaseEvent
from banshi.core.privacy import id_number_normalise, phone_normalise
from banshi.demo.build import demo_build
from banshi.demo.world import DEMO_PASSWORD
from banshi.intake.models import ServicePoint
from banshi.notify.models import OutboxMessage
from banshi.orgs.models import Grid, Person, Region, Unit


def snapshot() -> list[tuple[Any, ...]]:
    rows = Case.objects.order_by("received_at", "content").values_list(
        "content", "title", "type", "channel", "state", "citizen_name", "citizen_phone", "citizen_id_number",
        "anonymous", "confidential", "region_id", "urgency", "received_at", "reopen_count", "satisfaction",
        "policy__code", "intake_unit__name", "lead_unit__name",
    )
    return list(rows)


def wipe() -> None:
    OutboxMessage.objects.all().delete()
    Case.objects.all().delete()
    Grid.objects.all().delete()
    ServicePoint.objects.all().delete()
    Person.objects.all().delete()
    for unit in sorted(Unit.objects.all(), key=lambda u: -len(u.path)):
        unit.delete()
    for region in Region.objects.order_by("-level"):
        region.delete()


def test_small_run_has_every_state_and_valid_people(db: None) -> None:
    now = timezone.now()
    r = demo_build(seed=7, cases=150, now=now)
    assert r.problems == []
    assert r.cases == Case.objects.count() == 150
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Case.objects.filter(reopen_count__gt=0).exists() or r.reopened == 0
    for case in Case.objects.all():
        if case.citizen_phone:
            assert phone_normalise(case.citizen_phone) == case.citizen_phone
        if case.citizen_id_number:
            assert id_number_normalise(case.citizen_id_number) == case.citizen_id_number
        if case.anonymous:
            assert case.citizen_name == "" and case.citizen_id_number == ""
    # Every state was reached through recorded actions, in order, never in the future.
    events = list(CaseEvent.objects.order_by("case_id", "at", "id").values_list("case_id", "action", "to_state", "at"))
    last: dict[int, tuple[str, str]] = {}
    for case_id, action, to_state, at in events:
        assert at <= now
        if action not in ("sla_warning", "sla_breach"):
            last[case_id] = (action, to_state)
    for case_id, state in Case.objects.values_list("id", "state"):
        assert last[case_id][1] == state
    assert CaseEvent.objects.filter(action="register").count() == 150
    assert Case.objects.filter(received_at__lt=now - timezone.timedelta(days=60)).exists()


def test_same_seed_same_cases(db: None) -> None:
    now = timezone.now()
    demo_build(seed=3, cases=30, now=now)
    first = snapshot()
    wipe()
    demo_build(seed=3, cases=30, now=now)
    assert snapshot() == first
    assert len(first) == 30


def test_command_prints_logins_then_if_empty_is_a_no_op(db: None) -> None:
    out = StringIO()
    call_command("demo", "--cases", "12", "--seed", "1", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "dispatcher" in text and "诉求 12 件" in text
    for username in ("operator", "dispatcher", "handler", "leader", "supervisor", "admin"):
        assert Person.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert Region.objects.get(code="130302").parent_id == "130300"
    assert Region.objects.get(code="110105").parent_id == "110000"
    assert Unit.objects.filter(name="秦皇岛市公安局海港分局").exists()
    people, units = Person.objects.count(), Unit.objects.count()

    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert out.getvalue() == ""
    assert (Case.objects.count(), Person.objects.count(), Unit.objects.count()) == (12, people, units)
    with pytest.raises(CommandError, match="已有 12 件诉求"):
        call_command("demo", "--cases", "5", stdout=StringIO())
