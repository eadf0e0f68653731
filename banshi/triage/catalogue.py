"""The default routing catalogue (事项目录) for political-legal work.

Each :class:`CatalogueItem` names one kind of matter, the agency type that takes it, the
unit kinds that serve it (``unit_kinds``, :class:`banshi.orgs.enums.UnitKind`, the preferred
first: routing takes the nearest unit of these kinds, banshi/orgs/routing.py), the deadline
policy its case gets and plainly worded examples and keywords from which the default
classifier (:mod:`banshi.triage.model`) learns. Administrators edit the catalogue;
the Django side stores it and passes a list of items (or the dicts of
:func:`catalogue_as_dicts`) to :func:`banshi.triage.model.CatalogueModel.train`.

The default items and the emergency routes are data, kept for review by domain experts in
``banshi/triage/data/catalogue.yaml``; :func:`load_catalogue_data` reads and validates that file
once (a mistake raises :class:`CatalogueDataError` naming the file, the item and the problem).
The agency codes and names are defined once, in :mod:`banshi.orgs.enums`.

Grounding (see ``shared/DOMAIN.md`` and the seed reports): enforcement and case filing go
to the courts; 控告申诉, civil-litigation supervision, public-interest litigation clues,
support for wage suits and judicial aid in prosecution to the procuratorate; fraud, theft,
household and vehicle registration, traffic and domestic violence to the police;
mediation, legal aid, notarisation, village legal advisers, community corrections and
lawyer complaints to justice administration; psychological services, grid management and
cross-agency coordination to the political-legal committee; everything else to the
responsible non-political-legal department or the 街道/乡镇.

Wage arrears (农民工欠薪): the primary route is the human-resources bureau's labour
inspectorate (``other.wage_arrears``, 人社局劳动保障监察), which can order payment under
the 保障农民工工资支付条例. Where the worker asks for a lawyer or wants to sue, the demand
goes to legal aid (``justice.legal_aid``: the 绿色通道 for migrant workers' wages); where
the worker asks the procuratorate to back the suit, to ``procuratorate.wage_support``
(支持起诉). The classifier returns the other two as alternatives when the text points there.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

from banshi.core.datafiles import DataFileError, field_problems, read_mapping, value_kind
from banshi.orgs.enums import AGENCY_FULL_NAMES, UNIT_KIND_AGENCY, UnitKind
from banshi.orgs.enums import Agency as AgencyChoices

# The static mirror of banshi.orgs.enums.Agency (checked just below), for type checking.
Agency = Literal["court", "procuratorate", "police", "justice", "committee", "other"]
if set(get_args(Agency)) != set(AgencyChoices.values):  # pragma: no cover - caught by any test run
    raise ImportError("triage.catalogue.Agency must list the codes of banshi.orgs.enums.Agency")
AGENCIES: tuple[Agency, ...] = tuple(cast(Agency, code) for code in AgencyChoices.values)
AGENCY_NAMES: dict[str, str] = {str(code): AGENCY_FULL_NAMES[code] for code in AgencyChoices.values}
# The deadline policy codes the classifier knows (banshi/sla/data/policies.yaml defines them).
Policy = Literal["12345", "12309", "xinfang", "legal_aid", "mediation", "notary"]
POLICIES: tuple[Policy, ...] = ("12345", "12309", "xinfang", "legal_aid", "mediation", "notary")

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"


@dataclass(frozen=True)
class CatalogueItem:
    """One entry of the routing catalogue."""

    code: str
    name: str
    agency: Agency
    category: str
    policy: Policy
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    department: str = ""  # the unit that usually handles it, e.g. "人社局劳动保障监察"
    notes: str = ""
    # The unit kinds (banshi.orgs.enums.UnitKind) that serve the item, the preferred one first:
    # routing takes the nearest unit of these kinds (banshi/orgs/routing.py). Empty: the agency's
    # defaults (banshi/triage/routing.py).
    unit_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency {self.agency!r} in {self.code}")
        if self.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.policy!r} in {self.code}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogueItem:
        return cls(
            code=str(data["code"]),
            name=str(data["name"]),
            agency=data["agency"],
            category=str(data.get("category", "")),
            policy=data["policy"],
            examples=tuple(data.get("examples", ())),
            keywords=tuple(data.get("keywords", ())),
            department=str(data.get("department", "")),
            notes=str(data.get("notes", "")),
            unit_kinds=tuple(str(k) for k in data.get("unit_kinds", ())),
        )


def validate_catalogue(items: list[CatalogueItem] | tuple[CatalogueItem, ...]) -> list[str]:
    """Errors that would make a catalogue unusable: duplicate codes, items without text."""
    errors: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            errors.append(f"重复的事项编码：{item.code}")
        seen.add(item.code)
        if not item.examples and not item.keywords:
            errors.append(f"事项 {item.code} 没有示例也没有关键词")
    if not items:
        errors.append("事项目录为空")
    return errors


# ----------------------------------------------------------------------------- the data file


class CatalogueDataError(DataFileError):
    """The catalogue file is unreadable or wrong; ``errors`` lists every problem (Chinese)."""

    what = "事项目录文件"


@dataclass(frozen=True)
class CatalogueData:
    """What the catalogue file holds."""

    items: tuple[CatalogueItem, ...]
    emergency_items: dict[str, str]  # emergency kind (banshi.triage.emergency) -> item code
    # emergency kind -> the items it may go to, the default (emergency_items) first; the text picks
    # among them (an elderly person gone missing is the police's, one who collapsed 120's)
    emergency_choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


_REQUIRED: dict[str, type] = {
    "code": str, "name": str, "agency": str, "category": str, "policy": str, "department": str,
    "unit_kinds": list, "keywords": list, "examples": list,
}
_OPTIONAL: dict[str, type] = {"notes": str}
# Column sizes of triage.CatalogueItem, so the seed migration never truncates or fails.
_MAX_LENGTH = {"code": 40, "name": 80, "category": 40, "department": 80}
_CODE_RE = re.compile(r"[a-z]+\.[a-z0-9_]+")
_KEYWORD_BAD = re.compile(r"[\s，、,;；]")


def load_catalogue_data(path: Path | str | None = None) -> CatalogueData:
    """The catalogue file, validated: the shipped one (read once and cached) or ``path``."""
    if path is None:
        return _shipped_data()
    return _read_catalogue(Path(path))


def load_catalogue(path: Path | str | None = None) -> tuple[CatalogueItem, ...]:
    """The items of the catalogue file (see :func:`load_catalogue_data`)."""
    return load_catalogue_data(path).items


@functools.cache
def _shipped_data() -> CatalogueData:
    return _read_catalogue(DATA_FILE)


def _read_catalogue(path: Path) -> CatalogueData:
    raw = read_mapping(path, ("items", "emergency_items"), CatalogueDataError)
    errors: list[str] = []
    for key in sorted(set(raw) - {"items", "emergency_items"}, key=str):
        errors.append(f"未知的顶层字段：{key}")
    rows = raw.get("items")
    if not isinstance(rows, list) or not rows:
        errors.append("缺少事项列表 items，或 items 不是非空列表")
        rows = []
    items: list[CatalogueItem] = []
    for i, row in enumerate(rows, 1):
        item, problems = _item_from_row(row)
        label = f"事项 {row['code']}（第{i}项）" if isinstance(row, dict) and isinstance(row.get("code"), str) else f"第{i}项"
        errors += [f"{label}：{p}" for p in problems]
        if item is not None:
            items.append(item)
    if items:
        errors += validate_catalogue(items)
    emergency = raw.get("emergency_items")
    if not isinstance(emergency, dict):
        errors.append(f"emergency_items 应为映射（紧急情况类型: 事项编码或事项编码列表），实际为{value_kind(emergency)}")
        emergency = {}
    codes = {row["code"] for row in rows if isinstance(row, dict) and isinstance(row.get("code"), str)}
    errors += _emergency_problems(emergency, codes)
    if errors:
        raise CatalogueDataError(path, errors)
    choices = {str(k): tuple(str(c) for c in (v if isinstance(v, list) else [v])) for k, v in emergency.items()}
    return CatalogueData(items=tuple(items), emergency_items={k: v[0] for k, v in choices.items()},
                         emergency_choices=choices)


def _item_from_row(row: Any) -> tuple[CatalogueItem | None, list[str]]:
    if not isinstance(row, dict):
        return None, [f"应为映射（字段: 值），实际为{value_kind(row)}"]
    problems = field_problems(row, _REQUIRED, _OPTIONAL, quote_numbers=("policy",))
    if problems:
        return None, problems
    for key, limit in _MAX_LENGTH.items():
        if len(row[key]) > limit:
            problems.append(f"字段 {key} 超过{limit}个字")
    for key in ("code", "name", "agency", "policy"):
        if not row[key].strip():
            problems.append(f"字段 {key} 不能为空")
    if row["agency"] not in AGENCIES:
        problems.append(f"未知的条线 agency：{row['agency']}（可选：{'、'.join(AGENCIES)}）")
    elif not _CODE_RE.fullmatch(row["code"]) or not row["code"].startswith(row["agency"] + "."):
        problems.append(f"编码 code 应为“条线.英文名称”，如 {row['agency']}.example（小写字母、数字、下划线）")
    if row["policy"] not in POLICIES:
        problems.append(f"未知的时限规则 policy：{row['policy']}（可选：{'、'.join(POLICIES)}）")
    problems += _unit_kind_problems(row["unit_kinds"], row["agency"])
    for key in ("keywords", "examples"):
        values = row[key]
        wrong = [v for v in values if not isinstance(v, str) or not v.strip()]
        if wrong:
            problems.append(f"{key} 中有非文本或空白的条目：{'、'.join(map(str, wrong))}")
            continue
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            problems.append(f"{key} 中有重复的条目：{'、'.join(repeated)}")
    if not problems:
        bad = [k for k in row["keywords"] if _KEYWORD_BAD.search(k)]
        if bad:
            problems.append(f"关键词不能含空格或逗号、顿号（每个关键词单独一项）：{'、'.join(bad)}")
    if problems:
        return None, problems
    return CatalogueItem(
        code=row["code"],
        name=row["name"],
        agency=row["agency"],
        category=row["category"],
        policy=row["policy"],
        examples=tuple(row["examples"]),
        keywords=tuple(row["keywords"]),
        department=row["department"],
        notes=row.get("notes", ""),
        unit_kinds=tuple(row["unit_kinds"]),
    ), []


def _unit_kind_problems(kinds: list[Any], agency: str) -> list[str]:
    """The item's unit kinds: at least one, each a known UnitKind of the item's agency, no repeats."""
    if not kinds:
        return ["unit_kinds 不能为空：至少写一种承办单位类型（优先的写在前面）"]
    problems: list[str] = []
    wrong = [k for k in kinds if not isinstance(k, str) or k not in UnitKind.values]
    if wrong:
        problems.append(f"unit_kinds 中有未知的单位类型：{'、'.join(map(str, wrong))}"
                        f"（可选：{'、'.join(UnitKind.values)}）")
    others = [k for k in kinds if k not in wrong and agency in AGENCIES and UNIT_KIND_AGENCY[k] != agency]
    if others:
        problems.append(f"unit_kinds 中的单位类型不属于条线 {agency}：{'、'.join(others)}")
    repeated = sorted({str(k) for k in kinds if kinds.count(k) > 1})
    if repeated:
        problems.append(f"unit_kinds 中有重复的条目：{'、'.join(repeated)}")
    return problems


def _emergency_problems(emergency: dict[Any, Any], codes: set[str]) -> list[str]:
    from banshi.triage.emergency import KIND_NAMES

    problems: list[str] = []
    for kind, value in emergency.items():
        if kind not in KIND_NAMES:
            problems.append(f"emergency_items：未知的紧急情况类型 {kind}（可选：{'、'.join(KIND_NAMES)}）")
            continue
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(code, str) for code in values):
            problems.append(f"emergency_items：{kind} 应为事项编码（文本）或事项编码列表，实际为{value_kind(value)}")
            continue
        problems += [f"emergency_items：{kind} 指向的事项 {code} 不在目录中" for code in values if code not in codes]
    problems += [f"emergency_items：缺少紧急情况类型 {kind}（{name}）的事项"
                 for kind, name in KIND_NAMES.items() if kind not in emergency]
    return problems


DEFAULT_CATALOGUE: tuple[CatalogueItem, ...] = load_catalogue()
# Where an emergency found by the rules is routed, by emergency kind: the default item, and all the
# items the kind may go to (the text model picks among them, banshi/triage/model.py).
EMERGENCY_ITEMS: dict[str, str] = load_catalogue_data().emergency_items
EMERGENCY_CHOICES: dict[str, tuple[str, ...]] = load_catalogue_data().emergency_choices


def catalogue_as_dicts(
    items: tuple[CatalogueItem, ...] | list[CatalogueItem] = DEFAULT_CATALOGUE,
) -> list[dict[str, Any]]:
    """The catalogue as JSON-ready dicts (for fixtures / the DB side)."""
    out = []
    for item in items:
        d = asdict(item)
        d["examples"] = list(item.examples)
        d["keywords"] = list(item.keywords)
        d["unit_kinds"] = list(item.unit_kinds)
        out.append(d)
    return out


def item_by_code(
    code: str, items: tuple[CatalogueItem, ...] | list[CatalogueItem] = DEFAULT_CATALOGUE
) -> CatalogueItem:
    for item in items:
        if item.code == code:
            return item
    raise KeyError(code)
