"""The demo world's domain data, read from the YAML files in ``banshi/demo/data/``.

What the demo is made of (places, units, staff, sample demands, replies, the case mix) lives in data
files a domain expert can review; each file's header says what it holds. This module reads them once,
checks every field and the references between files, and hands the build typed, immutable values.
Any problem raises :class:`DemoDataError` naming the file, the entry and what is wrong, before the
build writes anything.

The order of the entries is part of the seed: the build draws from these lists in file order.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from banshi.cases.enums import UNSATISFIED_RATINGS, CaseType, Channel, Satisfaction, State
from banshi.core.datafiles import YamlReadError, read_yaml
from banshi.orgs.enums import Agency, Role, UnitKind
from banshi.sla.periods import parse_period

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("places.yaml", "people.yaml", "units.yaml", "staff.yaml", "demands.yaml", "replies.yaml", "mix.yaml",
         "knowledge.yaml", "services.yaml")  # services.yaml: read and checked by services.py

# Placeholders a demand text may use; cases.py fills exactly these.
TEXT_PLACEHOLDERS = frozenset({
    "estate", "road", "road2", "street", "community", "amount", "wage", "n", "people", "months", "month", "year",
    "age", "company", "other", "bank", "plate", "date", "court", "unit",
})
PLACE_NAME_PLACEHOLDERS = frozenset({"county", "prefix", "short"})
STREET_NAME_PLACEHOLDERS = PLACE_NAME_PLACEHOLDERS | {"street", "street_short"}
# Unit keys the build's logic refers to by name (see units.yaml).
REQUIRED_UNITS = ("committee", "court", "street", "urban")
ALL_STREETS = "all"

E = TypeVar("E", bound=Enum)
Region = tuple[str, str]  # (code, name)
Weights = tuple[tuple[Any, float], ...]


class DemoDataError(ValueError):
    """A demo data file is missing, malformed, or inconsistent with another one."""


# -- the typed data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    key: str  # ASCII, used in usernames
    province: Region
    city: Region | None  # None for a district of a 直辖市
    county: Region
    streets: tuple[Region, ...]
    roads: tuple[str, ...]
    plate: str
    weight: float

    @property
    def prefix(self) -> str:
        """What goes before the district name in a unit's full name (秦皇岛市 / 北京市)."""
        return (self.city or self.province)[1]

    @property
    def short(self) -> str:
        return self.county[1].removesuffix("区").removesuffix("县")


@dataclass(frozen=True)
class Names:
    surnames: tuple[str, ...]
    male_chars: tuple[str, ...]
    female_chars: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class UnitSpec:
    key: str
    kind: UnitKind
    name: str  # a pattern: {county} {prefix} {short}, and {street} {street_short} for per-street units
    parent: str = ""
    per_street: int | str | None = None  # None: one per place; N: one for each of the first N streets; "all"

    def count(self, streets: int) -> int | None:
        """How many units of this key a place with `streets` streets gets (None: one, at district level)."""
        if self.per_street is None:
            return None
        return streets if self.per_street == ALL_STREETS else int(self.per_street)


@dataclass(frozen=True)
class ServicePointSpec:
    unit: str
    name: str  # {unit}
    channel: Channel


@dataclass(frozen=True)
class GridSpec:
    name: str  # {community}
    officers: tuple[str, ...]  # unit keys


@dataclass(frozen=True)
class PeopleSpec:
    role: Role
    count: int
    login: str = ""


@dataclass(frozen=True)
class StaffSpec:
    unit: str
    people: tuple[PeopleSpec, ...]


@dataclass(frozen=True)
class Template:
    category: str
    target: str  # unit key
    type: CaseType
    title: str
    text: str
    policy: str = ""
    urgent: bool = False
    co: str = ""


@dataclass(frozen=True)
class Demands:
    templates: tuple[Template, ...]
    invalid_texts: tuple[str, ...]
    duplicate_tails: tuple[str, ...]
    banks: tuple[str, ...]
    company_heads: tuple[str, ...]
    company_tails: tuple[str, ...]
    plate_chars: str
    units: tuple[str, ...]  # what {unit} picks from


