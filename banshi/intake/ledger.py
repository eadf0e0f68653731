"""Ledgers (台账): import existing demand ledgers from Excel/CSV and export cases in the same layout.

Every row ends up counted: imported, already imported (skipped), blank, or reported with its row
number and the reason in Chinese. Good rows go through `case_register` like any other demand,
with the ledger's own receipt time (补录)."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Case
from banshi.cases.registration import VIA_IMPORT
from banshi.core.errors import DomainError
from banshi.core.excel import excel_row, excel_uncell
from banshi.core.privacy import mask_id_number, mask_name, mask_phone, mask_text
from banshi.orgs.models import Unit
from banshi.triage.labels import agency_label, category_label, category_names

log = logging.getLogger(__name__)

COLUMNS = ["编号", "受理时间", "渠道", "类型", "诉求内容", "姓名", "电话", "身份证号", "地址", "区划代码", "分类"]
# Exported after the import columns (an import reads none of them). Every cell a person reads is
# in words: channel, type, category, state, urgency, agency and unit by their Chinese names.
EXPORT_EXTRA = ["状态", "查询码", "紧急程度", "条线", "主办单位"]
REQUIRED = ("受理时间", "类型", "诉求内容")
HEADER_ALIASES = {
    "序号": "编号", "台账编号": "编号", "登记时间": "受理时间", "时间": "受理时间", "来源": "渠道", "受理渠道": "渠道",
    "诉求类型": "类型", "内容": "诉求内容", "问题描述": "诉求内容", "反映内容": "诉求内容", "群众姓名": "姓名",
    "联系电话": "电话", "手机号": "电话", "手机号码": "电话", "身份证": "身份证号", "身份证号码": "身份证号",
    "地点": "地址", "事发地点": "地址", "行政区划代码": "区划代码", "事项分类": "分类",
}
CHANNEL_ALIASES = {
    "12345": Channel.HOTLINE_12345, "12309": Channel.HOTLINE_12309, "电话": Channel.PHONE, "网上": Channel.PORTAL,
    "微信": Channel.WECHAT_QR, "扫码": Channel.WECHAT_QR, "窗口": Channel.WINDOW, "来信": Channel.LETTER,
    "意见箱": Channel.LETTER, "大走访": Channel.FIELD_VISIT, "摆桌子": Channel.FIELD_VISIT, "擺桌子": Channel.FIELD_VISIT,
    "走访": Channel.FIELD_VISIT, "巡回立案": Channel.CIRCUIT, "网格": Channel.GRID, "台账": Channel.IMPORT,
}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y%m%d")
CHUNK = 250

# Ledgers carry entries from before the system: up to ten years back are accepted.
LEDGER_BACKDATE_LIMIT = timedelta(days=3660)


class RowError(Exception):
    pass


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    blank: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, 编号, reason)

    @property
    def accounted(self) -> int:
        return self.imported + self.skipped + self.blank + len(self.errors)


def _label_map(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, label in choices:
        out[str(value)] = str(value)
        out[str(label)] = str(value)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores long digit strings typed as numbers as floats
    return excel_uncell(str(value).strip())


def parse_when(value: Any) -> datetime:
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)  # noqa: DTZ001 - made aware below
    else:
        text = _text(value)
        if not text:
            raise RowError(_("受理时间不能为空"))
        for fmt in DATE_FORMATS:
            try:
                dt = datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware below
                break
            except ValueError:
                continue
        else:
            try:
                dt = datetime.fromisoformat(text)
            except ValueError:
                raise RowError(_("受理时间格式不正确：%(v)s（应为 2025-03-01 09:30）") % {"v": text[:30]}) from None
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, timezone.get_default_timezone())
    return dt


def read_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of the first sheet (.xlsx) or of a CSV file (UTF-8 or GB18030)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise DomainError(_("无法读取Excel文件：%(e)s") % {"e": exc}, code="bad_file") from exc
        try:
            ws = wb.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    elif suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(_("CSV文件编码无法识别：请另存为UTF-8。"), code="bad_file")
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    else:
        raise DomainError(_("只支持 .xlsx 和 .csv 文件。"), code="bad_file")
    if not rows:
        raise DomainError(_("文件是空的。"), code="bad_file")
    header = [HEADER_ALIASES.get(_text(h), _text(h)) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DomainError(_("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)}, code="bad_header")
    return header, rows[1:]


class Progress:
    """A text progress bar on a stream (stderr), redrawn when the percentage changes."""

    def __init__(self, total: int, stream: TextIO | None, label: str) -> None:
        self.total, self.stream, self.label, self.last = max(total, 1), stream, label, -1

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        pct = done * 100 // self.total
        if pct == self.last and done != self.total:
            return
        self.last = pct
        bar = "#" * (pct // 4) + "." * (25 - pct // 4)
        self.stream.write(f"\r{self.label} [{bar}] {pct:3d}% {done}/{self.total}")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _category_code(text: str, codes: dict[str, str]) -> str:
    """A ledger's 分类 cell as stored: an item's name (as exported) → its code; anything else as it is."""
    return codes.get(text, text)[:64]


def _row_input(row: dict[str, str], when: datetime, default_channel: str, channels: dict[str, str],
               types: dict[str, str], categories: dict[str, str] | None = None) -> CaseInput:
    type_text = row.get("类型", "")
    case_type = types.get(type_text)
    if case_type is None:
        raise RowError(_("类型不正确：%(v)s（应为咨询、求助、投诉、举报或建议）") % {"v": type_text[:20] or _("空")})
    channel_text = row.get("渠道", "")
    channel = (channels.get(channel_text) or CHANNEL_ALIASES.get(channel_text)) if channel_text else default_channel
    if channel is None:
        raise RowError(_("渠道不正确：%(v)s") % {"v": channel_text[:20]})
    name = row.get("姓名", "")
    return CaseInput(
        type=case_type, channel=channel, content=row.get("诉求内容", ""), citizen_name=name,
        citizen_phone=row.get("电话", ""), citizen_id_number=row.get("身份证号", ""), anonymous=not name,
        address=row.get("地址", ""), region_code=row.get("区划代码") or None,
        category=_category_code(row.get("分类", ""), categories or {}),
        received_at=when,
    )


def cases_import(
    path: Path, *, unit: Unit, default_channel: str = Channel.IMPORT, notify: bool = False,
    progress: TextIO | None = None, now: datetime | None = None,
) -> ImportReport:
    """Import a ledger. Re-running it imports nothing twice (idempotency key per ledger number,
    or per file content and row number where the ledger has no numbers)."""
    header, rows = read_rows(path)
    file_key = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    channels = _label_map(Channel.choices)
    types = _label_map(CaseType.choices)
    categories = {name: code for code, name in category_names().items()}
    report = ImportReport(rows=len(rows))
    bar = Progress(len(rows), progress, _("导入"))
    seen_numbers: dict[str, int] = {}
    now = now or timezone.now()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        number_at = header.index("编号") if "编号" in header else None
        numbers = {_text(r[number_at]) for r in chunk if number_at is not None and number_at < len(r)}
        existing = set(Case.objects.filter(number__in=numbers - {""}).values_list("number", flat=True))
        with transaction.atomic():
            for offset, values in enumerate(chunk):
                row_no = start + offset + 2  # the spreadsheet's row number (header is row 1)
                raw = {h: v for h, v in zip(header, values, strict=False) if h}
                row = {h: _text(v) for h, v in raw.items()}
                number = row.get("编号", "")
                bar.update(start + offset + 1)
                if not any(row.values()):
                    report.blank += 1
                    continue
                try:
                    if number:
                        if number in seen_numbers:
                            raise RowError(_("编号与第%(n)d行重复") % {"n": seen_numbers[number]})
                        seen_numbers[number] = row_no
                        if number in existing:
                            report.skipped += 1  # a row exported from this system
                            continue
                    data = _row_input(row, parse_when(raw.get("受理时间")), default_channel, channels, types,
                                      categories)
                    key = f"import:{unit.pk}:{number}" if number else f"import:{file_key}:{row_no}"
                    _case, created = case_register(data=data, intake_unit=unit, actor=None, via=VIA_IMPORT,
                                                  idempotency_key=key[:80],
                                                  now=now, notify=notify, backdate_limit=LEDGER_BACKDATE_LIMIT,
                                                  auto_dispatch=False, link_duplicates=False)
                    if not created:
                        report.skipped += 1
                        continue
                    report.imported += 1
                except (RowError, DomainError) as exc:
                    report.errors.append((row_no, number, getattr(exc, "message", None) or str(exc)))
                except Exception as exc:  # never drop a row silently, whatever went wrong
                    log.exception("ledger row %s failed", row_no)
                    report.errors.append((row_no, number, _("系统错误：%(e)s") % {"e": str(exc)[:200]}))
    bar.update(len(rows))
    return report


def errors_write(report: ImportReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["行号", "编号", "原因"])
        for row_no, number, reason in report.errors:
            w.writerow([row_no, number, reason])


def _export_row(case: Case, full: bool) -> list[str]:
    return [
        case.number or "",
        timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M:%S"),
        case.get_channel_display(),
        case.get_type_display(),
        case.content if full else mask_text(case.content),
        case.citizen_name if full else mask_name(case.citizen_name),
        case.citizen_phone if full else mask_phone(case.citizen_phone),
        case.citizen_id_number if full else mask_id_number(case.citizen_id_number),
        case.address,
        case.region_id or "",
        category_label(case.category),
        case.get_state_display(),
        case.tracking_code,
        case.get_urgency_display(),
        agency_label(case.agency),
        case.lead_unit.name if case.lead_unit_id and case.lead_unit else "",
    ]


def cases_export(path: Path, cases: Iterable[Case], *, full: bool = False,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write cases in the import layout (plus state, tracking code, urgency, agency and lead unit:
    pass them with `select_related("lead_unit")`), every code as its Chinese name. Masked unless `full`."""
    header = COLUMNS + EXPORT_EXTRA
    count = 0

    def rows() -> Iterator[list[str]]:
        nonlocal count
        for case in cases:
            count += 1
            if progress:
                progress(count)
            yield excel_row(_export_row(case, full))

    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("诉求台账")
        ws.append(header)
        for r in rows():
            ws.append(r)
        wb.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows())
    return count
