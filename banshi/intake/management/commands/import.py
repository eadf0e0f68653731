"""`banshi import cases FILE`: import a demand ledger (.xlsx or .csv) with a progress bar and a
per-row error report. Nothing is dropped silently: the summary accounts for every row."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banshi.cases.enums import Channel
from banshi.core.errors import DomainError
from banshi.orgs.models import Unit


class Command(BaseCommand):
    help = "Import data. `import cases FILE --unit ID`: a demand ledger from Excel/CSV (补录)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help="a ledger of demands (.xlsx or .csv)")
        cases.add_argument("file")
        unit = cases.add_mutually_exclusive_group(required=True)
        unit.add_argument("--unit", type=int, help="id of the intake unit")
        unit.add_argument("--unit-name", help="exact name of the intake unit")
        cases.add_argument("--errors", help="where to write the error report (default: FILE.errors.csv)")
        cases.add_argument("--channel", default=Channel.IMPORT, choices=Channel.values,
                           help="channel for rows without 渠道 (default: import)")
        cases.add_argument("--notify", action="store_true", help="send receipt SMS to citizens of imported rows")
        cases.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.intake.ledger import cases_import, errors_write

        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        unit = (Unit.objects.filter(pk=opts["unit"]) if opts["unit"] else Unit.objects.filter(name=opts["unit_name"]))
        unit_obj = unit.filter(is_active=True).first()
        if unit_obj is None:
            raise CommandError("受理单位不存在或已停用。")
        try:
            report = cases_import(path, unit=unit_obj, default_channel=opts["channel"], notify=opts["notify"],
                                  progress=None if opts["no_progress"] else cast(TextIO, self.stderr._out))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        errors_path = Path(opts["errors"]) if opts["errors"] else path.with_name(path.name + ".errors.csv")
        if report.errors:
            errors_write(report, errors_path)
        self.stdout.write(
            f"共{report.rows}行：导入{report.imported}，已导入过跳过{report.skipped}，空行{report.blank}，"
            f"错误{len(report.errors)}"
        )
        if report.errors:
            self.stdout.write(f"错误明细：{errors_path}")
            for row_no, _number, reason in report.errors[:20]:
                self.stderr.write(f"第{row_no}行：{reason}")
        if report.accounted != report.rows:  # a bug, never a silent loss
            raise CommandError(f"行数不一致：{report.accounted} != {report.rows}")
        if report.errors:
            sys.exit(2)