@dataclass(frozen=True)
class Notes:
    answered_on_the_spot: str
    invalid_no_content: str
    invalid_nuisance: str
    transfer: str  # {unit}
    return_approved: str
    co_add: str
    documents_request: str
    documents_received: str
    extension_approved: str
    extension_refused: str
    reply_sent_back: str
    reply_resubmitted_tail: str
    reply_approved: str
    merge: str  # {number}


NOTE_PLACEHOLDERS = {"transfer": frozenset({"unit"}), "merge": frozenset({"number"})}


@dataclass(frozen=True)
class Replies:
    final: dict[str, tuple[str, ...]]  # by unit key
    procedural: str
    progress: tuple[str, ...]
    extension_reasons: tuple[str, ...]
    return_reasons: tuple[str, ...]
    supervise_notes: tuple[str, ...]
    supervise_answers: tuple[str, ...]
    withdraw_reasons: tuple[str, ...]
    co_reports: tuple[str, ...]
    satisfied_comments: tuple[str, ...]
    basic_comments: tuple[str, ...]
    unsatisfied_comments: tuple[str, ...]
    notes: Notes


@dataclass(frozen=True)
class Intake:
    unit: str  # unit key of the intake unit
    share: float
    channels: Weights


@dataclass(frozen=True)
class Mix:
    states: Weights  # (State, weight)
    committee_channels: Weights  # (Channel, weight)
    unit_intake: dict[str, Intake]  # by target unit key
    handling_days: tuple[float, float]
    handling_days_by_policy: dict[str, tuple[float, float]]
    extension_period: str
    extension_period_by_policy: dict[str, str]
    ratings: Weights  # (rating, weight)
    reopen_ratings: tuple[int, ...]
    misroute_units: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeSpec:
    """A knowledge-base entry (知识库) for the hotline's on-the-spot answers."""

    title: str
    category: str
    agency: str
    keywords: str
    question: str
    answer: str
    source: str


@dataclass(frozen=True)
class DemoData:
    places: tuple[PlaceSpec, ...]
    communities: tuple[str, ...]
    estates: tuple[str, ...]
    names: Names
    units: tuple[UnitSpec, ...]
    service_points: tuple[ServicePointSpec, ...]
    grids: GridSpec
    login_place: str
    staff: tuple[StaffSpec, ...]
    demands: Demands
    replies: Replies
    mix: Mix
    knowledge: tuple[KnowledgeSpec, ...]
    source: Path  # the directory the files were read from

    def policies_check(self, known: Iterable[str]) -> None:
        """Raise DemoDataError if a template names a deadline policy that is not in `known`."""
        known = set(known)
        for i, t in enumerate(self.demands.templates):
            if t.policy and t.policy not in known:
                _File(self.source / "demands.yaml").fail(
                    f"templates[{i}].policy", f"未知的时限规则“{t.policy}”，可选：{'、'.join(sorted(known))}"
                )


# -- reading and checking -----------------------------------------------------------------------------


