"""The briefing as a PDF: an HTML template (stats/monthly_report.html) rendered by WeasyPrint, A4,
with bar charts as inline SVG made here. WeasyPrint fetches nothing: every URL it would read (an
image, a stylesheet, even a local file) is refused by `Offline`, so the PDF is made from the
template and the figures alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from banshi.stats.reports.charts import Bar, hbar_svg
from banshi.stats.reports.figures import Figures
from banshi.stats.reports.press import cn_date
from banshi.stats.reports.workbook import interval_text, unranked_remark

TEMPLATE = "stats/monthly_report.html"
BASE_URL = str(Path(__file__).resolve().parents[1] / "templates" / "stats") + "/"
CHART_ROWS = 15


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _offline_fetcher(refused: list[str]) -> Any:
    from weasyprint.urls import URLFetcher

    class Offline(URLFetcher):
        """Refuses every URL: the briefing needs no resource, and must never reach the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            refused.append(url)
            raise ValueError(f"离线生成，不读取外部资源：{url}")

    return Offline()


def html_to_pdf(html: str, *, refused: list[str] | None = None) -> bytes:
    """The PDF of an HTML text, offline. URLs WeasyPrint asked for are appended to `refused`."""
    from weasyprint import HTML

    log = refused if refused is not None else []
    doc = HTML(string=html, base_url=BASE_URL, url_fetcher=_offline_fetcher(log))
    return bytes(doc.write_pdf())


def _context(fig: Figures) -> dict[str, Any]:
    totals = []
    for t in fig.total_rows():
        if t.kind == "rate":
            value = pct(t.value)
        elif t.kind in ("hours", "score"):
            value = num(t.value)
        else:
            value = str(t.value)
        totals.append({"label": t.label, "value": value, "definition": t.definition})
    ranked = []
    for r in fig.ranked:
        iv = r.get("intervals") or {}
        ranked.append({
            "rank": r["rank"], "name": r["name"], "followups": r["followups"],
            "response": pct(r["response_rate"]), "response_iv": interval_text(iv.get("response_rate")),
            "resolution": pct(r["resolution_rate"]), "resolution_iv": interval_text(iv.get("resolution_rate")),
            "satisfaction": pct(r["satisfaction_rate"]),
            "satisfaction_iv": interval_text(iv.get("satisfaction_rate")),
            "composite": num(r["composite"]),
        })
    unranked = [{"name": r["name"], "followups": r["followups"], "remark": unranked_remark(r, fig.min_volume)}
                for r in fig.unranked]
    overdue = [{**r, "on_time": pct(r["on_time_rate"])} for r in fig.overdue]
    categories = [{**r, "share_text": pct(r["share"])} for r in fig.categories]
    hotspots = [{**r, "share_text": pct(r["share"])} for r in fig.hotspots]
    charts = {
        "composite": hbar_svg([Bar(r["name"], r["composite"], num(r["composite"])) for r in fig.ranked[:CHART_ROWS]],
                              title=f"综合得分（参与排名的前{min(len(fig.ranked), CHART_ROWS)}个单位）",
                              max_value=100.0) if fig.ranked else "",
        "overdue": hbar_svg([Bar(r["name"], r["breached"], f"{r['breached']}次") for r in fig.overdue],
                            title="超期件数", colour="#7b241c") if fig.overdue else "",
        "categories": hbar_svg([Bar(r["label"], r["received"], f"{r['received']}件") for r in fig.categories],
                               title="热点分类（受理量）", colour="#1f618d") if fig.categories else "",
        "hotspots": hbar_svg([Bar(r["label"], r["received"], f"{r['received']}件") for r in fig.hotspots],
                             title="热点区域（受理量）", colour="#117a65") if fig.hotspots else "",
    }
    local = timezone.localtime(fig.generated_at, timezone.get_default_timezone())
    return {
        "fig": fig, "title": fig.title, "period": fig.period_text,
        "range": f"{fig.start.isoformat()} 至 {fig.end.isoformat()}（北京时间）",
        "scope": fig.region_name or fig.whole or "全部", "paragraph": fig.paragraph,
        "totals": totals, "ranked": ranked, "unranked": unranked, "overdue": overdue,
        "categories": categories, "hotspots": hotspots, "unlocated": fig.unlocated,
        "min_volume": fig.min_volume, "notes": fig.notes,
        # Built by hbar_svg, which escapes every text it draws.
        "charts": {k: mark_safe(v) for k, v in charts.items()},
        "generated": f"{cn_date(local.date())} {local:%H:%M}", "generated_iso": local.isoformat(timespec="seconds"),
    }


def monthly_pdf(fig: Figures, *, refused: list[str] | None = None) -> bytes:
    return html_to_pdf(render_to_string(TEMPLATE, _context(fig)), refused=refused)
