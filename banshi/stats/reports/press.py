"""The press paragraph of a briefing (新闻通稿段落) and the Chinese way of writing its figures.

The paragraph follows the published reports ("截至目前，全省各级政法机关共……解决群众急难愁盼问题
124636人次"; "冻结金额2059.7万余元"; "调解成功率达99%"): plain Arabic digits with the measure word,
万 from a hundred thousand up (rounded down, with 余 when something was cut off), percentages to one
decimal without a trailing ".0". Every clause is written only when the counts hold its figure: no
满意率 without follow-ups, no 办结率 when more was replied than received, no "0 overdue" claim
(a zero only says nothing was recorded). The wording lives in `stats/data/report.yaml`.
"""

from __future__ import annotations

import string
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from banshi.core.datafiles import DataFileError, read_mapping

if TYPE_CHECKING:
    from banshi.stats.reports.figures import Figures

PATH = Path(__file__).resolve().parents[1] / "data" / "report.yaml"

PARAGRAPH_FIELDS: dict[str, set[str]] = {
    "opening_whole": {"period", "whole", "received"},
    "opening_region": {"period", "region", "received"},
    "opening_none_whole": {"period", "whole"},
    "opening_none_region": {"period", "region"},
    "dispatched": {"dispatched"},
    "replied": {"replied"},
    "replied_rate": {"replied_rate"},
    "on_time_rate": {"on_time_rate"},
    "hours": {"hours"},
    "followups": {"followups"},
    "satisfaction_rate": {"satisfaction_rate"},
    "resolution_rate": {"resolution_rate"},
    "response_rate": {"response_rate"},
    "supervised": {"supervised"},
    "breached": {"breached"},
    "returned": {"returned"},
    "reopened": {"reopened"},
    "mediation": {"med_concluded", "mediation_success_rate"},
    "aid": {"aid_applied"},
    "aid_green": {"aid_green"},
    "aid_amount": {"aid_amount"},
    "categories": {"items"},
    "hotspots": {"items"},
    "item": {"label", "count"},
}
NOTE_FIELDS: dict[str, set[str]] = {
    "rates": set(), "min_volume": {"min_volume"}, "interval": set(), "replied_rate": set(), "hotspots": set(),
    "region_scope": {"region"},
    "partial": {"end"}, "watermark": {"done"}, "source": {"generated"},
}
TOP_ITEMS = 3


class ReportFileError(DataFileError):
    what: ClassVar[str] = "通报文字文件"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _check(section: str, given: Any, wanted: dict[str, set[str]], problems: list[str]) -> dict[str, str]:
    if not isinstance(given, dict):
        problems.append(f"{section}：应为映射（名称: 文字）")
        return {}
    out: dict[str, str] = {}
    for key, allowed in wanted.items():
        text = given.get(key)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{section}.{key}：缺少文字")
            continue
        try:
            unknown = _fields(text) - allowed
        except ValueError as exc:
            problems.append(f"{section}.{key}：花括号不成对（{exc}）")
            continue
        if unknown:
            problems.append(f"{section}.{key}：不认识的名称 {'、'.join(sorted(unknown))}"
                            f"（可用：{'、'.join(sorted(allowed)) or '无'}）")
        out[key] = text
    for key in sorted(set(given) - set(wanted)):
        problems.append(f"{section}.{key}：多余的条目")
    return out


@cache
def wording() -> dict[str, Any]:
    """The checked contents of `report.yaml` (every problem at once, in Chinese)."""
    raw = read_mapping(PATH, ("title", "whole_words", "paragraph", "notes"), ReportFileError)
    problems: list[str] = []
    title = raw.get("title")
    if not isinstance(title, str) or _fields(title) - {"name"}:
        problems.append("title：应为文字，只可用名称 name")
    words = raw.get("whole_words")
    if not isinstance(words, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in words.items()):
        problems.append("whole_words：应为“末字: 称谓”的映射")
        words = {}
    fallback = raw.get("whole_fallback")
    if not isinstance(fallback, str) or not fallback:
        problems.append("whole_fallback：缺少文字")
    paragraph = _check("paragraph", raw.get("paragraph"), PARAGRAPH_FIELDS, problems)
    notes = _check("notes", raw.get("notes"), NOTE_FIELDS, problems)
    if problems:
        raise ReportFileError(PATH, problems)
    return {"title": title, "whole_words": dict(words), "whole_fallback": fallback,
            "paragraph": paragraph, "notes": notes}


# -- figures the Chinese way -----------------------------------------------------------------------

def cn_count(n: int, word: str = "件") -> str:
    """1286 → "1286件"; 124636 → "12.4万余件"; 120000 → "12万件" (rounded down: 余 says more)."""
    n = int(n)
    if n < 100000:
        return f"{n}{word}"
    tenths, rest = divmod(n, 1000)
    wan = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
    return f"{wan}万{'余' if rest else ''}{word}"