class _File:
    """One data file: its parsed content and typed readers that fail with the file and the entry's path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> NoReturn:
        raise DemoDataError(f"演示数据文件 {self.path} 有误：{where}：{problem}" if where else
                            f"演示数据文件 {self.path} 有误：{problem}")

    def read(self) -> dict[str, Any]:
        try:
            content = read_yaml(self.path)
        except YamlReadError as exc:
            if exc.reason == "unreadable":
                self.fail("", f"无法读取（{exc.problem}）")
            if exc.reason == "not_utf8":
                self.fail("", "不是 UTF-8 编码的文本")
            at = f"第 {exc.line} 行第 {exc.column} 列" if exc.line is not None else ""
            problem = f"重复的键“{exc.key}”" if exc.reason == "duplicate_key" else exc.problem
            self.fail(at, f"不是有效的 YAML（{problem}）")
        if not isinstance(content, dict):
            self.fail("", "顶层应为键值对（mapping）")
        return content

    # scalars
    def text(self, value: Any, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(where, f"应为文本，实际是 {_shown(value)}（数字、yes/no 等请加引号）")
        if not empty and not value.strip():
            self.fail(where, "不能为空")
        return value

    def number(self, value: Any, where: str, *, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"应为数字，实际是 {_shown(value)}")
        if value < 0 or (positive and value == 0):
            self.fail(where, f"应为{'正数' if positive else '非负数'}，实际是 {value}")
        return value

    def integer(self, value: Any, where: str, *, minimum: int = 1) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"应为整数，实际是 {_shown(value)}")
        if value < minimum:
            self.fail(where, f"应不小于 {minimum}，实际是 {value}")
        return value

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, f"应为 true 或 false，实际是 {_shown(value)}")
        return value

    def choice(self, value: Any, where: str, enum: type[E]) -> E:
        allowed = [str(m.value) for m in enum]
        if isinstance(value, bool) or str(value) not in allowed:
            self.fail(where, f"未知的取值 {_shown(value)}，可选：{'、'.join(allowed)}")
        return next(m for m in enum if str(m.value) == str(value))

    def digits(self, value: Any, where: str, length: int) -> str:
        code = self.text(value, where)
        if not (code.isascii() and code.isdigit() and len(code) == length):
            self.fail(where, f"应为 {length} 位数字的区划代码（加引号），实际是 {_shown(value)}")
        return code

    def pattern(self, value: Any, where: str, allowed: Iterable[str]) -> str:
        text = self.text(value, where)
        allowed = frozenset(allowed)
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            self.fail(where, f"花括号不成对（{exc}）；占位符写作 {{名称}}")
        unknown = sorted(n for n in names if n not in allowed)
        if unknown:
            hint = "、".join(f"{{{n}}}" for n in sorted(allowed)) if allowed else "无（此处不能用占位符）"
            self.fail(where, f"未知的占位符 {'、'.join(f'{{{n}}}' for n in unknown)}，可用：{hint}")
        return text

    # containers
    def mapping(self, value: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"应为键值对（mapping），实际是 {_shown(value)}")
        required, optional = tuple(required), tuple(optional)
        missing = [k for k in required if k not in value]
        if missing:
            self.fail(where, f"缺少 {'、'.join(missing)}")
        unknown = [str(k) for k in value if k not in required and k not in optional]
        if unknown:
            self.fail(where, f"不认识的键 {'、'.join(unknown)}，可用：{'、'.join((*required, *optional))}")
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail(where, f"应为非空列表，实际是 {_shown(value)}")
        return value

    def texts(self, value: Any, where: str, *, empty_items: bool = False) -> tuple[str, ...]:
        return tuple(self.text(v, f"{where}[{i}]", empty=empty_items) for i, v in enumerate(self.items(value, where)))

    def weights(self, value: Any, where: str, key: Callable[[Any, str], Any]) -> Weights:
        """A mapping of key → non-negative weight, in file order, with a positive total."""
        if not isinstance(value, dict) or not value:
            self.fail(where, f"应为非空的“取值: 权重”键值对，实际是 {_shown(value)}")
        pairs = tuple((key(k, f"{where}.{k}"), self.number(w, f"{where}.{k}")) for k, w in value.items())
        if not sum(w for _, w in pairs) > 0:
            self.fail(where, "权重之和应大于 0")
        return pairs

    def key_of(self, value: Any, where: str, keys: Iterable[str], what: str = "单位") -> str:
        keys = tuple(keys)
        if value not in keys:
            self.fail(where, f"未知的{what} {_shown(value)}，可选：{'、'.join(keys)}")
        return str(value)


def _shown(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, str):
        return f"“{value}”"
    return f"{value!r}（{type(value).__name__}）"


# -- the files ----------------------------------------------------------------------------------------


def _places(f: _File, doc: dict[str, Any]) -> tuple[tuple[PlaceSpec, ...], tuple[str, ...], tuple[str, ...]]:
    f.mapping(doc, "", ("places", "communities", "estates"))
    places: list[PlaceSpec] = []

    def region(value: Any, where: str, length: int) -> Region:
        m = f.mapping(value, where, ("code", "name"))
        return f.digits(m["code"], f"{where}.code", length), f.text(m["name"], f"{where}.name")

    for i, raw in enumerate(f.items(doc["places"], "places")):
        at = f"places[{i}]"
        m = f.mapping(raw, at, ("key", "province", "city", "county", "streets", "roads", "plate", "weight"))
        key = f.text(m["key"], f"{at}.key")
        if not (key.isascii() and key.isidentifier() and key.islower()):
            f.fail(f"{at}.key", f"应为小写英文字母、数字和下划线（用于账号名），实际是 {_shown(key)}")
        if any(p.key == key for p in places):
            f.fail(f"{at}.key", f"重复的地区 {key}")
        streets = tuple(region(s, f"{at}.streets[{j}]", 9) for j, s in enumerate(f.items(m["streets"], f"{at}.streets")))
        places.append(PlaceSpec(
            key=key,
            province=region(m["province"], f"{at}.province", 6),
            city=None if m["city"] is None else region(m["city"], f"{at}.city", 6),
            county=region(m["county"], f"{at}.county", 6),
            streets=streets,
            roads=f.texts(m["roads"], f"{at}.roads"),
            plate=f.text(m["plate"], f"{at}.plate"),
            weight=f.number(m["weight"], f"{at}.weight", positive=True),
        ))
    return tuple(places), f.texts(doc["communities"], "communities"), f.texts(doc["estates"], "estates")


def _names(f: _File, doc: dict[str, Any]) -> Names:
    f.mapping(doc, "", ("surnames", "given_name_chars", "mobile_prefixes"))
    chars = f.mapping(doc["given_name_chars"], "given_name_chars", ("male", "female"))
    prefixes = f.texts(doc["mobile_prefixes"], "mobile_prefixes")
    for i, p in enumerate(prefixes):
        if not (p.isascii() and p.isdigit() and len(p) == 3 and p.startswith("1")):
            f.fail(f"mobile_prefixes[{i}]", f"应为以 1 开头的 3 位数字（加引号），实际是 {_shown(p)}")
    return Names(
        surnames=f.texts(doc["surnames"], "surnames"),
        male_chars=f.texts(chars["male"], "given_name_chars.male"),
        female_chars=f.texts(chars["female"], "given_name_chars.female"),
        mobile_prefixes=prefixes,
    )


def _units(f: _File, doc: dict[str, Any], places: tuple[PlaceSpec, ...]
           ) -> tuple[tuple[UnitSpec, ...], tuple[ServicePointSpec, ...], GridSpec]:
    f.mapping(doc, "", ("units", "service_points", "grids"))
    units: list[UnitSpec] = []
    fewest_streets = min(len(p.streets) for p in places)
    for i, raw in enumerate(f.items(doc["units"], "units")):
        at = f"units[{i}]"
        m = f.mapping(raw, at, ("key", "kind", "name"), ("parent", "per_street"))
        key = f.text(m["key"], f"{at}.key")
        if any(u.key == key for u in units):
            f.fail(f"{at}.key", f"重复的单位 {key}")
        parent = ""
        if "parent" in m:
            parent = f.key_of(m["parent"], f"{at}.parent", [u.key for u in units], "上级单位（须在本单位之前列出）")
        per_street: int | str | None = None
        if "per_street" in m:
            if m["per_street"] == ALL_STREETS:
                per_street = ALL_STREETS
            else:
                per_street = f.integer(m["per_street"], f"{at}.per_street")
                if per_street > fewest_streets:
                    f.fail(f"{at}.per_street", f"{per_street} 超过了街道最少的地区的街道数 {fewest_streets}（places.yaml）")
        allowed = STREET_NAME_PLACEHOLDERS if per_street is not None else PLACE_NAME_PLACEHOLDERS
        units.append(UnitSpec(key, f.choice(m["kind"], f"{at}.kind", UnitKind), f.pattern(m["name"], f"{at}.name", allowed),
                              parent, per_street))
    keys = [u.key for u in units]
    for key in REQUIRED_UNITS:
        if key not in keys:
            f.fail("units", f"缺少单位 {key}（演示数据的生成逻辑要用到）")
    points: list[ServicePointSpec] = []
    for i, raw in enumerate(f.items(doc["service_points"], "service_points")):
        at = f"service_points[{i}]"
        m = f.mapping(raw, at, ("unit", "name", "channel"))
        unit = f.key_of(m["unit"], f"{at}.unit", keys)
        if any(p.unit == unit for p in points):
            f.fail(f"{at}.unit", f"单位 {unit} 已有服务点（每个单位最多一个）")
        points.append(ServicePointSpec(unit, f.pattern(m["name"], f"{at}.name", {"unit"}),
                                       f.choice(m["channel"], f"{at}.channel", Channel)))
    g = f.mapping(doc["grids"], "grids", ("name", "officers"))
    officers = tuple(f.key_of(k, f"grids.officers[{i}]", keys) for i, k in enumerate(f.items(g["officers"], "grids.officers")))
    return tuple(units), tuple(points), GridSpec(f.pattern(g["name"], "grids.name", {"community"}), officers)


def _staff(f: _File, doc: dict[str, Any], units: tuple[UnitSpec, ...], places: tuple[PlaceSpec, ...]
           ) -> tuple[str, tuple[StaffSpec, ...]]:
    f.mapping(doc, "", ("login_place", "staff"))
    login_place = f.key_of(doc["login_place"], "login_place", [p.key for p in places], "地区（places.yaml）")
    staff: list[StaffSpec] = []
    logins: set[str] = set()
    for i, raw in enumerate(f.items(doc["staff"], "staff")):
        at = f"staff[{i}]"
        m = f.mapping(raw, at, ("unit", "people"))
        unit = f.key_of(m["unit"], f"{at}.unit", [u.key for u in units])
        if any(s.unit == unit for s in staff):
            f.fail(f"{at}.unit", f"单位 {unit} 已经列出过")
        people: list[PeopleSpec] = []
        for j, p in enumerate(f.items(m["people"], f"{at}.people")):
            pat = f"{at}.people[{j}]"
            pm = f.mapping(p, pat, ("role", "count"), ("login",))
            login = ""
            if "login" in pm:
                login = f.text(pm["login"], f"{pat}.login")
                if not (login.isascii() and login.isidentifier()) or login in logins:
                    f.fail(f"{pat}.login", f"账号应为不重复的英文字母、数字和下划线，实际是 {_shown(login)}")
                logins.add(login)
            people.append(PeopleSpec(f.choice(pm["role"], f"{pat}.role", Role), f.integer(pm["count"], f"{pat}.count"), login))
        staff.append(StaffSpec(unit, tuple(people)))
    return login_place, tuple(staff)


def _demands(f: _File, doc: dict[str, Any], unit_keys: list[str]) -> Demands:
    f.mapping(doc, "", ("templates", "invalid_texts", "duplicate_tails", "fillers"))
    templates = []
    for i, raw in enumerate(f.items(doc["templates"], "templates")):
        at = f"templates[{i}]"
        m = f.mapping(raw, at, ("category", "unit", "type", "title", "text"), ("policy", "urgent", "co"))
        templates.append(Template(
            category=f.text(m["category"], f"{at}.category"),
            target=f.key_of(m["unit"], f"{at}.unit", unit_keys),
            type=f.choice(m["type"], f"{at}.type", CaseType),
            title=f.text(m["title"], f"{at}.title"),
            text=f.pattern(m["text"], f"{at}.text", TEXT_PLACEHOLDERS),
            policy=f.text(m["policy"], f"{at}.policy") if "policy" in m else "",
            urgent=f.flag(m["urgent"], f"{at}.urgent") if "urgent" in m else False,
            co=f.key_of(m["co"], f"{at}.co", unit_keys) if "co" in m else "",
        ))
    fl = f.mapping(doc["fillers"], "fillers", ("banks", "company_heads", "company_tails", "plate_chars", "units"))
    return Demands(
        templates=tuple(templates),
        invalid_texts=f.texts(doc["invalid_texts"], "invalid_texts"),
        duplicate_tails=f.texts(doc["duplicate_tails"], "duplicate_tails"),
        banks=f.texts(fl["banks"], "fillers.banks"),
        company_heads=f.texts(fl["company_heads"], "fillers.company_heads"),
        company_tails=f.texts(fl["company_tails"], "fillers.company_tails"),
        plate_chars=f.text(fl["plate_chars"], "fillers.plate_chars"),
        units=tuple(f.key_of(k, f"fillers.units[{i}]", unit_keys) for i, k in enumerate(f.items(fl["units"], "fillers.units"))),
    )


def _replies(f: _File, doc: dict[str, Any], unit_keys: list[str], templates: tuple[Template, ...]) -> Replies:
    f.mapping(doc, "", ("final_replies", "procedural_reply", "progress_replies", "extension_reasons", "return_reasons",
                        "supervise_notes", "supervise_answers", "withdraw_reasons", "co_reports", "follow_up_comments",
                        "notes"))
    final = doc["final_replies"]
    if not isinstance(final, dict):
        f.fail("final_replies", f"应为“单位: 答复列表”键值对，实际是 {_shown(final)}")
    replies = {f.key_of(k, f"final_replies.{k}", unit_keys): f.texts(v, f"final_replies.{k}") for k, v in final.items()}
    for t in templates:
        if t.target not in replies:
            f.fail("final_replies", f"缺少单位 {t.target} 的办结答复（demands.yaml 中有派给它的诉求）")
    comments = f.mapping(doc["follow_up_comments"], "follow_up_comments", ("satisfied", "basic", "unsatisfied"))
    names = [fl.name for fl in fields(Notes)]
    raw_notes = f.mapping(doc["notes"], "notes", names)
    notes = Notes(**{n: f.pattern(raw_notes[n], f"notes.{n}", NOTE_PLACEHOLDERS.get(n, ())) for n in names})
    return Replies(
        final=replies,
        procedural=f.text(doc["procedural_reply"], "procedural_reply"),
        progress=f.texts(doc["progress_replies"], "progress_replies"),
        extension_reasons=f.texts(doc["extension_reasons"], "extension_reasons"),
        return_reasons=f.texts(doc["return_reasons"], "return_reasons"),
        supervise_notes=f.texts(doc["supervise_notes"], "supervise_notes"),
        supervise_answers=f.texts(doc["supervise_answers"], "supervise_answers"),
        withdraw_reasons=f.texts(doc["withdraw_reasons"], "withdraw_reasons"),
        co_reports=f.texts(doc["co_reports"], "co_reports"),
        satisfied_comments=f.texts(comments["satisfied"], "follow_up_comments.satisfied", empty_items=True),
        basic_comments=f.texts(comments["basic"], "follow_up_comments.basic", empty_items=True),
        unsatisfied_comments=f.texts(comments["unsatisfied"], "follow_up_comments.unsatisfied", empty_items=True),
        notes=notes,
    )


def _mix(f: _File, doc: dict[str, Any], unit_keys: list[str]) -> Mix:
    f.mapping(doc, "", ("states", "committee_channels", "unit_intake", "handling_days", "extension_period", "ratings",
                        "reopen_ratings", "misroute_units"))

    def channel(value: Any, where: str) -> Channel:
        return f.choice(value, where, Channel)

    def days(value: Any, where: str) -> tuple[float, float]:
        pair = f.items(value, where)
        if len(pair) != 2:
            f.fail(where, f"应为 [最短, 最长] 两个数，实际是 {_shown(value)}")
        low, high = f.number(pair[0], f"{where}[0]"), f.number(pair[1], f"{where}[1]")
        if low > high:
            f.fail(where, f"最短 {low} 大于最长 {high}")
        return low, high

    def period(value: Any, where: str) -> str:
        text = f.text(value, where)
        try:
            parse_period(text)
        except ValueError as exc:
            f.fail(where, str(exc))
        return text

    def by_policy(value: Any, where: str, read: Callable[[Any, str], Any]) -> dict[str, Any]:
        m = f.mapping(value, where, ("default", "by_policy"))
        table = m["by_policy"]
        if not isinstance(table, dict):
            f.fail(f"{where}.by_policy", f"应为“时限规则: 取值”键值对，实际是 {_shown(table)}")
        return {"default": read(m["default"], f"{where}.default"),
                "by_policy": {f.text(k, f"{where}.by_policy.{k}"): read(v, f"{where}.by_policy.{k}") for k, v in table.items()}}

    def rating(value: Any, where: str) -> int:
        return int(f.choice(value, where, Satisfaction))

    intake: dict[str, Intake] = {}
    raw_intake = doc["unit_intake"]
    if not isinstance(raw_intake, dict):
        f.fail("unit_intake", f"应为“单位: 受理方式”键值对，实际是 {_shown(raw_intake)}")
    for k, v in raw_intake.items():
        at = f"unit_intake.{k}"
        m = f.mapping(v, at, ("intake", "share", "channels"))
        share = f.number(m["share"], f"{at}.share")
        if share > 1:
            f.fail(f"{at}.share", f"应在 0 到 1 之间，实际是 {share}")
        intake[f.key_of(k, at, unit_keys)] = Intake(f.key_of(m["intake"], f"{at}.intake", unit_keys), share,
                                                   f.weights(m["channels"], f"{at}.channels", channel))
    handling = by_policy(doc["handling_days"], "handling_days", days)
    extension = by_policy(doc["extension_period"], "extension_period", period)
    ratings = f.weights(doc["ratings"], "ratings", rating)
    for r, _ in ratings:
        if r in UNSATISFIED_RATINGS:
            f.fail(f"ratings.{r}", "最后一次回访不能是不满意（不满意会重办），不满意的评价写在 reopen_ratings")
    reopen = tuple(rating(r, f"reopen_ratings[{i}]") for i, r in enumerate(f.items(doc["reopen_ratings"], "reopen_ratings")))
    for i, r in enumerate(reopen):
        if r not in UNSATISFIED_RATINGS:
            f.fail(f"reopen_ratings[{i}]", f"{r} 不是不满意的评价，不会重办")
    return Mix(
        states=f.weights(doc["states"], "states", lambda v, where: f.choice(v, where, State)),
        committee_channels=f.weights(doc["committee_channels"], "committee_channels", channel),
        unit_intake=intake,
        handling_days=handling["default"],
        handling_days_by_policy=handling["by_policy"],
        extension_period=extension["default"],
        extension_period_by_policy=extension["by_policy"],
        ratings=ratings,
        reopen_ratings=reopen,
        misroute_units=tuple(
            f.key_of(k, f"misroute_units[{i}]", unit_keys) for i, k in enumerate(f.items(doc["misroute_units"], "misroute_units"))
        ),
    )


def _knowledge(f: _File, doc: dict[str, Any]) -> tuple[KnowledgeSpec, ...]:
    f.mapping(doc, "", ("entries",))
    entries: list[KnowledgeSpec] = []

    def joined(value: Any, where: str) -> str:
        """A block of lines as one paragraph: Chinese needs no space where the file breaks a line."""
        return "".join(line.strip() for line in f.text(value, where).splitlines())

    for i, raw in enumerate(f.items(doc["entries"], "entries")):
        at = f"entries[{i}]"
        m = f.mapping(raw, at, ("title", "category", "agency", "keywords", "answer"), ("question", "source"))
        title = f.text(m["title"], f"{at}.title").strip()
        if len(title) > 120:
            f.fail(f"{at}.title", "不能超过120字")
        if any(e.title == title for e in entries):
            f.fail(f"{at}.title", f"重复的标题“{title}”")
        keywords = " ".join(f.text(m["keywords"], f"{at}.keywords").split())
        if len(keywords) > 255:
            f.fail(f"{at}.keywords", "不能超过255字")
        answer = joined(m["answer"], f"{at}.answer")
        if len(answer) > 5000:
            f.fail(f"{at}.answer", "不能超过5000字")
        source = f.text(m["source"], f"{at}.source").strip() if "source" in m else ""
        if len(source) > 255:
            f.fail(f"{at}.source", "不能超过255字")
        entries.append(KnowledgeSpec(
            title=title, category=f.text(m["category"], f"{at}.category").strip()[:64],
            agency=str(f.choice(m["agency"], f"{at}.agency", Agency).value), keywords=keywords,
            question=f.text(m["question"], f"{at}.question").strip() if "question" in m else "",
            answer=answer, source=source,
        ))
    return tuple(entries)


def _roles_check(f: _File, data: DemoData) -> None:
    """Every unit the build asks for a person of some role has one (staff.yaml)."""
    roles: dict[str, set[str]] = {s.unit: {p.role for p in s.people} for s in data.staff}
    needs: dict[str, set[str]] = {}

    def need(unit: str, *wanted: str) -> None:
        needs.setdefault(unit, set()).update(wanted)

    need("committee", Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR)
    for intake in data.mix.unit_intake.values():
        need(intake.unit, Role.OPERATOR)
    for t in data.demands.templates:
        need(t.target, Role.LEADER, Role.HANDLER)
        if t.co:
            need(t.co, Role.LEADER, Role.HANDLER)
    for key in (*data.mix.misroute_units, "street", "urban"):
        need(key, Role.LEADER, Role.HANDLER)
    for key in data.grids.officers:
        need(key, Role.HANDLER)
    for unit, wanted in needs.items():
        missing = sorted(str(Role(r).label) for r in wanted - roles.get(unit, set()))
        if missing:
            f.fail("staff", f"单位 {unit} 缺少{'、'.join(missing)}（演示诉求的办理要用到）")


def demo_data_load(directory: Path = DATA_DIR) -> DemoData:
    """Read and check every data file in `directory`; raise DemoDataError on the first problem."""
    files = {name: _File(directory / name) for name in FILES}
    docs = {name: f.read() for name, f in files.items()}
    places, communities, estates = _places(files["places.yaml"], docs["places.yaml"])
    units, points, grids = _units(files["units.yaml"], docs["units.yaml"], places)
    unit_keys = [u.key for u in units]
    login_place, staff = _staff(files["staff.yaml"], docs["staff.yaml"], units, places)
    demands = _demands(files["demands.yaml"], docs["demands.yaml"], unit_keys)
    data = DemoData(
        places=places,
        communities=communities,
        estates=estates,
        names=_names(files["people.yaml"], docs["people.yaml"]),
        units=units,
        service_points=points,
        grids=grids,
        login_place=login_place,
        staff=staff,
        demands=demands,
        replies=_replies(files["replies.yaml"], docs["replies.yaml"], unit_keys, demands.templates),
        mix=_mix(files["mix.yaml"], docs["mix.yaml"], unit_keys),
        knowledge=_knowledge(files["knowledge.yaml"], docs["knowledge.yaml"]),
        source=directory,
    )
    _roles_check(files["staff.yaml"], data)
    return data


@functools.cache
def demo_data() -> DemoData:
    """The demo data of this installation, read once."""
    return demo_data_load()
