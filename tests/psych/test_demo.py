"""The demo's psych platform: stations at three levels with counsellors, appointments and crisis
matters in every state (crisis ones opened by self-harm demands through the registration hook),
group activities; the texts are data and every self-harm text is one the triage flags."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.enums import Kind
from banshi.cases.models import Case
from banshi.psych.demo import demo_generate, demo_texts
from banshi.psych.enums import CrState, PsState
from banshi.psych.models import ConfidentialNote, Counsellor, CrisisFile, GroupActivity, Station
from banshi.triage.emergency import emergency_decide
from tests.factories import World

SH = ZoneInfo("Asia/Shanghai")


def test_every_self_harm_text_of_the_demo_is_flagged() -> None:
    for text in demo_texts()["self_harm_demands"]:
        decision = emergency_decide(text)
        assert decision is not None and decision.kind == "self_harm", text


@pytest.mark.django_db
def test_the_demo_builds_the_platform_with_matters_in_every_state(world: World) -> None:
    from banshi.orgs.models import Region

    for i, name in enumerate(("文化路街道", "建设大街街道"), start=1):
        town = Region.objects.create(code=f"130302{i:03d}", name=name, level=4, parent=world.district)
        Region.objects.create(code=f"{town.code}001", name=f"{name[:3]}社区", level=5, parent=town)
    now = datetime(2026, 11, 20, 15, tzinfo=SH)
    n = demo_generate(random.Random(7), now, [world.committee, world.police], password_hash="")
    assert n == Case.objects.filter(kind__in=[Kind.PSYCH, Kind.CRISIS]).count() and n > 20
    assert set(Station.objects.values_list("level", flat=True)) == {"district", "town", "village"}
    assert Counsellor.objects.filter(on_duty=True, person__isnull=False).exists()
    assert Counsellor.objects.filter(is_head=True).exists() and Counsellor.objects.filter(person__isnull=True).exists()
    assert set(Case.objects.filter(kind=Kind.PSYCH).values_list("state", flat=True)) == set(PsState.values)
    assert set(Case.objects.filter(kind=Kind.CRISIS).values_list("state", flat=True)) == set(CrState.values)
    assert all(c.origin_id for c in Case.objects.filter(kind=Kind.CRISIS))
    assert CrisisFile.objects.filter(first_contact_minutes__isnull=False).exists()
    assert GroupActivity.objects.count() >= Station.objects.count()
    assert ConfidentialNote.objects.filter(kind="session").exists()
    # once per district
    assert demo_generate(random.Random(7), now, [world.committee]) == 0
