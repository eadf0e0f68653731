"""The workbench's case page of a 国家司法救助 matter (the generic page, generated forms): it renders
for the deciding unit and for a masked viewer, runs the generated action forms, and shows no
amount and no circumstance to a viewer the access rule masks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from banshi.judicial_aid import domain as jad
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.judicial_aid.models import JudicialAidFile
from banshi.orgs.models import Person
from tests.factories import World
from tests.judicial_aid.conftest import JaUnits

CIRCUMSTANCES = "独自抚养患病女儿，失业在家，靠打零工维持生活。"


def client_for(p: Person) -> Client:
    c = Client()
    c.force_login(p)
    return c


@pytest.mark.django_db
def test_the_case_page_runs_the_generated_forms_and_masks(world: World, ja: JaUnits) -> None:
    case = jad.ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="陈丽娟", situation="maintenance_unenforced",
                                 circumstances=CIRCUMSTANCES, case_ref="（2026）冀0302执88号"), actor=ja.court_handler)
    leader = client_for(ja.court_leader)
    page = leader.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "决定给予救助" in page.content.decode()
    r = leader.post(f"/cases/{case.pk}/act/ja_grant", {"amount": "12,000.00", "reasons": "符合救助条件"})
    assert r.status_code in (200, 302), r.content.decode()[:500]
    r = client_for(ja.court_handler).post(f"/cases/{case.pk}/act/ja_pay",
                                          {"amount": "2000", "paid_on": timezone.localdate().isoformat(), "method": "cash"})
    assert r.status_code in (200, 302)
    f = JudicialAidFile.objects.get(case=case)
    assert f.amount_granted == Decimal("12000.00") and jad.paid_total(f) == Decimal("2000.00")
    for viewer in (world.dispatcher, ja.mid_handler):
        html = client_for(viewer).get(f"/cases/{case.pk}/").content.decode()
        for secret in (CIRCUMSTANCES, "12000", "12,000", "2000.00", "赡养费", "maintenance_unenforced"):
            assert secret not in html, (viewer, secret)
