"""The monthly briefing (月度通报): figures from the count tables, an Excel workbook and a PDF, kept
as a `Report` with the parameters that reproduce it (the month, the region, the rate settings in
force, the fill watermark, the generation time) and the SHA-256 of each file.

The files are made before any transaction (rendering takes a moment); the row is written in a
short one. `report_due_monthly` (the worker) makes last month's briefing once.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from banshi.orgs.models import Person
from banshi.stats.models import FillState, Report
from banshi.stats.reports.figures import Figures, figures_monthly, previous_month
from banshi.stats.reports.pdf import monthly_pdf
from banshi.stats.reports.workbook import monthly_xlsx

log = logging.getLogger(__name__)
KIND = "monthly"


def file_stem(month: str, region_code: str = "") -> str:
    return f"banshi-monthly-{month}" + (f"-{region_code}" if region_code else "")


def _params(fig: Figures) -> dict[str, Any]:
    return {
        "month": fig.month, "region": fig.region_code, "region_name": fig.region_name,
        "start": fig.start.isoformat(), "end": fig.end.isoformat(), "full_month": fig.full_month,
        "rates": fig.config, "watermark": fig.watermark, "generated_at": fig.generated_at.isoformat(),
        # The headline figures, to compare a regenerated briefing with the published one.
        "totals": dict(sorted(fig.totals.items())),
        "ranking": [[r["rank"], r.get("unit_id"), r["composite"], r["followups"]] for r in fig.ranking],
        "paragraph": fig.paragraph,
    }


def _store(fig: Figures, xlsx: bytes, pdf: bytes, *, actor: Person | None, only_if_missing: bool) -> Report | None:
    stem = file_stem(fig.month, fig.region_code)
    with transaction.atomic():
        if only_if_missing:
            # Serialise concurrent workers on the one FillState row, then look again.
            FillState.objects.select_for_update().get_or_create(pk=1)
            if Report.objects.filter(kind=KIND, period=fig.month, region_code=fig.region_code).exists():
                return None
        report = Report(kind=KIND, period=fig.month, region_code=fig.region_code, params=_params(fig),
                        sha256={"xlsx": hashlib.sha256(xlsx).hexdigest(), "pdf": hashlib.sha256(pdf).hexdigest()},
                        created_by=actor)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        try:
            report.save()
        except Exception:
            report.xlsx.delete(save=False)
            report.pdf.delete(save=False)
            raise
    return report


def _generate(month: str, *, region_code: str | None, out_dir: Path | None, actor: Person | None,
              now: datetime | None, only_if_missing: bool) -> Report | None:
    fig = figures_monthly(month, region_code=region_code, now=now or timezone.now())
    xlsx = monthly_xlsx(fig)
    pdf = monthly_pdf(fig)
    report = _store(fig, xlsx, pdf, actor=actor, only_if_missing=only_if_missing)
    if report is not None and out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = file_stem(fig.month, fig.region_code)
        (out_dir / f"{stem}.xlsx").write_bytes(xlsx)
        (out_dir / f"{stem}.pdf").write_bytes(pdf)
    return report


def report_monthly(month: str, *, region_code: str | None = None, out_dir: Path | None = None,
                   actor: Person | None = None, now: datetime | None = None) -> Report:
    """The briefing of `month` ("YYYY-MM", Asia/Shanghai days) for everything or one region.
    Reads the counts as they are (run the fill first); with `out_dir`, also writes
    banshi-monthly-YYYY-MM[-REGION].xlsx and .pdf there."""
    report = _generate(month, region_code=region_code, out_dir=out_dir, actor=actor, now=now, only_if_missing=False)
    assert report is not None
    return report


def report_due_monthly(now: datetime | None = None) -> Report | None:
    """For the worker: last month's briefing for everything, once. Fills the counts first;
    returns None when it exists already (or another worker made it meanwhile)."""
    from banshi.stats.fill import fill

    now = now or timezone.now()
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    month = previous_month(today)
    if Report.objects.filter(kind=KIND, period=month, region_code="").exists():
        return None
    fill(now=now)
    report = _generate(month, region_code=None, out_dir=None, actor=None, now=now, only_if_missing=True)
    if report is not None:
        log.info("monthly briefing %s generated (report %s)", month, report.pk)
    return report
