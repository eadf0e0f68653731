"""The demo's social-psychological service platform: for each district committee given, a guidance
centre (a committee unit under it: the platform owner) with stations at 区, 镇街 and 村居 level and
their counsellors; counselling appointments in every state of `psych`; crisis matters in every
state of `crisis`, opened the real way — a self-harm demand registered through `case_register`,
whose registration hook opens the crisis matter at the station serving its region; and group
activities. Every step runs through the domain functions with `now=` at its historical moment, in
time order. The texts are data: data/demo.yaml. Reproducible for the same rng, data and `now`."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from django.utils import timezone

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.enums import Kind
from banshi.cases.models import Case
from banshi.core.datafiles import DataFileError, read_mapping
from banshi.core.errors import DomainError
from banshi.orgs.enums import RegionLevel, Role, UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.psych import appointments as ps
from banshi.psych import crisis as cr
from banshi.psych.activities import activity_create
from banshi.psych.enums import CrState, PsState
from banshi.psych.inputs import ActivityIn, PsRequestIn
from banshi.psych.models import Counsellor, GroupActivity, Station
from banshi.psych.stations import counsellor_add, station_add

FILE = Path(__file__).parent / "data" / "demo.yaml"
TEXT_LISTS = ("counsellors", "titles", "volunteers", "clients", "preferred", "concerns", "session_notes",
              "referral_notes", "closing_notes", "cancel_reasons", "self_harm_demands", "crisis_contact_notes",
              "crisis_intervention_notes", "handover_receivers", "crisis_close_notes", "dismiss_reasons")
TOWNS = 3
PSYCH_TARGETS = tuple(PsState.values)
CRISIS_TARGETS = tuple(CrState.values)


class PsychDemoError(DataFileError):
    what: ClassVar[str] = "心理服务演示数据文件"


@cache
def demo_texts() -> dict[str, Any]:
    raw = read_mapping(FILE, TEXT_LISTS, PsychDemoError)
    problems: list[str] = []
    for key in TEXT_LISTS:
        value = raw.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{key}：应为非空的文本列表")
    for key in ("centre", "town_station", "village_station"):
        value = raw.get(key)
        if not isinstance(value, dict) or not value.get("name") or not value.get("address"):
            problems.append(f"{key}：须有 name 与 address")
    if not isinstance(raw.get("activities"), list) or not raw["activities"]:
        problems.append("activities：应为非空列表")
    if problems:
        raise PsychDemoError(FILE, problems)
    return raw


class _Place:
    """One district: its centre, people, stations and the matters driven through them."""

    def __init__(self, rng: random.Random, now: datetime, committee: Unit, texts: dict[str, Any], password: str) -> None:
        self.rng, self.now, self.committee, self.texts, self.password = rng, now, committee, texts, password
        self.county: Region = committee.region
        self.names = iter(texts["counsellors"] * 10)
        self.created = 0

    def pick(self, key: str) -> str:
        return str(self.rng.choice(self.texts[key]))

    def person(self, suffix: str, role: str) -> Person:
        username = f"psych.{self.county.code}.{suffix}"
        p = Person.objects.filter(username=username).first()
        if p is None:
            p = Person(username=username, role=role, unit=self.centre, display_name=next(self.names))
            if self.password:
                p.password = self.password
            else:
                p.set_unusable_password()
            p.save()
        return p

    def build(self) -> None:
        t = self.texts
        fmt = {"county": self.county.name}
        self.centre = Unit.objects.filter(name=t["centre"]["name"].format(**fmt), region=self.county).first() or \
            Unit.objects.create(name=t["centre"]["name"].format(**fmt), kind=UnitKind.COMMITTEE, region=self.county,
                                parent=self.committee)
        self.head = self.person("head", Role.LEADER)
        self.duty = self.person("duty", Role.HANDLER)
        towns = list(Region.objects.filter(parent=self.county, level=RegionLevel.TOWN).order_by("code")[:TOWNS])
        self.stations: list[Station] = []
        if not Station.objects.filter(unit=self.centre).exists():
            district = station_add(self.centre, level="district", name=self.centre.name, region=self.county,
                                   address=t["centre"]["address"].format(**fmt), phone=str(t["centre"].get("phone", "")))
            counsellor_add(district, str(self.head), person=self.head, title=self.pick("titles"), is_head=True)
            counsellor_add(district, str(self.duty), person=self.duty, title=self.pick("titles"), on_duty=True)
            for i, town in enumerate(towns):
                names = {**fmt, "town": town.name}
                station = station_add(self.centre, level="town", name=t["town_station"]["name"].format(**names),
                                      region=town, address=t["town_station"]["address"].format(**names))
                p = self.person(f"town{i + 1}", Role.HANDLER)
                counsellor_add(station, str(p), person=p, title=self.pick("titles"), on_duty=True, is_head=True)
                village = Region.objects.filter(parent=town, level=RegionLevel.VILLAGE).order_by("code").first()
                if village is not None:
                    names["village"] = village.name
                    vs = station_add(self.centre, level="village", name=t["village_station"]["name"].format(**names),
                                     region=village, address=t["village_station"]["address"].format(**names))
                    counsellor_add(vs, self.pick("volunteers"), title="志愿者", on_duty=i % 2 == 0)
        self.stations = list(Station.objects.filter(unit=self.centre).order_by("id"))

    def staff_of(self, station: Station) -> Person:
        c = Counsellor.objects.filter(station=station, person__isnull=False, is_active=True).order_by("id").first()
        return c.person if c is not None and c.person is not None else self.duty

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    # -- 心理咨询预约 ----------------------------------------------------------------------------------

    def appointment(self, station: Station, target: str) -> None:
        rng = self.rng
        who = self.staff_of(station)
        recent = target in (PsState.REQUESTED, PsState.SCHEDULED, PsState.CANCELLED)
        t0 = self.now - timedelta(hours=rng.randint(3, 40)) if recent else self.ago(rng.randint(30, 75))
        data = PsRequestIn(station_id=station.pk, citizen_name=self.pick("clients"),
                           citizen_phone=f"139{rng.randrange(10**8):08d}",
                           service=rng.choice(["individual", "individual", "family", "adolescent", "elderly"]),
                           mode=rng.choice(["face_to_face", "face_to_face", "phone", "video"]),
                           preferred=self.pick("preferred"), concern=self.pick("concerns"),
                           channel=rng.choice(["phone", "window", "hotline_12345"]))
        case = ps.psych_request(data, actor=who, now=t0)
        self.created += 1
        if target == PsState.REQUESTED:
            return
        if target == PsState.CANCELLED:
            ps.ps_cancel(case.pk, actor=None, reason=self.pick("cancel_reasons"), now=t0 + timedelta(hours=2))
            return
        if target == PsState.REFERRED and rng.random() < 0.5:
            ps.ps_refer(case.pk, actor=who, target="hotline_12356", notes=self.pick("referral_notes"),
                        now=t0 + timedelta(hours=4))
            return
        first = (self.now + timedelta(days=rng.randint(1, 4))) if recent else t0 + timedelta(days=2)
        first = first.replace(minute=0, second=0, microsecond=0)
        ps.ps_schedule(case.pk, actor=who, at=first, now=t0 + timedelta(hours=3))
        if target == PsState.SCHEDULED:
            return
        sessions = {str(PsState.COUNSELLING): 2, str(PsState.CLOSED): 4, str(PsState.REFERRED): 1}[target]
        at = first
        for i in range(sessions):
            last = i == sessions - 1 and target == PsState.COUNSELLING
            ps.ps_session(case.pk, actor=who, at=at, minutes=rng.choice([45, 50, 60]),
                          notes=self.texts["session_notes"][i % len(self.texts["session_notes"])],
                          next_at=self.now + timedelta(days=3) if last else None, now=at + timedelta(hours=1))
            at += timedelta(days=7)
        done = at - timedelta(days=7) + timedelta(hours=2)
        if target == PsState.CLOSED:
            ps.ps_close(case.pk, actor=who, notes=self.pick("closing_notes"), now=done)
        elif target == PsState.REFERRED:
            ps.ps_refer(case.pk, actor=who, target=rng.choice(["psychiatric_hospital", "general_hospital"]),
                        to=f"{self.county.name}人民医院心理科", notes=self.pick("referral_notes"), now=done)

    # -- 心理危机干预 ----------------------------------------------------------------------------------

    def crisis(self, target: str, index: int) -> None:
        rng = self.rng
        towns = [s.region for s in self.stations if s.level in ("town", "village")] or [self.county]
        region = towns[index % len(towns)]
        t0 = self.now - timedelta(minutes=rng.randint(20, 60)) if target == CrState.NEW else \
            self.ago(rng.randint(3, 50)) - timedelta(hours=rng.randint(0, 10))
        operator = Person.objects.filter(unit=self.committee, role=Role.OPERATOR, is_active=True).order_by("id").first()
        data = CaseInput.model_validate({
            "type": "help", "channel": "hotline_12345", "content": self.pick("self_harm_demands"),
            "citizen_name": self.pick("clients"), "citizen_phone": f"138{rng.randrange(10**8):08d}",
            "region_code": region.code})
        demand, _created = case_register(data=data, intake_unit=self.committee, actor=operator, now=t0)
        crisis = Case.objects.filter(origin=demand, kind=Kind.CRISIS).first()
        if crisis is None:  # the triage did not flag it, or no station serves the region
            return
        self.created += 1
        if target == CrState.NEW:
            return
        from banshi.psych.models import CrisisFile

        f = CrisisFile.objects.select_related("counsellor__person").get(case=crisis)
        who = f.counsellor.person if f.counsellor and f.counsellor.person else self.duty
        contact = t0 + timedelta(minutes=rng.choice([15, 35, 60, 95, 150]))
        if target == CrState.HANDED_OVER and rng.random() < 0.5:
            cr.cr_handover(crisis.pk, actor=who, to=rng.choice(["police_110", "ambulance_120"]),
                           receiver=self.pick("handover_receivers"), notes=self.pick("crisis_contact_notes"), now=contact)
            return
        cr.cr_contact(crisis.pk, actor=who, risk=rng.choice(["high", "medium", "low"]),
                      mode=rng.choice(["phone", "joint_visit", "visit"]), notes=self.pick("crisis_contact_notes"),
                      now=contact)
        if target == CrState.CONTACTED:
            return
        if target == CrState.DISMISSED:
            cr.cr_dismiss(crisis.pk, actor=self.head, reason=self.pick("dismiss_reasons"), now=contact + timedelta(hours=1))
            return
        if target == CrState.HANDED_OVER:
            cr.cr_handover(crisis.pk, actor=who, to=rng.choice(["ambulance_120", "psychiatric_hospital", "guardian"]),
                           receiver=self.pick("handover_receivers"), now=contact + timedelta(hours=1))
            return
        cr.cr_intervene(crisis.pk, actor=who, notes=self.pick("crisis_intervention_notes"), mode="visit", risk="low",
                        now=contact + timedelta(days=1))
        cr.cr_close(crisis.pk, actor=who, outcome=rng.choice(["stabilised", "guardian", "counselling"]),
                    notes=self.pick("crisis_close_notes"), now=contact + timedelta(days=2))

    # -- 团体活动 ------------------------------------------------------------------------------------

    def activities(self, station: Station) -> None:
        rng = self.rng
        who = self.staff_of(station)
        town = station.region.name if station.level != "village" or station.region.parent is None \
            else station.region.parent.name
        for spec in rng.sample(self.texts["activities"], k=min(2, len(self.texts["activities"]))):
            held = self.ago(rng.randint(1, 85))
            activity_create(ActivityIn(
                station_id=station.pk, kind=spec["kind"], topic=spec["topic"],
                held_on=timezone.localtime(held).date(), place=spec["place"].format(station=station.name, town=town),
                attendance=rng.randint(12, 120), counsellors=[str(who)]), actor=who, now=held)


def demo_generate(rng: random.Random, now: datetime, units: Iterable[Unit], *, password_hash: str = "") -> int:
    """For each district committee in `units` (other units are skipped): the platform, appointments
    in every `psych` state at the district and town stations, crisis matters in every `crisis` state,
    activities. `password_hash` (e.g. make_password of the demo password) lets the counsellors sign
    in; without it their accounts cannot. Returns how many psych and crisis matters were opened."""
    texts = demo_texts()
    created = 0
    for unit in units:
        if unit.kind != UnitKind.COMMITTEE or unit.region.level != RegionLevel.COUNTY:
            continue
        if GroupActivity.objects.filter(station__unit__parent=unit).exists():
            continue  # already built for this district
        place = _Place(rng, now, unit, texts, password_hash)
        place.build()
        for station in place.stations:
            if station.level != "village":
                for target in PSYCH_TARGETS:
                    _safely(place.appointment, station, target)
            _safely(place.activities, station)
        for i, target in enumerate(CRISIS_TARGETS * 2):
            _safely(place.crisis, target, i)
        created += place.created
    return created


def _safely(fn: Any, *args: Any) -> None:
    """A demo step the domain refuses (e.g. a time the calendar moves) is skipped, never the build."""
    try:
        fn(*args)
    except DomainError:
        return
