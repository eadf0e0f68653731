"""`banshi export cases FILE`: cases in the ledger layout of `banshi import cases`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date


class Command(BaseCommand):
    help = "Export data. `export cases FILE [--unit ID] [--from DATE] [--to DATE] [--full]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help="cases as a ledger (.xlsx or .csv)")
        cases.add_argument("file")
        cases.add_argument("--unit", type=int, help="only cases taken in by this unit")
        cases.add_argument("--from", dest="date_from", help="received on or after (YYYY-MM-DD)")
        cases.add_argument("--to", dest="date_to", help="received on or before (YYYY-MM-DD)")
        cases.add_argument("--full", action="store_true",
                           help="full names, phone and ID numbers (written to the audit log); masked by default")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.cases.models import Case
        from banshi.core.audit import audit_write
        from banshi.intake.ledger import Progress, cases_export

        qs = Case.objects.select_related("lead_unit").order_by("received_at", "id")
        if opts["unit"]:
            qs = qs.filter(intake_unit_id=opts["unit"])
        for key, lookup in (("date_from", "received_at__date__gte"), ("date_to", "received_at__date__lte")):
            if opts[key]:
                d = parse_date(opts[key])
                if d is None:
                    raise CommandError(f"日期格式不正确：{opts[key]}")
                qs = qs.filter(**{lookup: d})
        path = Path(opts["file"])
        total = qs.count()
        bar = Progress(total, cast(TextIO, self.stderr._out), "导出")
        n = cases_export(path, qs.iterator(chunk_size=2000), full=opts["full"], progress=bar.update)
        bar.update(total)
        if opts["full"]:
            audit_write(actor_id=None, action="personal_data_export", object_type="case", object_id="",
                        data={"file": str(path), "count": n, "filters": {k: opts[k] for k in ("unit", "date_from", "date_to")}})
        self.stdout.write(f"已导出{n}件：{path}")
