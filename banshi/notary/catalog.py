"""The notary matters as reviewable data: `data/matters.yaml` (each matter's one-time materials
checklist, whether it can be done by video, its fee note, its period and legal basis; the refusal
reasons of 公证法 art. 31 and the termination reasons). Read once and checked entry by entry: a
wrong file fails at start-up naming every problem."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from banshi.core.datafiles import DataFileError, field_problems, read_mapping
from banshi.sla.periods import parse_period

DATA = Path(__file__).parent / "data"
MATTER_FIELDS: dict[str, type] = {
    "code": str, "label": str, "item": str, "video": bool, "one_visit": bool, "fee": str, "materials": list, "basis": str,
}
MATTER_OPTIONAL: dict[str, type] = {
    "period": str, "period_checked": bool, "in_person": str, "one_visit_note": str, "notes": str,
}
REASON_FIELDS: dict[str, type] = {"code": str, "label": str, "article": str}


class NotaryDataError(DataFileError):
    what: ClassVar[str] = "公证事项数据文件"


def _reasons(raw: Any, key: str, problems: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    if not isinstance(raw, list) or not raw:
        problems.append(f"{key}：应为非空列表")
        return out
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            problems.append(f"{key} 第{i}项：应为映射")
            continue
        problems += [f"{key} 第{i}项：{p}" for p in field_problems(item, REASON_FIELDS)]
        code = str(item.get("code") or "")
        if code in out:
            problems.append(f"{key}：{code} 重复")
        out[code] = {k: str(item.get(k) or "") for k in REASON_FIELDS}
    return out


def _period(text: Any, where: str, allowed: list[str], problems: list[str]) -> str:
    try:
        period = str(parse_period(str(text)))
    except ValueError as exc:
        problems.append(f"{where}：期限格式不正确（{exc}）")
        return str(text)
    if allowed and period not in allowed:
        problems.append(f"{where}：期限 {period} 不在 periods（{'、'.join(allowed)}）中")
    return period


def _matter(item: Any, i: int, default: str, allowed: list[str], problems: list[str]) -> dict[str, Any] | None:
    where = f"matters 第{i}项"
    if not isinstance(item, dict):
        problems.append(f"{where}：应为映射")
        return None
    found = field_problems(item, MATTER_FIELDS, MATTER_OPTIONAL)
    problems += [f"{where}：{p}" for p in found]
    if found:
        return None
    code = item["code"]
    where = f"matters：{code}"
    materials = [str(m).strip() for m in item["materials"] if str(m).strip()]
    if not materials or len(materials) != len(item["materials"]):
        problems.append(f"{where}：materials 应为非空的文字列表（一次性告知的全部材料）")
    if not item["video"] and not str(item.get("in_person") or "").strip():
        problems.append(f"{where}：不能视频办理的事项须写明 in_person（须到场办理的原因）")
    if not item["one_visit"] and not str(item.get("one_visit_note") or "").strip():
        problems.append(f"{where}：不能“最多跑一次”的事项须写明 one_visit_note（原因）")
    return {
        "code": code, "label": item["label"], "item": item["item"],
        "period": _period(item.get("period", default), f"{where}.period", allowed, problems),
        "period_checked": bool(item.get("period_checked", False)),
        "video": item["video"], "in_person": str(item.get("in_person") or ""),
        "one_visit": item["one_visit"], "one_visit_note": str(item.get("one_visit_note") or ""),
        "fee": item["fee"], "materials": materials, "notes": str(item.get("notes") or ""), "basis": item["basis"],
    }


@cache
def catalogue() -> dict[str, Any]:
    """The whole file, checked: sources, periods, refusal and termination reasons, matters by code."""
    path = DATA / "matters.yaml"
    raw = read_mapping(path, ("sources", "default_period", "periods", "refusal_reasons", "termination_reasons",
                              "matters"), NotaryDataError)
    problems: list[str] = []
    allowed = [str(p) for p in raw.get("periods") or []]
    periods = [_period(p, "periods", [], problems) for p in allowed]
    default = _period(raw.get("default_period", "15wd"), "default_period", periods, problems)
    sources = []
    for i, s in enumerate(raw.get("sources") or [], 1):
        if not isinstance(s, dict) or not s.get("code") or not s.get("title"):
            problems.append(f"sources 第{i}项：须有 code 与 title")
            continue
        sources.append({"code": str(s["code"]), "title": str(s["title"]), "note": str(s.get("note") or "")})
    matters: dict[str, dict[str, Any]] = {}
    items = raw.get("matters")
    if not isinstance(items, list) or not items:
        problems.append("matters：应为非空列表")
        items = []
    for i, item in enumerate(items, 1):
        m = _matter(item, i, default, periods, problems)
        if m is None:
            continue
        if m["code"] in matters:
            problems.append(f"matters：{m['code']} 重复")
        matters[m["code"]] = m
    out = {
        "sources": sources, "default_period": default, "periods": periods, "matters": matters,
        "refusal_reasons": _reasons(raw.get("refusal_reasons"), "refusal_reasons", problems),
        "termination_reasons": _reasons(raw.get("termination_reasons"), "termination_reasons", problems),
    }
    if problems:
        raise NotaryDataError(path, problems)
    return out


def matters() -> dict[str, dict[str, Any]]:
    return catalogue()["matters"]  # type: ignore[no-any-return]


def matter(code: str) -> dict[str, Any] | None:
    return matters().get(code)


def matter_label(code: str) -> str:
    m = matter(code)
    return str(m["label"]) if m else code


def category_label(code: str) -> str:
    """"notary.will" → 公证·遗嘱公证 (the case's category, for lists and stats)."""
    _prefix, _, rest = code.partition(".")
    return f"公证·{matter_label(rest)}"


def reason_text(kind: str, code: str) -> str:
    """The words of a refusal (`refusal_reasons`) or termination (`termination_reasons`) code, with its article."""
    r = catalogue()[kind].get(code)
    return f"{r['label']}（{r['article']}）" if r else code


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, words) of the workbench's choice fields: notary_refusal, notary_termination, notary_delivery."""
    from banshi.notary.enums import Delivery

    if kind == "notary_refusal":
        return [(c, reason_text("refusal_reasons", c)) for c in catalogue()["refusal_reasons"]]
    if kind == "notary_termination":
        return [(c, reason_text("termination_reasons", c)) for c in catalogue()["termination_reasons"]]
    if kind == "notary_delivery":
        return [(str(v), str(lbl)) for v, lbl in Delivery.choices]
    return []
