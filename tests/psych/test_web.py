"""The workbench runs the psych actions from their generated forms (codes or their Chinese labels
in the form fields), and the case page never shows a confidential note, even after a session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.models import Case
from banshi.psych.appointments import psych_request
from banshi.psych.enums import CrState, PsState
from banshi.psych.inputs import PsRequestIn
from banshi.psych.models import ConfidentialNote
from tests.factories import World, case_new
from tests.psych.conftest import SELF_HARM, PsychWorld

pytestmark = pytest.mark.django_db
NOTE = "来访者提到与父亲多年不和"


def web(person):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(person)
    return c


def test_an_appointment_runs_from_the_workbench_forms(world: World, pw: PsychWorld) -> None:
    case = psych_request(PsRequestIn(station_id=pw.town_station.pk, citizen_name="小林"), actor=pw.counsellor)
    c = web(pw.counsellor)
    page = c.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "联系并预约" in page.content.decode()
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(f"/cases/{case.pk}/act/ps_schedule", {"at": when, "mode": "视频咨询"})
    assert r.status_code == 302, r.content.decode()[:500]
    assert Case.objects.get(pk=case.pk).state == PsState.SCHEDULED
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = c.post(f"/cases/{case.pk}/act/ps_session", {"at": now, "minutes": "abc", "notes": NOTE})
    assert r.status_code == 400 and "时长" in r.content.decode()
    r = c.post(f"/cases/{case.pk}/act/ps_session", {"at": now, "minutes": "50", "notes": NOTE})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).state == PsState.COUNSELLING
    assert ConfidentialNote.objects.filter(case=case, text=NOTE).exists()
    for who in (pw.counsellor, pw.head, world.supervisor):
        body = web(who).get(f"/cases/{case.pk}/").content.decode()
        assert "父亲" not in body
    r = c.post(f"/cases/{case.pk}/act/ps_refer", {"target": "全国心理援助热线12356"})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == PsState.REFERRED


def test_a_crisis_runs_from_the_workbench_forms(world: World, pw: PsychWorld) -> None:
    demand = case_new(world, content=SELF_HARM)
    crisis = Case.objects.get(origin=demand)
    c = web(pw.district_duty)
    r = c.post(f"/cases/{crisis.pk}/act/cr_contact", {"mode": "电话联系", "risk": "不知道", "notes": NOTE})
    assert r.status_code == 400 and "风险等级不正确" in r.content.decode()
    r = c.post(f"/cases/{crisis.pk}/act/cr_contact", {"mode": "phone", "risk": "high", "notes": NOTE})
    assert r.status_code == 302 and Case.objects.get(pk=crisis.pk).state == CrState.CONTACTED
    r = c.post(f"/cases/{crisis.pk}/act/cr_handover", {"to": "police_110", "receiver": "文化路派出所"})
    assert r.status_code == 302 and Case.objects.get(pk=crisis.pk).state == CrState.HANDED_OVER
    assert "父亲" not in c.get(f"/cases/{crisis.pk}/").content.decode()
