"""The demo's specialised matters: 法律援助 and 人民调解 files in every state of their workflows.

Each district's people's mediation committee gets its named rooms and mediators, and each file is
driven through the real domain functions of banshi/services/ (`aid_open`, `aid_grant`, …,
`mediation_open`, `med_session`, …) with `now=` at its historical moment, in time order; some are
opened from an open demo demand with `case_refer` (转专项服务), so `origin` links them. What the files
say comes from ``banshi/demo/data/services.yaml``, read and checked here before anything is written;
this module keeps the logic only. Reproducible: the demo's rng, data and `now` give the same files.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from banshi.cases.domain.matters import case_refer
from banshi.cases.enums import OPEN_STATES, Channel, Kind
from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import DomainError
from banshi.demo.cases import CaseStopped
from banshi.demo.dataset import DemoData, _File
from banshi.demo.world import DemoResult, PlaceWorld, mobile_random, name_random
from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Unit
from banshi.services import catalog
from banshi.services import legal_aid as aid
from banshi.services import mediation as med
from banshi.services.enums import AidState, MedState
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.services.models import LegalAidFile, MediationFile, MediationRoom, Mediator

FILE = "services.yaml"
# What a text of services.yaml may use; `_values` fills exactly these.
PLACEHOLDERS = frozenset({
    "applicant", "respondent", "company", "people", "months", "wage", "pay", "amount", "settled", "monthly", "arrears",
    "age", "estate", "n", "metres", "street", "community", "road", "road2", "plate", "date", "year", "due", "court",
    "county",
})
RECOVERED = ("wage", "pay", "settled", "arrears")  # the values an amount recovered may name
KINDS = (Kind.LEGAL_AID, Kind.MEDIATION)
# Targets a file opened from a demand may have (a refusal needs an application text with one).
AID_REFUSAL_TARGETS = frozenset({AidState.REFUSED, AidState.OBJECTION})


# -- the data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomSpec:
    name: str
    address: str


@dataclass(frozen=True)
class PersonSpec:
    name: str
    title: str  # a mediator's title, or a lawyer's organisation


@dataclass(frozen=True)
class PlaceServices:
    rooms: tuple[RoomSpec, ...]
    mediators: tuple[PersonSpec, ...]
    lawyers: tuple[PersonSpec, ...]


@dataclass(frozen=True)
class StateSpec:
    weight: float
    days: tuple[float, float]  # how long ago a file in this state came in


@dataclass(frozen=True)
class Refusal:
    reason: str
    objection: str
    uphold: str
    dismiss: str


@dataclass(frozen=True)
class Application:
    matter_type: str
    exemption: str
    channel: str
    facts: str
    other_party: str
    economic: str
    documents: tuple[str, ...]
    outcome: str
    recovered: str = ""
    refusal: Refusal | None = None
    sexes: tuple[bool | None, bool | None] = (None, None)  # applicant, respondent female? (None: either)


@dataclass(frozen=True)
class Dispute:
    dispute_type: str
    sources: tuple[str, ...]
    facts: str
    sessions: dict[str, tuple[str, ...]]  # mode → records
    terms: str
    fail_channel: str
    fail_reason: str
    respondent: str = ""
    place: str = ""
    oral_terms: str = ""
    sexes: tuple[bool | None, bool | None] = (None, None)


@dataclass(frozen=True)
class Refer:
    titles: tuple[str, ...]
    notes: tuple[str, ...]
    values: dict[str, str] = field(default_factory=dict)  # placeholders said in general terms


@dataclass(frozen=True)
class AidTexts:
    states: dict[str, StateSpec]
    applications: tuple[Application, ...]
    docs_notes: tuple[str, ...]
    docs_received_notes: tuple[str, ...]
    grant_notes: dict[str, str]  # met | exempt | green
    advance_reasons: tuple[str, ...]
    terminations: tuple[tuple[str, str], ...]  # (code, reason)
    withdraw_reasons: tuple[str, ...]


@dataclass(frozen=True)
class MedTexts:
    states: dict[str, StateSpec]
    disputes: tuple[Dispute, ...]
    accept_notes: tuple[str, ...]
    decline_reasons: tuple[str, ...]
    terminate_reasons: tuple[str, ...]
    extension_reasons: tuple[str, ...]
    performance_notes: dict[str, tuple[str, ...]]
    confirm_notes: tuple[str, ...]
    close_notes: tuple[str, ...]


@dataclass(frozen=True)
class ServicesData:
    share: float
    min_demands: int
    refer_share: float
    video_share: float
    places: dict[str, PlaceServices]
    refer: dict[str, Refer]  # by kind
    aid: AidTexts
    med: MedTexts

    def count(self, demands: int) -> int:
        """Files of each kind for a demo of `demands` demands: none below `min_demands`."""
        if demands < self.min_demands:
            return 0
        return round(demands * self.share)


def _states(f: _File, raw: Any, where: str, states: list[str]) -> dict[str, StateSpec]:
    m = f.mapping(raw, where, states)
    out: dict[str, StateSpec] = {}
    for state in states:
        at = f"{where}.{state}"
        s = f.mapping(m[state], at, ("weight", "days"))
        pair = f.items(s["days"], f"{at}.days")
        if len(pair) != 2:
            f.fail(f"{at}.days", "应为 [最少, 最多] 两个数")
        low, high = f.number(pair[0], f"{at}.days[0]"), f.number(pair[1], f"{at}.days[1]")
        if low > high or high > 118:
            f.fail(f"{at}.days", f"应满足 最少 ≤ 最多 ≤ 118（演示数据的时间跨度），实际是 [{low}, {high}]")
        out[state] = StateSpec(f.number(s["weight"], f"{at}.weight"), (low, high))
    if not sum(s.weight for s in out.values()) > 0:
        f.fail(where, "权重之和应大于 0")
    return out


def _text(f: _File, raw: Any, where: str, *, lines: bool = False) -> str:
    """A text with placeholders. A block the file breaks over lines is one paragraph (Chinese needs no
    space where a line breaks), or, with `lines`, keeps one line per clause (an agreement's terms)."""
    text = f.pattern(raw, where, PLACEHOLDERS)
    return ("\n" if lines else "").join(line.strip() for line in text.strip().splitlines())


def _sexes(f: _File, m: dict[str, Any], at: str) -> tuple[bool | None, bool | None]:
    def one(key: str) -> bool | None:
        return f.flag(m[key], f"{at}.{key}") if key in m else None

    return one("applicant_female"), one("respondent_female")


def _texts(f: _File, raw: Any, where: str) -> tuple[str, ...]:
    return tuple(_text(f, t, f"{where}[{i}]") for i, t in enumerate(f.items(raw, where)))


def _aid(f: _File, raw: Any) -> AidTexts:
    cat = catalog.legal_aid()
    m = f.mapping(raw, "legal_aid", ("states", "applications", "docs_notes", "docs_received_notes", "grant_notes",
                                     "advance_reasons", "terminations", "withdraw_reasons"))
    apps: list[Application] = []
    for i, a in enumerate(f.items(m["applications"], "legal_aid.applications")):
        at = f"legal_aid.applications[{i}]"
        am = f.mapping(a, at, ("matter_type", "channel", "facts", "other_party", "economic", "documents", "outcome"),
                       ("exemption", "recovered", "refusal", "applicant_female", "respondent_female"))
        refusal = None
        if "refusal" in am:
            r = f.mapping(am["refusal"], f"{at}.refusal", ("reason", "objection", "uphold", "dismiss"))
            refusal = Refusal(*(_text(f, r[k], f"{at}.refusal.{k}")
                                for k in ("reason", "objection", "uphold", "dismiss")))
        apps.append(Application(
            matter_type=f.key_of(am["matter_type"], f"{at}.matter_type", cat["matter_types"], "援助事项"),
            exemption=f.key_of(am["exemption"], f"{at}.exemption", cat["exemptions"], "免予核查情形")
            if "exemption" in am else "",
            channel=f.choice(am["channel"], f"{at}.channel", Channel).value,
            facts=_text(f, am["facts"], f"{at}.facts"),
            other_party=_text(f, am["other_party"], f"{at}.other_party"),
            economic=_text(f, am["economic"], f"{at}.economic"),
            documents=_texts(f, am["documents"], f"{at}.documents"),
            outcome=_text(f, am["outcome"], f"{at}.outcome"),
            recovered=f.key_of(am["recovered"], f"{at}.recovered", RECOVERED, "金额") if "recovered" in am else "",
            refusal=refusal,
            sexes=_sexes(f, am, at),
        ))
    if not any(a.refusal for a in apps):
        f.fail("legal_aid.applications", "至少要有一项写明 refusal（不予援助的演示案卷要用到）")
    grants = f.mapping(m["grant_notes"], "legal_aid.grant_notes", ("met", "exempt", "green"))
    terminations = []
    for i, t in enumerate(f.items(m["terminations"], "legal_aid.terminations")):
        tm = f.mapping(t, f"legal_aid.terminations[{i}]", ("code", "reason"))
        code = f.key_of(tm["code"], f"legal_aid.terminations[{i}].code", cat["termination_reasons"], "终止情形")
        terminations.append((code, _text(f, tm["reason"], f"legal_aid.terminations[{i}].reason")))
    return AidTexts(
        states=_states(f, m["states"], "legal_aid.states", list(AidState.values)),
        applications=tuple(apps),
        docs_notes=_texts(f, m["docs_notes"], "legal_aid.docs_notes"),
        docs_received_notes=_texts(f, m["docs_received_notes"], "legal_aid.docs_received_notes"),
        grant_notes={k: _text(f, grants[k], f"legal_aid.grant_notes.{k}") for k in grants},
        advance_reasons=_texts(f, m["advance_reasons"], "legal_aid.advance_reasons"),
        terminations=tuple(terminations),
        withdraw_reasons=_texts(f, m["withdraw_reasons"], "legal_aid.withdraw_reasons"),
    )


def _med(f: _File, raw: Any) -> MedTexts:
    cat = catalog.mediation()
    m = f.mapping(raw, "mediation", ("states", "disputes", "accept_notes", "decline_reasons", "terminate_reasons",
                                     "extension_reasons", "performance_notes", "confirm_notes", "close_notes"))
    sources = [s for s in cat["sources"] if s != "referral"]  # a referral is made by case_refer
    disputes: list[Dispute] = []
    for i, d in enumerate(f.items(m["disputes"], "mediation.disputes")):
        at = f"mediation.disputes[{i}]"
        dm = f.mapping(d, at, ("dispute_type", "sources", "facts", "sessions", "terms", "fail"),
                       ("respondent", "place", "oral_terms", "applicant_female", "respondent_female"))
        sessions_raw = f.mapping(dm["sessions"], f"{at}.sessions", (), cat["modes"])
        if not sessions_raw:
            f.fail(f"{at}.sessions", "至少要有一种调解方式的记录")
        fail = f.mapping(dm["fail"], f"{at}.fail", ("channel", "reason"))
        disputes.append(Dispute(
            dispute_type=f.key_of(dm["dispute_type"], f"{at}.dispute_type", cat["dispute_types"], "纠纷类型"),
            sources=tuple(f.key_of(s, f"{at}.sources[{j}]", sources, "来源")
                          for j, s in enumerate(f.items(dm["sources"], f"{at}.sources"))),
            facts=_text(f, dm["facts"], f"{at}.facts"),
            sessions={mode: _texts(f, v, f"{at}.sessions.{mode}") for mode, v in sessions_raw.items()},
            terms=_text(f, dm["terms"], f"{at}.terms", lines=True),
            fail_channel=f.key_of(fail["channel"], f"{at}.fail.channel", cat["next_channels"], "后续途径"),
            fail_reason=_text(f, fail["reason"], f"{at}.fail.reason"),
            respondent=_text(f, dm["respondent"], f"{at}.respondent") if "respondent" in dm else "",
            place=f.text(dm["place"], f"{at}.place") if "place" in dm else "",
            oral_terms=_text(f, dm["oral_terms"], f"{at}.oral_terms") if "oral_terms" in dm else "",
            sexes=_sexes(f, dm, at),
        ))
    perf = f.mapping(m["performance_notes"], "mediation.performance_notes", cat["performance"])
    return MedTexts(
        states=_states(f, m["states"], "mediation.states", list(MedState.values)),
        disputes=tuple(disputes),
        accept_notes=_texts(f, m["accept_notes"], "mediation.accept_notes"),
        decline_reasons=_texts(f, m["decline_reasons"], "mediation.decline_reasons"),
        terminate_reasons=_texts(f, m["terminate_reasons"], "mediation.terminate_reasons"),
        extension_reasons=_texts(f, m["extension_reasons"], "mediation.extension_reasons"),
        performance_notes={k: _texts(f, perf[k], f"mediation.performance_notes.{k}") for k in perf},
        confirm_notes=_texts(f, m["confirm_notes"], "mediation.confirm_notes"),
        close_notes=_texts(f, m["close_notes"], "mediation.close_notes"),
    )


def _share(f: _File, value: Any, where: str) -> float:
    share = f.number(value, where)
    if share > 1:
        f.fail(where, f"应在 0 到 1 之间，实际是 {share}")
    return share


def services_data_load(path: Path) -> ServicesData:
    """Read and check services.yaml; raise DemoDataError naming the file and the entry."""
    f = _File(path)
    doc = f.mapping(f.read(), "", ("share", "min_demands", "refer_share", "video_share", "places", "refer",
                                   "legal_aid", "mediation"))
    places: dict[str, PlaceServices] = {}
    raw_places = doc["places"]
    if not isinstance(raw_places, dict) or not raw_places:
        f.fail("places", "应为“地区: 调解室、调解员和律师”键值对")
    for key, raw in raw_places.items():
        at = f"places.{key}"
        m = f.mapping(raw, at, ("rooms", "mediators", "lawyers"))

        def people(value: Any, where: str, second: str) -> tuple[PersonSpec, ...]:
            out = []
            for i, p in enumerate(f.items(value, where)):
                pm = f.mapping(p, f"{where}[{i}]", ("name", second))
                out.append(PersonSpec(f.text(pm["name"], f"{where}[{i}].name"),
                                      f.text(pm[second], f"{where}[{i}].{second}")))
            return tuple(out)

        rooms = []
        for i, r in enumerate(f.items(m["rooms"], f"{at}.rooms")):
            rm = f.mapping(r, f"{at}.rooms[{i}]", ("name", "address"))
            rooms.append(RoomSpec(f.text(rm["name"], f"{at}.rooms[{i}].name"),
                                  f.text(rm["address"], f"{at}.rooms[{i}].address")))
        places[str(key)] = PlaceServices(tuple(rooms), people(m["mediators"], f"{at}.mediators", "title"),
                                         people(m["lawyers"], f"{at}.lawyers", "org"))
    refer_raw = f.mapping(doc["refer"], "refer", KINDS)
    refer = {}
    for kind in KINDS:
        rm = f.mapping(refer_raw[kind], f"refer.{kind}", ("titles", "notes"), ("values",))
        values = f.mapping(rm.get("values", {}), f"refer.{kind}.values", (), PLACEHOLDERS)
        refer[str(kind)] = Refer(f.texts(rm["titles"], f"refer.{kind}.titles"), f.texts(rm["notes"], f"refer.{kind}.notes"),
                                 {str(k): f.text(v, f"refer.{kind}.values.{k}") for k, v in values.items()})
    return ServicesData(
        share=_share(f, doc["share"], "share"),
        min_demands=f.integer(doc["min_demands"], "min_demands", minimum=0),
        refer_share=_share(f, doc["refer_share"], "refer_share"),
        video_share=_share(f, doc["video_share"], "video_share"),
        places=places,
        refer=refer,
        aid=_aid(f, doc["legal_aid"]),
        med=_med(f, doc["mediation"]),
    )


def services_check(s: ServicesData, data: DemoData) -> None:
    """What services.yaml names in the other files exists: every place, the titles, the units."""
    f = _File(data.source / FILE)
    keys = [p.key for p in data.places]
    for key in s.places:
        f.key_of(key, f"places.{key}", keys, "地区（places.yaml）")
    for key in keys:
        if key not in s.places:
            f.fail("places", f"缺少地区 {key} 的调解室、调解员和律师（places.yaml 中有这个地区）")
    titles = {t.title for t in data.demands.templates}
    for kind, r in s.refer.items():
        for i, title in enumerate(r.titles):
            f.key_of(title, f"refer.{kind}.titles[{i}]", sorted(titles), "诉求标题（demands.yaml）")
    roles = {st.unit: {p.role for p in st.people} for st in data.staff}
    for kind in (UnitKind.LEGAL_AID, UnitKind.MEDIATION, UnitKind.COURT):
        unit = next((u for u in data.units if u.kind == kind), None)
        if unit is None:
            _File(data.source / "units.yaml").fail("units", f"缺少{kind.label}（专项服务的演示案卷要用到）")
        if kind != UnitKind.COURT and not {Role.HANDLER, Role.LEADER} <= roles.get(unit.key, set()):
            _File(data.source / "staff.yaml").fail("staff", f"单位 {unit.key} 须有承办人和单位负责人（专项服务的演示案卷要用到）")


@functools.cache
def services_data(directory: Path) -> ServicesData:
    return services_data_load(directory / FILE)


# -- planning -------------------------------------------------------------------------------------


@dataclass
class FileSpec:
    index: int
    kind: str
    target: str
    place: int
    received_at: datetime
    seed: int
    first: bool = False  # the first file of its state: it shows the state's usual course
    demand: Case | None = None  # opened from this demand (转专项服务)
    note: str = ""


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _moment(rng: random.Random, now: datetime, days: tuple[float, float]) -> datetime:
    """A working-hours moment about `days` ago (never less than the least)."""
    low, high = days
    at = timezone.localtime(now - timedelta(days=rng.uniform(low, high)))
    at = at.replace(hour=rng.choice((8, 9, 9, 10, 10, 11, 14, 14, 15, 15, 16, 17)), minute=rng.randrange(60),
                    second=rng.randrange(60), microsecond=0)
    while at > now - timedelta(days=low):
        at -= timedelta(days=1)
    return at


def files_plan(rng: random.Random, worlds: list[PlaceWorld], count: int, now: datetime, s: ServicesData
               ) -> list[FileSpec]:
    """`count` files of each kind (at least one per state), spread over the places and the months."""
    specs: list[FileSpec] = []
    for kind, states in ((Kind.LEGAL_AID, s.aid.states), (Kind.MEDIATION, s.med.states)):
        forced = list(states)
        weights = [(k, v.weight) for k, v in states.items()]
        targets = forced + [_weighted(rng, weights) for _ in range(max(0, count - len(forced)))]
        rng.shuffle(targets)
        firsts = 0
        for i, target in enumerate(targets):
            first = target not in targets[:i]
            place = firsts % len(worlds) if first else rng.randrange(len(worlds))  # every district has some
            firsts += first
            specs.append(FileSpec(len(specs), str(kind), target, place, _moment(rng, now, states[target].days),
                                  rng.getrandbits(64), first=first))
    return specs


def _place_of(case: Case, worlds: list[PlaceWorld]) -> int | None:
    return next((i for i, w in enumerate(worlds) if case.region_path.startswith(w.county.path)), None)


def referrals_bind(rng: random.Random, specs: list[FileSpec], worlds: list[PlaceWorld], demand_ids: list[int],
                   now: datetime, s: ServicesData) -> None:
    """Let about `refer_share` of the files be opened from an open demo demand that fits in time."""
    if not demand_ids:
        return
    lo, hi = min(demand_ids), max(demand_ids)
    for kind in KINDS:
        refer = s.refer[kind]
        wanted = round(s.refer_share * sum(1 for x in specs if x.kind == kind))
        rows = list(Case.objects.filter(pk__range=(lo, hi), kind=Kind.DEMAND, state__in=OPEN_STATES,
                                        title__in=refer.titles, derived__isnull=True).exclude(citizen_name="")
                    .order_by("pk"))
        last = dict(CaseEvent.objects.filter(case__in=rows).values("case_id").annotate(at=Max("at"))
                    .values_list("case_id", "at"))
        rng.shuffle(rows)
        free = [x for x in specs if x.kind == kind and x.target not in AID_REFUSAL_TARGETS
                and not (x.first and x.target == AidState.CLOSED)]  # that one shows money recovered
        rng.shuffle(free)
        for demand in rows:
            if wanted <= 0:
                break
            place = _place_of(demand, worlds)
            if place is None:
                continue
            start = last[demand.pk] + timedelta(hours=rng.uniform(0.5, 20))
            states = s.aid.states if kind == Kind.LEGAL_AID else s.med.states
            fit = next((x for x in free if now - start >= timedelta(days=states[x.target].days[0])), None)
            if fit is None:
                continue
            free.remove(fit)
            fit.demand, fit.place, fit.note = demand, place, rng.choice(refer.notes)
            fit.received_at = max(fit.received_at, start)
            wanted -= 1


# -- running a file -------------------------------------------------------------------------------


def _day(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.year}年{local.month}月{local.day}日"


def _amount_in(text: str) -> int | None:
    found = re.search(r"(\d{3,9})元", text)
    return int(found.group(1)) if found else None


def _closest(rng: random.Random, options: list[Any], text: str, of: Callable[[Any], str]) -> Any:
    """The option whose text shares the most two-character words with `text` (a demand's own words)."""
    def pairs(value: str) -> set[str]:
        return {value[i:i + 2] for i in range(len(value) - 1)}

    words = pairs(text)
    best = max(len(words & pairs(of(o))) for o in options)
    return rng.choice([o for o in options if len(words & pairs(of(o))) == best])


class FileRun:
    """One file's life, action by action, each at its own historical moment (as CaseRun for demands)."""

    def __init__(self, spec: FileSpec, w: PlaceWorld, now: datetime, result: DemoResult, data: DemoData,
                 s: ServicesData) -> None:
        self.spec, self.w, self.now, self.result, self.data, self.s = spec, w, now, result, data, s
        self.rng = random.Random(spec.seed)
        self.t = spec.received_at
        self.case_id = 0
        self.case: Case | None = None
        self.values = self._values()

    # time -----------------------------------------------------------------------------------------
    def later(self, hours: float) -> datetime:
        limit = self.now - timedelta(minutes=1)
        step = timedelta(hours=max(hours, 0.02))
        if self.t + step > limit:
            step = max((limit - self.t) / 2, timedelta(seconds=1))
        self.t += step
        return self.t

    def until(self, moment: datetime) -> datetime:
        return self.later(max(0.05, (moment - self.t).total_seconds() / 3600))

    @property
    def age(self) -> timedelta:
        return self.now - self.spec.received_at

    # people and texts -----------------------------------------------------------------------------
    def unit_of(self, kind: str) -> Unit:
        for units in self.w.units.values():
            for unit in units:
                if unit.kind == kind:
                    return unit
        raise LookupError(kind)  # services_check makes sure every place has one

    def one(self, unit: Unit, role: str) -> Person:
        return self.w.one(self.rng, unit, role)

    def _values(self) -> dict[str, str]:
        rng, w, data = self.rng, self.w, self.data
        local = timezone.localtime(self.spec.received_at)
        earlier = local - timedelta(days=rng.randint(2, 40))
        people, months = rng.randint(3, 25), rng.randint(2, 10)
        amount = rng.randint(5, 80) * 1000
        monthly = rng.randint(3, 15) * 100
        street = rng.randrange(len(w.streets))
        values = {
            "applicant": name_random(rng, data.names), "respondent": name_random(rng, data.names),
            "company": rng.choice(data.demands.company_heads) + rng.choice(data.demands.company_tails),
            "people": str(people), "months": str(months), "wage": str(people * rng.randint(8, 30) * 1000),
            "pay": str(months * rng.randint(35, 65) * 100), "amount": str(amount),
            "settled": str(int(round(amount * rng.uniform(0.45, 0.9), -2))), "monthly": str(monthly),
            "arrears": str(monthly * months), "age": str(rng.randint(68, 92)), "estate": rng.choice(data.estates),
            "n": str(rng.randint(1, 28)), "metres": rng.choice(("0.5", "0.8", "1", "1.2", "1.5")),
            "street": w.spec.streets[street][1], "community": w.communities[street][0].name,
            "road": rng.choice(w.spec.roads), "road2": rng.choice(w.spec.roads),
            "plate": w.spec.plate + "".join(rng.choice(data.demands.plate_chars) for _ in range(5)),
            "date": f"{earlier.month}月{earlier.day}日", "year": str(local.year - rng.randint(1, 4)), "due": "",
            "court": self.unit_of(UnitKind.COURT).name, "county": w.spec.county[1],
        }
        demand = self.spec.demand
        if demand is not None:
            values.update(self.s.refer[self.spec.kind].values)
            values["applicant"] = demand.citizen_name
            # what the demand's own words name: its compound, road and company (demands.yaml fillers)
            fillers = data.demands
            companies = [h + t for h in fillers.company_heads for t in fillers.company_tails]
            for key, options in (("estate", data.estates), ("road", w.spec.roads), ("company", companies)):
                named = next((o for o in options if o in demand.content), None)
                if named:
                    values[key] = named
            found = _amount_in(demand.content)
            if found:
                values.update(wage=str(found), pay=str(found), amount=str(found),
                              settled=str(int(round(found * 0.8, -2))))
        return values

    def parties_name(self, sexes: tuple[bool | None, bool | None]) -> None:
        """Names that fit the roles of the chosen text (a husband, a son …)."""
        applicant, respondent = sexes
        if applicant is not None and self.spec.demand is None:
            self.values["applicant"] = name_random(self.rng, self.data.names, applicant)
        if respondent is not None:
            self.values["respondent"] = name_random(self.rng, self.data.names, respondent)

    def fill(self, text: str, due_days: tuple[int, int] = (10, 30)) -> str:
        due = self.t + timedelta(days=self.rng.randint(*due_days))
        return text.format(**{**self.values, "due": _day(due)})

    def do(self, label: str, fn: Callable[..., Case], *args: Any, **kw: Any) -> Case:
        try:
            self.case = fn(self.case_id, *args, now=self.t, **kw)
            return self.case
        except DomainError as exc:
            self.result.problems.append(f"{self.spec.kind}#{self.spec.index} {label}: {exc.message}")
            raise CaseStopped from exc

    def refer(self, unit: Unit) -> None:
        demand = self.spec.demand
        assert demand is not None
        lead_people = self.w.people(demand.lead_unit, Role.HANDLER) if demand.lead_unit else []
        if demand.state in ("handling", "reply_review") and lead_people:
            actor = self.rng.choice(lead_people)  # the handler of the demand sends it on
        else:
            actor = self.one(self.w.committee, Role.DISPATCHER)
        try:
            case_refer(demand.pk, actor=actor, kind=self.spec.kind, unit_id=unit.pk, note=self.spec.note, now=self.t)
        except DomainError as exc:
            self.result.problems.append(f"{self.spec.kind}#{self.spec.index} 转专项服务: {exc.message}")
            raise CaseStopped from exc
        matter = Case.objects.filter(origin=demand, kind=self.spec.kind).order_by("-pk").first()
        assert matter is not None
        self.case_id, self.case = matter.pk, matter
        self.result.referred += 1


class AidRun(FileRun):
    """法律援助: 申请 → [补正] → 给予 / 不予 (→ 异议) → 指派 → 援助 → 结案 or 终止; 先行援助; 撤回."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.texts = self.s.aid
        self.centre = self.unit_of(UnitKind.LEGAL_AID)
        self.lawyers = self.s.places[self.w.spec.key].lawyers
        apps = self.texts.applications
        if self.spec.target == AidState.CLOSED and self.spec.first:
            apps = tuple(a for a in apps if a.recovered) or apps  # one closing at least recovers money
        elif self.spec.target in AID_REFUSAL_TARGETS or self.rng.random() < 0.2:
            apps = tuple(a for a in apps if a.refusal)
        self.app = self.rng.choice(apps)
        self.parties_name(self.app.sexes)

    def handler(self) -> Person:
        return self.one(self.centre, Role.HANDLER)

    def leader(self) -> Person:
        return self.one(self.centre, Role.LEADER)

    def open(self) -> None:
        demand = self.spec.demand
        if demand is not None:
            self.refer(self.centre)
            # The texts that follow (the outcome) are those of an application of the matter type the
            # centre's opener read from the demand.
            matter = self.file.matter_type
            self.app = _closest(self.rng, [a for a in self.texts.applications if a.matter_type == matter]
                                or list(self.texts.applications), demand.content, lambda a: a.facts)
            self.parties_name(self.app.sexes)
            return
        app, rng, v = self.app, self.rng, self.values
        data = AidApplyIn(
            unit_id=self.centre.pk, applicant_name=v["applicant"], applicant_phone=mobile_random(rng, self.data.names),
            matter_type=app.matter_type, facts=self.fill(app.facts), other_party=self.fill(app.other_party),
            economic=self.fill(app.economic), exemption=app.exemption, address=f"{v['street']}{v['community']}",
            channel=app.channel,
        )
        actor = None if app.channel == Channel.PORTAL else self.handler()
        try:
            case = aid.aid_open(data, actor=actor, now=self.t)
        except DomainError as exc:
            self.result.problems.append(f"legal_aid#{self.spec.index} 申请: {exc.message}")
            raise CaseStopped from exc
        self.case_id, self.case = case.pk, case

    @property
    def file(self) -> LegalAidFile:
        return LegalAidFile.objects.get(case_id=self.case_id)

    def docs_request(self) -> datetime:
        self.later(self.rng.uniform(2, 30))
        docs = [self.fill(d) for d in self.rng.sample(self.app.documents, k=self.rng.randint(1, len(self.app.documents)))]
        self.do("一次性告知补正", aid.aid_docs_request, actor=self.handler(), documents=docs,
                note=self.rng.choice(self.texts.docs_notes))
        due = self.file.docs_due_at
        assert due is not None
        return due

    def docs_received(self) -> None:
        self.later(self.rng.uniform(20, 24 * 6))
        self.do("补正材料已收到", aid.aid_docs_received, actor=self.handler(),
                note=self.rng.choice(self.texts.docs_received_notes))

    def review(self) -> None:
        """The time the check takes, with a request for documents now and then."""
        f = self.file
        if not f.green_channel and self.age > timedelta(days=8) and self.rng.random() < 0.3:
            self.docs_request()
            self.docs_received()
        self.later(self.rng.uniform(1, 8) if f.green_channel else self.rng.uniform(20, 24 * 5))

    def grant(self) -> None:
        f = self.file
        note = self.texts.grant_notes["green" if f.green_channel else "exempt" if f.exemption else "met"]
        self.do("决定给予法律援助", aid.aid_grant, actor=self.leader(), hardship="exempt" if f.exemption else "met",
                note=self.fill(note))

    def assign(self) -> None:
        self.later(self.rng.uniform(2, 60))
        lawyer = self.rng.choice(self.lawyers)
        self.do("指派", aid.aid_assign, actor=self.leader(), lawyer_name=lawyer.name, lawyer_org=lawyer.title)

    def advance(self) -> None:
        self.later(self.rng.uniform(1, 6))
        lawyer = self.rng.choice(self.lawyers)
        deadline = timezone.localtime(self.t).date() + timedelta(days=self.rng.randint(2, 6))
        self.do("先行援助", aid.aid_advance, actor=self.leader(), deadline=deadline, lawyer_name=lawyer.name,
                lawyer_org=lawyer.title, reason=self.rng.choice(self.texts.advance_reasons))

    def refuse_and_object(self, *, decide: bool | None) -> None:
        refusal = self.app.refusal
        assert refusal is not None
        self.review()
        self.do("不予法律援助", aid.aid_refuse, actor=self.leader(), reason=self.fill(refusal.reason))
        if self.spec.target == AidState.REFUSED:
            return
        self.later(self.rng.uniform(12, 24 * 4))
        self.do("提出异议", aid.aid_object, actor=None, text=self.fill(refusal.objection))
        if decide is None:
            return
        self.later(self.rng.uniform(24, 24 * 4))
        bureau = self.centre.parent if self.centre.parent and self.w.people(self.centre.parent, Role.LEADER) else self.centre
        self.do("异议审查", aid.aid_objection_decide, actor=self.one(bureau, Role.LEADER), uphold=decide,
                reason=self.fill(refusal.uphold if decide else refusal.dismiss))

    def run(self) -> None:
        rng, target = self.rng, self.spec.target
        self.open()
        if target == AidState.REVIEW:
            if self.age > timedelta(days=3) and rng.random() < 0.4:
                self.docs_request()
                self.docs_received()
            return
        if target == AidState.DOCS:
            self.docs_request()
            return
        if target == AidState.WITHDRAWN:
            if rng.random() < 0.6:
                due = self.docs_request()
                if due + timedelta(days=1) < self.now:
                    self.until(due + timedelta(hours=rng.uniform(12, 72)))
                    self.do("逾期视为撤回", aid.aid_lapse, actor=self.leader())
                    return
            self.later(rng.uniform(4, 24 * 3))
            self.do("撤回申请", aid.aid_withdraw, actor=None if rng.random() < 0.5 else self.handler(),
                    reason=rng.choice(self.texts.withdraw_reasons))
            return
        refused_first = self.app.refusal is not None and self.spec.demand is None and (
            target in AID_REFUSAL_TARGETS or (not self.spec.first and rng.random() < 0.3))
        if refused_first and target in (AidState.REFUSED, AidState.OBJECTION, AidState.GRANTED, AidState.CLOSED):
            if target in (AidState.REFUSED, AidState.OBJECTION):
                self.refuse_and_object(decide=None)
                return
            self.refuse_and_object(decide=target == AidState.GRANTED)
            return
        if target in (AidState.SERVING, AidState.CLOSED, AidState.ENDED) and not self.spec.first and rng.random() < 0.15:
            self.advance()
        else:
            self.review()
            self.grant()
            if target == AidState.GRANTED:
                return
            self.assign()
        if target == AidState.SERVING:
            return
        self.until(self.spec.received_at + self.age * rng.uniform(0.55, 0.95))
        if target == AidState.ENDED:
            f = self.file
            choices = [t for t in self.texts.terminations if not (f.exemption and t[0] == "no_longer_eligible")]
            code, reason = rng.choice(choices)
            self.do("终止法律援助", aid.aid_terminate, actor=self.leader(), reason_code=code, reason=self.fill(reason))
            return
        recovered = None
        if self.app.recovered and (self.spec.first or rng.random() < 0.8):
            recovered = Decimal(self.values[self.app.recovered])
        self.do("结案归档", aid.aid_close, actor=self.handler(), outcome=self.fill(self.app.outcome),
                amount_recovered=recovered)


class MedRun(FileRun):
    """人民调解: 申请/移送 → 受理 (or 不予受理) → 调解 (sessions, extension) → 协议 (→ 回访, 司法确认 → 结案)
    or 调解不成 / 终止."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.texts = self.s.med
        self.committee = self.unit_of(UnitKind.MEDIATION)
        self.dispute = self.rng.choice(self.texts.disputes)
        self.rooms = list(MediationRoom.objects.filter(unit=self.committee, is_active=True).order_by("pk"))
        self.mediators = list(Mediator.objects.filter(unit=self.committee, is_active=True).order_by("pk")
                              .values_list("name", flat=True))
        self.team: list[str] = []
        self.room: MediationRoom | None = None
        self.said: dict[str, list[str]] = {}  # records not yet used, by mode

    def handler(self) -> Person:
        return self.one(self.committee, Role.HANDLER)

    def respondent(self) -> dict[str, str]:
        phone = "" if self.dispute.respondent else mobile_random(self.rng, self.data.names)  # a company: no mobile
        return {"name": self.values["respondent"], "role": "respondent", "phone": phone}

    def dispute_set(self, dispute: Dispute) -> None:
        self.dispute = dispute
        self.parties_name(dispute.sexes)
        if dispute.respondent:
            self.values["respondent"] = self.fill(dispute.respondent)

    def open(self) -> None:
        demand = self.spec.demand
        if demand is not None:
            self.refer(self.committee)
            kind = MediationFile.objects.get(case_id=self.case_id).dispute_type
            self.dispute_set(_closest(self.rng, [d for d in self.texts.disputes if d.dispute_type == kind]
                                      or list(self.texts.disputes), demand.content, lambda d: d.facts))
            return
        self.dispute_set(self.dispute)
        d, rng, v = self.dispute, self.rng, self.values
        source = rng.choice(d.sources)
        channel = Channel.FIELD_VISIT if source == "initiative" else Channel.PHONE if rng.random() < 0.15 else Channel.WINDOW
        data = MedOpenIn(
            unit_id=self.committee.pk, source=source, dispute_type=d.dispute_type, facts=self.fill(d.facts),
            parties=[{"name": v["applicant"], "role": "applicant", "phone": mobile_random(rng, self.data.names)},
                     self.respondent()],
            address=f"{v['street']}{v['community']}", channel=channel,
        )
        try:
            case = med.mediation_open(data, actor=self.handler(), now=self.t)
        except DomainError as exc:
            self.result.problems.append(f"mediation#{self.spec.index} 申请: {exc.message}")
            raise CaseStopped from exc
        self.case_id, self.case = case.pk, case

    def accept(self) -> None:
        rng = self.rng
        self.later(rng.uniform(3, 60))
        self.room = rng.choice(self.rooms) if self.rooms and rng.random() < 0.9 else None
        self.team = rng.sample(self.mediators, k=min(len(self.mediators), rng.choice((1, 2, 2))))
        parties = [self.respondent()] if self.spec.demand is not None else None  # a referral names only the citizen
        self.do("受理调解", med.med_accept, actor=self.handler(), room_id=self.room.pk if self.room else None,
                mediators=self.team, parties=parties, note=rng.choice(self.texts.accept_notes))

    def session(self, mode: str, at: datetime) -> None:
        rng, d = self.rng, self.dispute
        if mode not in d.sessions:
            mode = next(iter(d.sessions))
        if not self.said.get(mode):
            self.said[mode] = list(d.sessions[mode])
        record = self.said[mode].pop(0)  # in order: a later session goes on from the earlier one
        video = rng.random() < self.s.video_share
        place = self.room.name if self.room else ""
        if mode == "face_to_face" and d.place and rng.random() < 0.4:
            place = d.place
        self.until(at)
        moment = self.t
        self.later(rng.uniform(0.5, 3))  # the record is written after the session
        self.do("调解记录", med.med_session, actor=self.handler(), at=moment, record=self.fill(record),
                mode=mode, place=place, video=video, mediators=self.team)

    def mediate(self, end: datetime, sessions: int) -> None:
        """`sessions` sessions between now and `end`, 背对背 and 面对面 in turn; an extension past a month."""
        rng = self.rng
        start = self.t
        modes = [m for m in ("separate", "face_to_face") if m in self.dispute.sessions] or ["face_to_face"]
        mode = rng.choice(modes)
        extended = False
        for i in range(sessions):
            at = start + (end - start) * (i + 1) / (sessions + 1)
            if not extended and at - start > timedelta(days=26):
                self.until(start + timedelta(days=rng.uniform(22, 26)))
                self.do("延长调解期限", med.med_extend, actor=self.one(self.committee, Role.LEADER),
                        period=rng.choice(("15d", "1m")), reason=rng.choice(self.texts.extension_reasons))
                extended = True
            self.session(mode, at)
            if len(modes) > 1 and rng.random() < 0.7:
                mode = modes[1 - modes.index(mode)]
        self.until(end)

    def agree(self, *, closing: bool) -> None:
        rng, d = self.rng, self.dispute
        written = not d.oral_terms or rng.random() < 0.7
        terms = self.fill(d.terms if written else d.oral_terms)
        self.do("达成调解协议", med.med_agree, actor=self.handler(), form="written" if written else "oral", terms=terms)
        agreed = self.t
        left = self.now - agreed
        if written and rng.random() < (0.4 if closing else 0.3):
            self.later(min(left.total_seconds() / 3600 * 0.3, rng.uniform(24, 24 * 12)))
            self.do("申请司法确认", med.med_confirm, actor=self.handler(), note=self.fill(rng.choice(self.texts.confirm_notes)))
        if closing or (left > timedelta(days=10) and rng.random() < 0.5):  # a check once the first dates fall due
            outcome = "performed" if closing else rng.choice(("performed", "partial", "partial", "not_performed"))
            self.until(agreed + min(left * 0.7, timedelta(days=rng.uniform(7, 25))))
            self.do("履行回访", med.med_performance, actor=self.handler(), performance=outcome,
                    note=rng.choice(self.texts.performance_notes[outcome]))
        if closing:
            self.later(rng.uniform(4, 24 * 3))
            self.do("结案", med.med_close, actor=self.handler(), note=rng.choice(self.texts.close_notes))

    def run(self) -> None:
        rng, target = self.rng, self.spec.target
        self.open()
        if target == MedState.RECEIVED:
            return
        if target == MedState.DECLINED:
            self.later(rng.uniform(4, 72))
            self.do("不予受理", med.med_decline, actor=self.handler(), reason=rng.choice(self.texts.decline_reasons))
            return
        self.accept()
        left = self.now - self.t
        if target == MedState.MEDIATING:
            self.mediate(self.t + left * rng.uniform(0.6, 0.95), rng.randint(1, 2) if left > timedelta(days=2) else 1)
            return
        span = min(timedelta(days=rng.uniform(3, 24)), left * (0.5 if target in (MedState.AGREED, MedState.CLOSED) else 0.8))
        self.mediate(self.t + span, 1 if target == MedState.ENDED else rng.randint(1, 3))
        if target == MedState.ENDED:
            self.do("终止调解", med.med_terminate, actor=self.handler(), reason=rng.choice(self.texts.terminate_reasons))
        elif target == MedState.FAILED:
            self.do("调解不成", med.med_fail, actor=self.handler(), next_channel=self.dispute.fail_channel,
                    reason=self.fill(self.dispute.fail_reason))
        else:
            self.agree(closing=target == MedState.CLOSED)


# -- the build ------------------------------------------------------------------------------------


def rooms_build(worlds: list[PlaceWorld], s: ServicesData, result: DemoResult) -> None:
    """The named rooms and the mediators of every people's mediation committee (reused if there)."""
    for w in worlds:
        spec = s.places[w.spec.key]
        for unit in (u for units in w.units.values() for u in units if u.kind == UnitKind.MEDIATION):
            for room in spec.rooms:
                _, new = MediationRoom.objects.get_or_create(unit=unit, name=room.name, defaults={"address": room.address})
                result.rooms += new
            for person in spec.mediators:
                _, new = Mediator.objects.get_or_create(unit=unit, name=person.name, defaults={"title": person.title})
                result.mediators += new


def services_build(rng: random.Random, worlds: list[PlaceWorld], count: int, now: datetime, result: DemoResult,
                   data: DemoData, s: ServicesData, demand_ids: list[int]) -> list[int]:
    """`count` files of each kind (at least one per state) in the demo's districts; the new cases' ids."""
    with transaction.atomic():
        rooms_build(worlds, s, result)
    specs = files_plan(rng, worlds, count, now, s)
    referrals_bind(rng, specs, worlds, demand_ids, now, s)
    ids: list[int] = []
    for spec in sorted(specs, key=lambda x: (x.received_at, x.index)):
        runner = AidRun if spec.kind == Kind.LEGAL_AID else MedRun
        with transaction.atomic():
            run = runner(spec, worlds[spec.place], now, result, data, s)
            with contextlib.suppress(CaseStopped):
                run.run()
        if run.case_id:
            ids.append(run.case_id)
    rows = Case.objects.filter(pk__in=ids)
    result.legal_aid.update(rows.filter(kind=Kind.LEGAL_AID).values_list("state", flat=True))
    result.mediation.update(rows.filter(kind=Kind.MEDIATION).values_list("state", flat=True))
    files = LegalAidFile.objects.filter(case_id__in=ids, amount_recovered__isnull=False)
    result.recovered = sum((f.amount_recovered for f in files if f.amount_recovered is not None), Decimal(0))
    return ids
