"""The reviewable data of 国家司法救助: `data/judicial_aid.yaml` — the situations (救助情形) with
their sources, the documents, the refusal reasons, the payment methods and the amount limit
(一般不超过上一年度职工月平均工资36个月), each item saying whether it was checked against the text."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from banshi.core.datafiles import DataFileError, read_mapping

DATA = Path(__file__).parent / "data"
PATH = DATA / "judicial_aid.yaml"


class JudicialAidDataError(DataFileError):
    what: ClassVar[str] = "国家司法救助数据文件"


def _coded(items: Any, what: str, problems: list[str], sources: set[str] | None = None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(items, list) or not items:
        problems.append(f"{what}：应为非空列表")
        return out
    for item in items:
        if not isinstance(item, dict) or not item.get("code") or not item.get("label"):
            problems.append(f"{what}：每项须有 code 与 label")
            continue
        code = str(item["code"])
        if code in out:
            problems.append(f"{what}：{code} 重复")
        if sources is not None and str(item.get("source") or "") not in sources:
            problems.append(f"{what}：{code} 的 source 应为 {'、'.join(sorted(sources))} 之一")
        out[code] = {**item, "code": code, "label": str(item["label"]), "verified": bool(item.get("verified", False))}
    return out


def _money(raw: Any, what: str, problems: list[str]) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        problems.append(f"{what}：应为正的金额（元），如 \"8000.00\"")
        return Decimal("0.01")
    return value.quantize(Decimal("0.01"))


@cache
def judicial_aid() -> dict[str, Any]:
    raw = read_mapping(PATH, ("sources", "situations", "refusal_reasons", "payment_methods", "limit"),
                       JudicialAidDataError)
    problems: list[str] = []
    sources = _coded([{**s, "label": s.get("title")} if isinstance(s, dict) else s for s in raw.get("sources") or []],
                     "sources", problems)
    codes = set(sources)
    limit: dict[str, Any] = raw["limit"] if isinstance(raw.get("limit"), dict) else {}
    if not limit:
        problems.append("limit：应为映射（basis、months、monthly_wage …）")
    months = limit.get("months")
    if not isinstance(months, int) or isinstance(months, bool) or months <= 0:
        problems.append("limit.months：应为正整数（如 36）")
        months = 36
    by_region_raw = limit.get("by_region") or {}
    if not isinstance(by_region_raw, dict):
        problems.append("limit.by_region：应为映射（区划代码: 月平均工资）")
        by_region_raw = {}
    out: dict[str, Any] = {
        "sources": sources,
        "situations": _coded(raw.get("situations"), "situations", problems, codes),
        "refusal_reasons": _coded(raw.get("refusal_reasons"), "refusal_reasons", problems, codes),
        "payment_methods": _coded(raw.get("payment_methods"), "payment_methods", problems),
        "documents": [str(d) for d in raw.get("documents") or []],
        "limit": {
            "basis": str(limit.get("basis") or ""),
            "months": months,
            "monthly_wage": _money(limit.get("monthly_wage"), "limit.monthly_wage", problems),
            "by_region": {str(k): _money(v, f"limit.by_region.{k}", problems) for k, v in by_region_raw.items()},
            "exceed": str(limit.get("exceed") or ""),
            "source": str(limit.get("source") or ""),
            "verified": bool(limit.get("verified", False)),
        },
    }
    if out["limit"]["source"] not in codes:
        problems.append("limit.source：应为 sources 中的 code")
    if not out["documents"]:
        problems.append("documents：应为非空列表")
    if problems:
        raise JudicialAidDataError(PATH, problems)
    return out


def label(mapping: dict[str, dict[str, Any]], code: str) -> str:
    item = mapping.get(code)
    return str(item["label"]) if item else code


def monthly_wage(region_path: str) -> Decimal:
    """The reference monthly wage for a case's region: the most specific `by_region` entry on its
    path (区县 before 市 before 省), else the file's default."""
    limit = judicial_aid()["limit"]
    by_region: dict[str, Decimal] = limit["by_region"]
    for code in reversed([c for c in (region_path or "").split("/") if c]):
        if code in by_region:
            return by_region[code]
    return Decimal(limit["monthly_wage"])


def amount_limit(region_path: str) -> Decimal:
    """一般不超过上一年度职工月平均工资 × months."""
    return (monthly_wage(region_path) * judicial_aid()["limit"]["months"]).quantize(Decimal("0.01"))


def category_label(code: str) -> str:
    return "国家司法救助"


def public_catalogue() -> dict[str, Any]:
    """The codes clients use, as JSON-safe values."""
    cat = judicial_aid()
    lim = cat["limit"]
    return {
        "situations": {c: {"label": s["label"], "detail": str(s.get("detail", "")), "source": s.get("source", ""),
                           "verified": s["verified"]} for c, s in cat["situations"].items()},
        "refusal_reasons": {c: {"label": r["label"], "verified": r["verified"]} for c, r in cat["refusal_reasons"].items()},
        "payment_methods": {c: m["label"] for c, m in cat["payment_methods"].items()},
        "documents": list(cat["documents"]),
        "sources": {c: s["label"] for c, s in cat["sources"].items()},
        "limit": {"basis": lim["basis"], "months": lim["months"], "monthly_wage": str(lim["monthly_wage"]),
                  "by_region": {k: str(v) for k, v in lim["by_region"].items()}, "exceed": lim["exceed"],
                  "verified": lim["verified"]},
    }
