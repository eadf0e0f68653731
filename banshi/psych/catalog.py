"""The reviewable data of the psych matters: `data/psych.yaml` (station levels, services, modes,
referral and hand-over targets incl. 12356 and hospitals, contact modes, risk levels, crisis
outcomes, group-activity types). Read and checked once; a mistake names the file and the entry."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from banshi.core.datafiles import DataFileError, read_mapping
from banshi.core.errors import InvalidInput

DATA = Path(__file__).parent / "data"
LISTS = ("station_levels", "services", "modes", "referral_targets", "handover_targets", "contact_modes",
         "risk_levels", "crisis_outcomes", "activity_types")


class PsychDataError(DataFileError):
    what: ClassVar[str] = "心理服务数据文件"


@cache
def psych() -> dict[str, Any]:
    """{list name: {code: {"code", "label", …}}, "first_contact_minutes": int}."""
    path = DATA / "psych.yaml"
    raw = read_mapping(path, LISTS, PsychDataError)
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key in LISTS:
        items: dict[str, dict[str, Any]] = {}
        for item in raw.get(key) or []:
            if not isinstance(item, dict) or not item.get("code") or not item.get("label"):
                problems.append(f"{key}：每项须有 code 与 label")
                continue
            code = str(item["code"])
            if code in items:
                problems.append(f"{key}：{code} 重复")
            items[code] = {**item, "code": code, "label": str(item["label"])}
        if not items:
            problems.append(f"{key}：不能为空")
        out[key] = items
    for code, level in out["station_levels"].items():
        if level.get("region_level") not in (3, 4, 5):
            problems.append(f"station_levels：{code} 的 region_level 应为 3、4 或 5")
    if "hotline_12356" not in out["referral_targets"]:
        problems.append("referral_targets：须含全国心理援助热线 hotline_12356")
    for code in ("police_110", "ambulance_120"):
        if code not in out["handover_targets"]:
            problems.append(f"handover_targets：须含 {code}")
    minutes = raw.get("first_contact_minutes", 120)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        problems.append("first_contact_minutes：应为正整数")
        minutes = 120
    out["first_contact_minutes"] = minutes
    if problems:
        raise PsychDataError(path, problems)
    return out


def label(kind: str, code: str) -> str:
    """The Chinese label of a code of one list ("" for none; the code itself when unknown)."""
    if not code:
        return ""
    item = psych()[kind].get(code)
    return str(item["label"]) if item else code


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) of one list, in file order (forms: the web's choice fields may use it)."""
    return [(code, str(item["label"])) for code, item in psych()[kind].items()]


def code_of(kind: str, value: str | None, what: str, *, required: bool = True, default: str = "") -> str:
    """A code of one list from a code or its label (a form may post either); else a Chinese 400."""
    text = (value or "").strip()
    if not text:
        if required and not default:
            raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code=f"invalid_{kind}")
        return default
    items = psych()[kind]
    if text in items:
        return text
    for code, item in items.items():
        if item["label"] == text:
            return code
    raise InvalidInput(_("%(what)s不正确：%(v)s（可选：%(all)s）")
                       % {"what": what, "v": text[:40], "all": "、".join(i["label"] for i in items.values())},
                       code=f"invalid_{kind}")


def category_label(code: str) -> str:
    """"psych.individual" → 心理服务·个体心理咨询; "crisis.self_harm" → 心理危机干预·自伤自杀风险."""
    prefix, _sep, rest = code.partition(".")
    if prefix == "psych":
        return f"心理服务·{label('services', rest)}"
    if prefix == "crisis":
        return "心理危机干预" + (f"·{CRISIS_SOURCES.get(rest, rest)}" if rest else "")
    return code


CRISIS_SOURCES = {"self_harm": "自伤自杀风险", "counselling": "咨询中发现危机", "referral": "诉求转入", "manual": "直接登记"}


# The psych form fields' kinds (workflow.py) → the list of data/psych.yaml they choose from: the
# web's choice fields can offer `choices(FIELD_CHOICES[kind])`.
FIELD_CHOICES = {
    "psych_mode": "modes", "psych_referral_target": "referral_targets", "crisis_contact_mode": "contact_modes",
    "crisis_risk": "risk_levels", "crisis_handover_target": "handover_targets", "crisis_outcome": "crisis_outcomes",
}


def field_choices(kind: str) -> list[tuple[str, str]]:
    """The (code, label) choices of a psych form field kind; [] for another kind."""
    return choices(FIELD_CHOICES[kind]) if kind in FIELD_CHOICES else []
