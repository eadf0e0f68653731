"""`banshi stats fill|rates|ranking`: fill the count tables, print 三率 and rankings from them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} 日期格式不正确：{text}（应为 YYYY-MM-DD）") from None


class Command(BaseCommand):
    help = "Assessment counts: fill the count tables; print 三率 by unit, region or agency; rank them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        fill = sub.add_parser("fill", help="fill the daily count tables from the events (resumes behind a watermark)")
        fill.add_argument("--since", help="refill from this day (YYYY-MM-DD) even if already filled")
        services = sub.add_parser("services", help="legal aid and mediation per unit or per category")
        services.add_argument("--from", dest="start", required=True)
        services.add_argument("--to", dest="end", required=True)
        services.add_argument("--by", choices=("unit", "category"), default="unit")
        for name, text in (("rates", "三率 per unit, region or agency"), ("ranking", "the rows in rank order")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (Asia/Shanghai)")
            p.add_argument("--to", dest="end", required=True, help="last day, inclusive")
            p.add_argument("--by", choices=("unit", "region", "agency"), default="unit")
            p.add_argument("--region", help="region code: its units, or (with --by region) its child regions")
            p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
            p.add_argument("--out", help="file to write (required for xlsx)")
            if name == "ranking":
                p.add_argument("--min-volume", type=int, help="fewest follow-ups to be ranked (default: the setting)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.core.errors import DomainError

        try:
            if opts["sub"] == "fill":
                self._fill(opts)
            elif opts["sub"] == "services":
                from banshi.stats.queries import service_rows

                rows = service_rows(_day(opts["start"], "--from"), _day(opts["end"], "--to"), opts["by"])
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            else:
                self._rates(opts)
        except DomainError as exc:
            raise CommandError(str(exc.message if hasattr(exc, "message") else exc)) from exc

    def _fill(self, opts: dict[str, Any]) -> None:
        from banshi.stats.fill import fill

        since = _day(opts["since"], "--since") if opts.get("since") else None
        r = fill(since=since)
        first = r.days[0].isoformat() if r.days else "-"
        last = r.days[-1].isoformat() if r.days else "-"
        self.stdout.write(f"filled days={len(r.days)} ({first} … {last}) rows={r.rows} seconds={r.seconds:.2f}")

    def _rates(self, opts: dict[str, Any]) -> None:
        from banshi.stats.exports import rows_csv, rows_xlsx
        from banshi.stats.queries import ranking, rate_rows

        start, end = _day(opts["start"], "--from"), _day(opts["end"], "--to")
        if opts["sub"] == "ranking":
            rows = ranking(start, end, opts["by"], min_volume=opts.get("min_volume"), region_code=opts.get("region"))
        else:
            rows = rate_rows(start, end, opts["by"], region_code=opts.get("region"))
        fmt = opts["format"]
        if fmt == "xlsx":
            if not opts.get("out"):
                raise CommandError("xlsx 格式须用 --out 指定输出文件")
            with open(opts["out"], "wb") as fh:
                fh.write(rows_xlsx(rows, title="排名" if opts["sub"] == "ranking" else "三率"))
            self.stdout.write(opts["out"])
            return
        text = json.dumps(rows, ensure_ascii=False, indent=1) if fmt == "json" else rows_csv(rows)
        if opts.get("out"):
            with open(opts["out"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
