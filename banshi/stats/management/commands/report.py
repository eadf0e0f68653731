"""`banshi report monthly --month YYYY-MM [--region CODE] --out DIR`: the 月度通报 as Excel and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Briefings from the count tables: the monthly one (Excel and PDF), kept as a stats Report."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        monthly = sub.add_parser("monthly", help="the 月度通报 of one month (run `banshi stats fill` first)")
        monthly.add_argument("--month", required=True, help="the month, YYYY-MM (Asia/Shanghai days)")
        monthly.add_argument("--region", help="region code (down to a 街乡镇); default: everything")
        monthly.add_argument("--out", required=True, help="directory to write the .xlsx and .pdf into")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.core.errors import DomainError
        from banshi.stats.reports.monthly import file_stem, report_monthly

        out = Path(opts["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out 应为目录：{out} 是一个文件")
        try:
            report = report_monthly(opts["month"], region_code=opts.get("region") or None, out_dir=out)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        stem = file_stem(report.period, report.region_code)
        for ext in ("xlsx", "pdf"):
            self.stdout.write(str((out / f"{stem}.{ext}").resolve()))
