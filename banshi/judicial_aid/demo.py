"""The demo's 国家司法救助 files: matters in every state of the workflow at the demo's courts,
procuratorates and police organs, driven through the real domain functions (`ja_open`,
`ja_docs_request`, `ja_grant`, `ja_pay` …) with `now=` at each step's historical moment, in time
order; some are proposed by another organ of the region. What they say comes from
``data/demo.yaml``, read and checked before anything is written. Reproducible: the same rng, data,
`now` and units give the same files.

The demo build calls `demo_generate(rng, now, units)`."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone

from banshi.core.datafiles import DataFileError, read_mapping
from banshi.judicial_aid import catalog
from banshi.judicial_aid import domain as ja
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit

PATH = Path(__file__).parent / "data" / "demo.yaml"
S = JaState


class DemoDataError(DataFileError):
    what: ClassVar[str] = "国家司法救助演示数据文件"


@dataclass(frozen=True)
class Application:
    situation: str
    case_ref: str
    circumstances: str
    documents: tuple[str, ...]
    amount: tuple[int, int]
    refusal: tuple[str, str] | None  # (reason code, reasons)


@dataclass(frozen=True)
class DemoData:
    states: dict[str, tuple[int, tuple[float, float]]]  # state → (count, days ago range)
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]
    applications: tuple[Application, ...]
    texts: dict[str, tuple[str, ...]]
    docs_lists: tuple[tuple[str, ...], ...]


TEXTS = ("docs_notes", "docs_received_notes", "grant_reasons", "exceed_reasons", "withdraw_reasons",
         "payment_notes", "references", "close_notes")


def _strings(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}：应为非空的文字列表")
        return ()
    return tuple(str(v).strip() for v in value)


@cache
def demo_data() -> DemoData:
    """The demo texts, checked against the catalogue (situations, refusal reasons) and the states."""
    raw = read_mapping(PATH, ("states", "applications", *TEXTS), DemoDataError)
    cat = catalog.judicial_aid()
    problems: list[str] = []
    states: dict[str, tuple[int, tuple[float, float]]] = {}
    for state, spec in (raw.get("states") or {}).items():
        if state not in S.values:
            problems.append(f"states：{state} 不是司法救助的状态")
            continue
        count, days = (spec or {}).get("count"), (spec or {}).get("days")
        if not isinstance(count, int) or count < 1:
            problems.append(f"states.{state}.count：应为不小于1的整数")
            continue
        if (not isinstance(days, list) or len(days) != 2 or not all(isinstance(d, int | float) for d in days)
                or not 0 < days[0] <= days[1]):
            problems.append(f"states.{state}.days：应为 [最少天数, 最多天数]")
            continue
        states[str(state)] = (count, (float(days[0]), float(days[1])))
    missing = [s for s in S.values if s not in states]
    if missing:
        problems.append(f"states：缺少 {'、'.join(missing)}（每个状态至少1件）")
    apps: list[Application] = []
    for i, a in enumerate(raw.get("applications") or []):
        where = f"applications[{i}]"
        if not isinstance(a, dict):
            problems.append(f"{where}：应为映射")
            continue
        if a.get("situation") not in cat["situations"]:
            problems.append(f"{where}.situation：不是 judicial_aid.yaml 中的救助情形")
        for key in ("case_ref", "circumstances"):
            if not isinstance(a.get(key), str) or not a[key].strip():
                problems.append(f"{where}.{key}：应为文字")
        amount = a.get("amount")
        if (not isinstance(amount, list) or len(amount) != 2 or not all(isinstance(x, int) for x in amount)
                or not 0 < amount[0] <= amount[1]):
            problems.append(f"{where}.amount：应为 [最少金额, 最多金额]（元，整数）")
            amount = [1, 1]
        refusal = a.get("refusal")
        if refusal is not None and (not isinstance(refusal, dict) or refusal.get("code") not in cat["refusal_reasons"]
                                    or not str(refusal.get("reasons") or "").strip()):
            problems.append(f"{where}.refusal：须有 code（refusal_reasons 之一）与 reasons")
            refusal = None
        apps.append(Application(
            situation=str(a.get("situation")), case_ref=str(a.get("case_ref") or ""),
            circumstances=str(a.get("circumstances") or "").strip(),
            documents=_strings(a.get("documents"), f"{where}.documents", problems),
            amount=(int(amount[0]), int(amount[1])),
            refusal=(str(refusal["code"]), str(refusal["reasons"]).strip()) if refusal else None))
    if not apps:
        problems.append("applications：应为非空列表")
    elif not any(a.refusal for a in apps):
        problems.append("applications：至少要有一项写明 refusal（不予救助的演示案卷要用到）")
    texts = {key: _strings(raw.get(key), key, problems) for key in TEXTS}
    docs_lists = tuple(_strings(d, f"docs_lists[{i}]", problems) for i, d in enumerate(raw.get("docs_lists") or []))
    if not docs_lists:
        problems.append("docs_lists：应为非空列表")
    surnames = _strings(raw.get("surnames"), "surnames", problems)
    given = _strings(raw.get("given_names"), "given_names", problems)
    if problems:
        raise DemoDataError(PATH, problems)
    return DemoData(states=states, surnames=surnames, given_names=given, applications=tuple(apps), texts=texts,
                    docs_lists=docs_lists)


@dataclass
class _Organ:
    unit: Unit
    handler: Person
    leader: Person


def _organs(units: Iterable[Unit]) -> list[_Organ]:
    """The deciding units with a handler and a leader (by id: reproducible)."""
    out = []
    for unit in sorted((u for u in units if u.kind in ja.DECIDING_KINDS and u.is_active), key=lambda u: u.pk):
        staff = Person.objects.filter(unit=unit, is_active=True).order_by("id")
        handler = staff.filter(role=Role.HANDLER).first()
        leader = staff.filter(role=Role.LEADER).first()
        if handler is not None and leader is not None:
            out.append(_Organ(unit, handler, leader))
    return out


def _times(rng: random.Random, start: datetime, now: datetime, n: int) -> list[datetime]:
    """n moments after `start` and before `now`, in order (whole minutes)."""
    span = (now - start).total_seconds()
    fractions = sorted(rng.uniform(0.08, 0.92) for _ in range(n))
    out: list[datetime] = []
    for f in fractions:
        t = (start + timedelta(seconds=span * f)).replace(second=0, microsecond=0)
        out.append(max(t, out[-1] + timedelta(minutes=1)) if out else t)
    return out


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(max(100, round(rng.randint(lo, hi), -2)))


class _Run:
    def __init__(self, rng: random.Random, now: datetime, data: DemoData, organs: list[_Organ]) -> None:
        self.rng, self.now, self.data, self.organs = rng, now, data, organs
        self.serial = 0

    def text(self, key: str) -> str:
        return self.rng.choice(self.data.texts[key])

    def one(self, target: str, days: tuple[float, float]) -> None:
        rng, d = self.rng, self.data
        organ = rng.choice(self.organs)
        apps = [a for a in d.applications if a.refusal] if target == S.REFUSED else list(d.applications)
        app = rng.choice(apps)
        start = (self.now - timedelta(days=rng.uniform(*days))).replace(second=0, microsecond=0)
        self.serial += 1
        year = timezone.localtime(start).year
        proposers = [o for o in self.organs if o.unit.pk != organ.unit.pk
                     and o.unit.region.path.startswith(organ.unit.region.path)]
        proposer = rng.choice(proposers) if proposers and rng.random() < 0.3 else None
        docs_round = target == S.DOCS or (target in (S.REVIEW, S.GRANTED, S.REFUSED, S.WITHDRAWN)
                                          and rng.random() < 0.4)
        plan = self._plan(target, docs_round)
        times = _times(rng, start, self.now, len(plan))
        with transaction.atomic():
            case = ja.ja_open(JaApplyIn(
                unit_id=organ.unit.pk, applicant_name=rng.choice(d.surnames) + rng.choice(d.given_names),
                applicant_phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                situation=app.situation, circumstances=app.circumstances,
                case_ref=app.case_ref.format(year=year, n=100 + self.serial), documents=list(app.documents),
                channel=rng.choice(["window", "window", "letter", "phone"])),
                actor=proposer.handler if proposer else organ.handler, now=start)
            amount = self._amount(app, case.region_path)
            paid = Decimal("0")
            for step, at in zip(plan, times, strict=True):
                if step == "docs":
                    ja.ja_docs_request(case.pk, actor=organ.handler, documents=list(rng.choice(d.docs_lists)),
                                       note=self.text("docs_notes"), now=at)
                elif step == "docs_in":
                    ja.ja_docs_received(case.pk, actor=organ.handler, note=self.text("docs_received_notes"), now=at)
                elif step == "grant":
                    over = amount > catalog.amount_limit(case.region_path)
                    ja.ja_grant(case.pk, actor=organ.leader, amount=amount, reasons=self.text("grant_reasons"),
                                exceed_reason=self.text("exceed_reasons") if over else "", now=at)
                elif step == "refuse":
                    assert app.refusal is not None
                    ja.ja_refuse(case.pk, actor=organ.leader, reason_code=app.refusal[0], reasons=app.refusal[1],
                                 now=at)
                elif step == "withdraw":
                    ja.ja_withdraw(case.pk, actor=organ.handler, reason=self.text("withdraw_reasons"), now=at)
                elif step in ("part", "rest"):
                    part = (amount * Decimal(str(round(rng.uniform(0.3, 0.7), 2)))).quantize(Decimal("1"))
                    value = amount - paid if step == "rest" else part
                    method = "bank_transfer" if rng.random() < 0.8 else "cash"
                    ref = (f"{rng.choice(d.texts['references'])}{timezone.localtime(at):%Y%m%d}{rng.randint(1000, 9999)}"
                           if method == "bank_transfer" else "")
                    ja.ja_pay(case.pk, actor=organ.handler, amount=value, paid_on=timezone.localtime(at).date(),
                              method=method, reference=ref, note=self.text("payment_notes"), now=at)
                    paid += value
                elif step == "close":
                    ja.ja_close(case.pk, actor=organ.handler, note=self.text("close_notes"), now=at)

    def _amount(self, app: Application, region_path: str) -> Decimal:
        amount = _money(self.rng, *app.amount)
        if app.situation == "victim_death_dependants" and self.rng.random() < 0.3:  # 损失特别重大: above the limit
            amount = catalog.amount_limit(region_path) + _money(self.rng, 10000, 50000)
        return amount

    def _plan(self, target: str, docs_round: bool) -> list[str]:
        rng = self.rng
        docs = ["docs", "docs_in"] if docs_round else []
        if target == S.REVIEW:
            return docs
        if target == S.DOCS:
            return ["docs"]
        if target == S.WITHDRAWN:
            return [*(docs[:1] if docs_round and rng.random() < 0.5 else docs), "withdraw"]
        if target == S.REFUSED:
            return [*docs, "refuse"]
        pays = ["part", "rest"] if rng.random() < 0.4 else ["rest"]
        if target == S.GRANTED:
            return [*docs, "grant", *(["part"] if rng.random() < 0.5 else [])]
        if target == S.PAID:
            return [*docs, "grant", *pays]
        return [*docs, "grant", *pays, "close"]  # ja_closed


def demo_generate(rng: random.Random, now: datetime, units: Iterable[Unit]) -> int:
    """Judicial-aid matters in every state at the given units' courts, procuratorates and police
    organs (those with a handler and a leader); returns how many were made (0 without such a unit).
    Raises DemoDataError, before writing anything, when data/demo.yaml has a mistake."""
    data = demo_data()
    organs = _organs(units)
    if not organs:
        return 0
    run = _Run(rng, now, data, organs)
    made = 0
    for state in S.values:
        count, days = data.states[state]
        for _ in range(count):
            run.one(state, days)
            made += 1
    return made
