"""The demo's specialised matters: legal-aid and mediation files in every state, reached through the
real domain functions in time order, some opened from a demo demand; the committees' rooms and
mediators; and a mistake in services.yaml named with its file and entry."""

from __future__ import annotations

import itertools
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from banshi.cases.enums import Kind
from banshi.cases.models import Case, CaseEvent
from banshi.demo.build import demo_build
from banshi.demo.dataset import DATA_DIR, DemoDataError, demo_data
from banshi.demo.services import PLACEHOLDERS, services_check, services_data, services_data_load
from banshi.demo.world import DemoResult
from banshi.notify.models import OutboxMessage, OutboxStatus
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Unit
from banshi.services.enums import AidState, MedState
from banshi.services.models import LegalAidFile, MediationFile, MediationRoom, Mediator

REGISTER = {Kind.LEGAL_AID: "aid_apply", Kind.MEDIATION: "med_apply"}


def test_a_small_demo_has_every_state_of_both_kinds(db: None) -> None:
    """One build (a few seconds) and every check on it."""
    now = timezone.now()
    result = demo_build(seed=11, cases=60, now=now, services=9, other_kinds=False)
    assert result.problems == []
    every_state_has_a_file(result)
    some_matters_come_from_a_demand(result, now)
    every_matter_has_a_consistent_history(now)
    the_files_say_what_their_state_says()


def every_state_has_a_file(result: DemoResult) -> None:
    aid = set(Case.objects.filter(kind=Kind.LEGAL_AID).values_list("state", flat=True))
    med = set(Case.objects.filter(kind=Kind.MEDIATION).values_list("state", flat=True))
    assert aid == set(AidState.values)
    assert med == set(MedState.values)
    assert sum(result.legal_aid.values()) == Case.objects.filter(kind=Kind.LEGAL_AID).count() == 9
    assert sum(result.mediation.values()) == Case.objects.filter(kind=Kind.MEDIATION).count() == 9
    assert result.cases == Case.objects.filter(kind=Kind.DEMAND).count() == 60
    # Every matter has its file, and every district's committee its rooms and mediators.
    assert LegalAidFile.objects.count() == 9 and MediationFile.objects.count() == 9
    for committee in Unit.objects.filter(kind=UnitKind.MEDIATION):
        assert MediationRoom.objects.filter(unit=committee).count() >= 2
        assert Mediator.objects.filter(unit=committee).count() >= 2
    # The past's messages were delivered at the time (the deadline sweep's alerts of today are new).
    matters = Case.objects.exclude(kind=Kind.DEMAND)
    pending = OutboxMessage.objects.filter(case__in=matters, status=OutboxStatus.PENDING)
    assert not pending.exclude(template__in=("sla_warning", "sla_breach", "escalation")).exists()
    assert OutboxMessage.objects.filter(case__in=matters, status=OutboxStatus.SENT).exists()


def some_matters_come_from_a_demand(result: DemoResult, now: datetime) -> None:
    referred = Case.objects.exclude(kind=Kind.DEMAND).filter(origin__isnull=False).select_related("origin")
    assert referred.exists() and result.referred == referred.count()
    for matter in referred:
        demand = matter.origin
        assert demand is not None and demand.kind == Kind.DEMAND
        refer = CaseEvent.objects.get(case=demand, action="refer")
        assert refer.data["matter_id"] == matter.pk and refer.at == matter.received_at
        # The demand was open, and the referral is its latest action (but for the deadline sweep's, today).
        assert not CaseEvent.objects.filter(case=demand, at__gt=refer.at, at__lt=now).exists()
        assert matter.citizen_name == demand.citizen_name


def every_matter_has_a_consistent_history(now: datetime) -> None:
    matters = list(Case.objects.exclude(kind=Kind.DEMAND))
    for case in matters:
        events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
        assert events[0].action == REGISTER[Kind(case.kind)], case.number
        assert events[0].at == case.received_at
        assert [e.id for e in events] == sorted(e.id for e in events), "written in time order"
        assert all(e.at <= now for e in events)
        own = [e for e in events if e.action not in ("sla_warning", "sla_breach")]
        assert own[-1].to_state == case.state
        for before, after in itertools.pairwise(own):
            assert after.from_state == before.to_state, (case.number, before.action, after.action)
    assert min(c.received_at for c in matters) < now - timezone.timedelta(days=30)  # spread over the months


def the_files_say_what_their_state_says() -> None:
    for f in MediationFile.objects.select_related("case"):
        if f.agreement_form == "written":
            assert "人民调解协议书" in f.agreement_text and f.case.number in f.agreement_text
        if f.case.state in (MedState.AGREED, MedState.CLOSED):
            assert f.agreement_form in ("written", "oral") and f.agreed_at is not None
            assert f.sessions.exists()
        if f.case.state == MedState.FAILED:
            assert f.next_channel
        if f.case.state != MedState.RECEIVED and f.case.state != MedState.DECLINED:
            assert len(f.parties) >= 2 and f.mediators
        if f.confirm_applied_at is not None:
            assert f.agreement_form == "written"  # 司法确认 needs the written agreement
    modes = set(MediationFile.objects.values_list("sessions__mode", flat=True)) - {None}
    assert modes == {"face_to_face", "separate"}
    for f in LegalAidFile.objects.select_related("case"):
        if f.case.state == AidState.SERVING:
            assert f.lawyer_name
        if f.green_channel:
            assert f.exemption == "migrant_workers" and f.hardship == "exempt"
    closed = LegalAidFile.objects.filter(case__state=AidState.CLOSED, amount_recovered__gt=0)
    assert closed.exists(), "a closing recovers money"
    texts = [c.content for c in Case.objects.exclude(kind=Kind.DEMAND)]
    texts += list(MediationFile.objects.values_list("agreement_text", flat=True))
    assert not [t for t in texts if "{" in t or "}" in t], "every placeholder filled"


def test_the_shipped_file_loads_and_fits_the_other_files() -> None:
    data = demo_data()
    s = services_data(DATA_DIR)
    services_check(s, data)
    assert set(s.places) == {p.key for p in data.places}
    assert s.count(300) == 9 and s.count(50) == 0
    assert "{terms}" not in PLACEHOLDERS


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("matter_type: labour_pay\n      exemption: migrant_workers", "matter_type: wages\n      exemption: migrant_workers",
         "legal_aid.applications[0].matter_type：未知的援助事项 “wages”"),
        ("- dispute_type: neighbour", "- dispute_type: noise", "mediation.disputes[0].dispute_type：未知的纠纷类型"),
        ("    aid_review: {weight: 8", "    aid_reviewing: {weight: 8", "legal_aid.states：缺少 aid_review"),
        ("申请人{applicant}等{people}名农民工", "申请人{name}等{people}名农民工", "未知的占位符 {name}"),
        ("channel: litigation\n        reason: 被申请人坚持", "channel: court\n        reason: 被申请人坚持",
         "mediation.disputes[0].fail.channel：未知的后续途径"),
    ],
)
def test_a_mistake_names_the_file_and_the_entry(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = tmp_path / "services.yaml"
    shutil.copy(DATA_DIR / "services.yaml", path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DemoDataError) as caught:
        services_data_load(path)
    assert f"演示数据文件 {path} 有误" in str(caught.value)
    assert expected in str(caught.value)