def cn_percent(rate: float | None) -> str:
    """0.9423 → "94.2%"; 0.99 → "99%". A rate short of 1 never reads "100%", nor one above 0 "0%"."""
    if rate is None:
        return ""
    pct = (Decimal(str(rate)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if pct >= 100 and rate < 1:
        pct = Decimal("99.9")
    elif pct <= 0 < rate:
        pct = Decimal("0.1")
    text = f"{pct:f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _one_decimal(x: float) -> str:
    text = f"{Decimal(str(x)).quantize(Decimal('0.1'), ROUND_HALF_UP):f}"
    return text[:-2] if text.endswith(".0") else text


def cn_duration(hours: float | None) -> str:
    """18.46 → "18.5小时"; from two days up in days: 77 → "3.2天"."""
    if hours is None:
        return ""
    if hours < 48:
        return f"{_one_decimal(hours)}小时"
    return f"{_one_decimal(hours / 24)}天"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_period(start: date, end: date, *, full_month: bool) -> str:
    """"2026年10月" for a whole month, "2026年11月1日至11月20日" for part of one."""
    if full_month:
        return f"{start.year}年{start.month}月"
    return f"{cn_date(start)}至{end.month}月{end.day}日"


def cn_list(items: list[str]) -> str:
    """["a", "b", "c"] → "a、b和c"."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


# -- the paragraph ---------------------------------------------------------------------------------

def press_paragraph(fig: Figures) -> str:
    """The paragraph, from the figures only."""
    w = wording()["paragraph"]
    t = fig.totals
    received = t.get("received", 0)
    values = {"period": fig.period_text, "whole": fig.whole, "region": fig.region_name}
    if received:
        opening = w["opening_region" if fig.region_code else "opening_whole"].format(
            **values, received=cn_count(received))
    else:
        opening = w["opening_none_region" if fig.region_code else "opening_none_whole"].format(**values)
    first = [opening]
    if t.get("dispatched"):
        first.append(w["dispatched"].format(dispatched=cn_count(t["dispatched"])))
    if t.get("replied"):
        first.append(w["replied"].format(replied=cn_count(t["replied"])))
        if fig.replied_rate is not None and fig.replied_rate <= 1:
            first.append(w["replied_rate"].format(replied_rate=cn_percent(fig.replied_rate)))
        if fig.overall.get("on_time_rate") is not None:
            first.append(w["on_time_rate"].format(on_time_rate=cn_percent(fig.overall["on_time_rate"])))
        if fig.average_hours is not None:
            first.append(w["hours"].format(hours=cn_duration(fig.average_hours)))
    sentences = ["，".join(first)]

    if fig.overall.get("followups"):
        o = fig.overall
        second = [w["followups"].format(followups=cn_count(o["followups"], "人次"))]
        for key in ("satisfaction_rate", "resolution_rate", "response_rate"):
            if o.get(key) is not None:
                second.append(w[key].format(**{key: cn_percent(o[key])}))
        sentences[0] += "；" + "，".join(second)

    third = [w[key].format(**{key: cn_count(t[key], word)})
             for key, word in (("supervised", "次"), ("breached", "次"), ("returned", "件"), ("reopened", "次"))
             if t.get(key)]
    if third:
        sentences.append("，".join(third))

    services: list[str] = []
    if t.get("med_concluded"):
        rate = t.get("med_agreed", 0) / t["med_concluded"]
        services.append(w["mediation"].format(med_concluded=cn_count(t["med_concluded"]),
                                              mediation_success_rate=cn_percent(rate)))
    if t.get("aid_applied"):
        services.append(w["aid"].format(aid_applied=cn_count(t["aid_applied"])))
        if t.get("aid_green"):
            services.append(w["aid_green"].format(aid_green=cn_count(t["aid_green"])))
        if t.get("aid_amount"):
            services.append(w["aid_amount"].format(aid_amount=cn_count(t["aid_amount"], "元")))
    if services:
        sentences.append("，".join(services))

    cats = [w["item"].format(label=c["label"], count=cn_count(c["received"]))
            for c in fig.categories if c["code"] and c["received"]][:TOP_ITEMS]
    if cats:
        sentences.append(w["categories"].format(items=cn_list(cats)))
    spots = [w["item"].format(label=h["label"], count=cn_count(h["received"]))
             for h in fig.hotspots if h["received"]][:TOP_ITEMS]
    if spots:
        sentences.append(w["hotspots"].format(items=cn_list(spots)))
    return "。".join(sentences) + "。"


def note(key: str, **values: Any) -> str:
    return str(wording()["notes"][key]).format(**values)


def title(name: str) -> str:
    return str(wording()["title"]).format(name=name)
