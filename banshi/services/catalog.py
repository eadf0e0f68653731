"""The reviewable data of the specialised matters: `data/legal_aid.yaml` (援助事项, exemptions with
their article numbers, documents, refusal and termination reasons) and `data/mediation.yaml`
(sources, dispute types, modes, next channels, the agreement template)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from banshi.core.datafiles import DataFileError, read_mapping

DATA = Path(__file__).parent / "data"


class ServiceDataError(DataFileError):
    what: ClassVar[str] = "专项服务数据文件"


def _coded(items: Any, path: Path, what: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        if not isinstance(item, dict) or not item.get("code") or not item.get("label"):
            problems.append(f"{what}：每项须有 code 与 label")
            continue
        if item["code"] in out:
            problems.append(f"{what}：{item['code']} 重复")
        out[str(item["code"])] = item
    return out


@cache
def legal_aid() -> dict[str, Any]:
    path = DATA / "legal_aid.yaml"
    raw = read_mapping(path, ("matter_kinds", "matter_types", "exemptions"), ServiceDataError)
    problems: list[str] = []
    out: dict[str, Any] = {
        "matter_kinds": {str(k): str(v) for k, v in (raw.get("matter_kinds") or {}).items()},
        "matter_types": _coded(raw.get("matter_types"), path, "matter_types", problems),
        "exemptions": _coded(raw.get("exemptions"), path, "exemptions", problems),
        "termination_reasons": _coded(raw.get("termination_reasons"), path, "termination_reasons", problems),
        "documents": [str(d) for d in raw.get("documents") or []],
        "refusal_reasons": [str(d) for d in raw.get("refusal_reasons") or []],
        "docs_period_days": int(raw.get("docs_period_days", 15)),
        "advance_days": int(raw.get("advance_days", 7)),
    }
    for code, t in out["matter_types"].items():
        if t.get("kind") not in out["matter_kinds"]:
            problems.append(f"matter_types：{code} 的 kind 应为 {'、'.join(out['matter_kinds'])} 之一")
    for code, e in out["exemptions"].items():
        if not e.get("article"):
            problems.append(f"exemptions：{code} 须写明条文（article）")
    if problems:
        raise ServiceDataError(path, problems)
    return out


@cache
def mediation() -> dict[str, Any]:
    path = DATA / "mediation.yaml"
    raw = read_mapping(path, ("sources", "dispute_types", "agreement_template"), ServiceDataError)
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key in ("sources", "dispute_types", "modes", "next_channels", "performance"):
        value = raw.get(key)
        if not isinstance(value, dict) or not value:
            problems.append(f"{key}：应为非空映射")
            value = {}
        out[key] = {str(k): str(v) for k, v in value.items()}
    out["agreement_template"] = str(raw.get("agreement_template") or "")
    if "{terms}" not in out["agreement_template"]:
        problems.append("agreement_template：须含 {terms}")
    if problems:
        raise ServiceDataError(path, problems)
    return out


def label(mapping: dict[str, Any], code: str) -> str:
    v = mapping.get(code)
    if isinstance(v, dict):
        return str(v.get("label", code))
    return str(v) if v is not None else code


def category_label(code: str) -> str:
    """"legal_aid.labour_pay" → 法律援助·请求确认劳动关系或者支付劳动报酬; "mediation.neighbour" → 人民调解·邻里纠纷."""
    prefix, _, rest = code.partition(".")
    if prefix == "legal_aid":
        return f"法律援助·{label(legal_aid()['matter_types'], rest)}"
    if prefix == "mediation":
        return f"人民调解·{mediation()['dispute_types'].get(rest, rest)}"
    return code
