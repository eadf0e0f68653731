"""Chinese labels for the routing codes a person must never read: catalogue items
(``police.fraud`` → 诈骗), agency types (``police`` → 公安), emergencies and their transfer
numbers, and a triage suggestion as a list of Chinese rows.

Pages, exports and API responses all take their labels from here (the API keeps its codes
and puts these labels beside them). The item names come from the administrators' catalogue
(triage.CatalogueItem, read at most once a minute per process), with the shipped catalogue
for codes it does not hold; a value that is no known code (a ledger's own free-text
category) is shown as it is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from banshi.orgs.enums import Agency, UnitKind
from banshi.triage.catalogue import DEFAULT_CATALOGUE
from banshi.triage.emergency import ALL_KIND_NAMES

CHECK_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[str, Any] = {"at": None, "names": {}, "agencies": {}, "order": []}

# The rows of a suggestion (Case.triage), in the order a dispatcher reads them, with their labels.
# Keys not listed here are never shown (new machine keys stay out of sight until labelled).
SUGGESTION_LABELS: dict[str, str] = {
    "agency": "建议条线",
    "category": "建议事项",
    "confidence": "把握程度",
    "unit": "建议单位",
    "unit_kind": "单位类型",
    "unit_confidence": "单位把握",
    "emergency": "紧急情况",
    "transfer_to": "转接电话",
    "emergency_staff": "处置要求",
    "also_call": "另可告知",
    "policy": "时限规则",
    "reason": "判断依据",
    "learned": "建议来源",
}


def _load() -> dict[str, Any]:
    """Names and agencies of every catalogue code: the shipped ones, overridden by the stored rows
    (inactive ones too: old cases keep their item's name)."""
    names = {i.code: i.name for i in DEFAULT_CATALOGUE}
    agencies = {i.code: str(i.agency) for i in DEFAULT_CATALOGUE}
    order = [i.code for i in DEFAULT_CATALOGUE]
    try:
        from banshi.triage.models import CatalogueItem

        for code, name, agency, active in CatalogueItem.objects.values_list("code", "name", "agency", "is_active"):
            names[code], agencies[code] = name, agency
            if code not in order:
                order.append(code)
            if not active and code in order:
                order.remove(code)
    except Exception:  # no database yet (checks, commands before migrating): the shipped names
        pass
    return {"names": names, "agencies": agencies, "order": order}


def _current(*, missing: str = "") -> dict[str, Any]:
    """The names, read again once a minute, or at once (at most once a second) for a code the
    last read did not have (an item an administrator has just added)."""
    now = time.monotonic()
    with _lock:
        age = now - _cache["at"] if _cache["at"] is not None else None
        if age is None or age >= CHECK_SECONDS or (missing and missing not in _cache["names"] and age >= 1.0):
            _cache.update(_load(), at=now)
        return dict(_cache)


def labels_cache_clear() -> None:
    """Forget the catalogue names (after a catalogue edit, and between tests)."""
    with _lock:
        _cache["at"] = None


def category_names() -> Mapping[str, str]:
    """Every catalogue code with its item's Chinese name."""
    return _current()["names"]


# Category codes of other kinds of matter ("legal_aid.labour_pay", "mediation.neighbour"): the apps
# that own them register a labeller per prefix at start-up (banshi/services/apps.py).
_PREFIX_LABELLERS: dict[str, Callable[[str], str]] = {}


def category_labeller_add(prefix: str, labeller: Callable[[str], str]) -> None:
    _PREFIX_LABELLERS[prefix] = labeller


def category_label(code: str | None) -> str:
    """The Chinese name of a catalogue item; a value that is no known code as it is."""
    if not code:
        return ""
    prefix = code.split(".", 1)[0]
    if prefix in _PREFIX_LABELLERS:
        return _PREFIX_LABELLERS[prefix](code)
    names = _current()["names"]
    if code not in names and "." in code:
        names = _current(missing=code)["names"]
    return str(names.get(code, code))


def agency_label(code: str | None) -> str:
    """The Chinese name of an agency type (公安, 法院 …); unknown values as they are."""
    if not code:
        return ""
    try:
        return str(Agency(code).label)
    except ValueError:
        return code


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The active catalogue items grouped by agency (in the agencies' order), for a picker:
    [(agency name, [(code, item name), …]), …]."""
    cur = _current()
    groups: dict[str, list[tuple[str, str]]] = {str(a): [] for a in Agency.values}
    for code in cur["order"]:
        groups.setdefault(cur["agencies"].get(code, ""), []).append((code, cur["names"][code]))
    return [(agency_label(a) or "其他", items) for a, items in groups.items() if items]


def unit_kind_label(code: str | None) -> str:
    """The Chinese name of a unit kind (派出所, 司法所 …); unknown values as they are."""
    if not code:
        return ""
    try:
        return str(UnitKind(code).label)
    except ValueError:
        return code


def emergency_label(kind: str | None) -> str:
    """The Chinese name of an emergency kind (医疗急症 …)."""
    if not kind:
        return ""
    return ALL_KIND_NAMES.get(kind, "疑似紧急情况")


def transfer_advice(numbers: Any) -> str:
    """What to do with an emergency, in words: "请立即转接120" (several: "请立即转接110、120")."""
    if not numbers:
        return ""
    if isinstance(numbers, str):
        numbers = [numbers]
    return "请立即转接" + "、".join(str(n) for n in numbers)


def confidence_label(value: Any) -> str:
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""


def alternative_labels(alternatives: Any, *, besides: str | None = None, min_share: float = 0.0) -> list[str]:
    """The other likely items as "名称（12%）", from the stored [{label, probability}] list
    (``besides``: the suggested item, left out; ``min_share``: less likely ones left out)."""
    out: list[str] = []
    for alt in alternatives if isinstance(alternatives, list) else []:
        if isinstance(alt, Mapping) and ((besides and alt.get("label") == besides)
                                         or float(alt.get("probability") or 0.0) < min_share):
            continue
        if isinstance(alt, Mapping):
            name = category_label(str(alt.get("label") or ""))
            share = confidence_label(alt.get("probability"))
            out.append(f"{name}（{share}）" if share else name)
        elif isinstance(alt, list | tuple) and alt:
            out.append(category_label(str(alt[0])))
        elif alt:
            out.append(category_label(str(alt)))
    return [a for a in out if a]


def suggestion_rows(triage: Mapping[str, Any] | None, *, policy_names: Mapping[str, str] | None = None
                    ) -> list[tuple[str, str]]:
    """A stored suggestion (Case.triage) as (Chinese label, Chinese value) rows, nothing empty,
    no code and no machine key: agency and item by name, confidence as a percentage, an
    emergency with what to do, the deadline policy by its name (``policy_names``: code → name)."""
    t = dict(triage or {})
    values: dict[str, str] = {
        "agency": agency_label(t.get("agency")),
        "category": category_label(t.get("category") or t.get("catalogue_item")) or str(t.get("category_name") or ""),
        "confidence": confidence_label(t.get("confidence")) if t.get("confidence") not in (None, "") else "",
        "unit": str(t.get("unit") or "") + ("（不是该事项的优先承办单位类型，须人工确认）"
                                             if t.get("unit") and t.get("unit_preferred") is False else ""),
        "unit_kind": unit_kind_label(t.get("unit_kind")),
        "unit_confidence": confidence_label(t.get("unit_confidence")) if t.get("unit") and t.get("unit_confidence")
        not in (None, "") else "",
        "emergency": (str(t.get("emergency_name") or "") or emergency_label(t.get("emergency"))) if t.get("emergency")
        else ("疑似紧急，请核实" if t.get("urgent") else ""),
        "emergency_staff": str(t.get("emergency_staff") or "") if t.get("emergency") else "",
        "also_call": "、".join(str(n) for n in (t.get("also_call") or []))
        + ("（另可告知，不能代替上面的号码）" if t.get("also_call") else ""),
        "transfer_to": transfer_advice(t.get("transfer_to")),
        "policy": (policy_names or {}).get(str(t.get("policy") or ""), "") if t.get("policy") else "",
        "reason": str(t.get("reason") or ""),
        "learned": "仅据派单员纠正得出，须人工确认（不自动派单）" if t.get("learned") else "",
    }
    return [(label, values[key]) for key, label in SUGGESTION_LABELS.items() if values[key]]


def suggestion_labelled(triage: Mapping[str, Any] | None) -> dict[str, Any]:
    """A stored suggestion for API clients: every field as stored (codes included, clients read
    them) plus a Chinese label beside each code: ``agency_label``, ``category_label``,
    ``unit_kind_label``, ``emergency_label``, ``transfer_advice``, and a ``name`` in each alternative."""
    out: dict[str, Any] = dict(triage or {})
    if not out:
        return out
    if "agency" in out:
        out["agency_label"] = agency_label(out.get("agency"))
    if "category" in out:
        out["category_label"] = category_label(out.get("category"))
    if out.get("catalogue_item"):
        out["catalogue_item_label"] = category_label(out.get("catalogue_item"))
    if "unit_kind" in out:
        out["unit_kind_label"] = unit_kind_label(out.get("unit_kind"))
    if "emergency" in out:
        out["emergency_label"] = emergency_label(out.get("emergency"))
    if "transfer_to" in out:
        out["transfer_advice"] = transfer_advice(out.get("transfer_to"))
    if isinstance(out.get("alternatives"), list):
        out["alternatives"] = [
            {**alt, "name": category_label(str(alt.get("label") or ""))} if isinstance(alt, Mapping) else alt
            for alt in out["alternatives"]
        ]
    return out
