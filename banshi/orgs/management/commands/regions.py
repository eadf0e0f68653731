"""`banshi regions import FILE.csv`: load 行政区划 codes (columns code,name[,parent_code,level]).

Codes follow GB/T 2260 and the statistics bureau's extension: 6 digits for 省 (XX0000), 市
(XXXX00) and 区县 (XXXXXX), 9 digits for 街道乡镇 and 12 digits for 村/社区. The statistics
bureau's 12-digit spelling of higher levels ("130302000000", "130302001000") is accepted and
shortened. Where parent_code or level is missing they are derived from the code. The import is
idempotent (rows are matched by code), puts parents before children and reports every bad row
without stopping.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from banshi.orgs.enums import RegionLevel
from banshi.orgs.models import Region

NAME_MAX = 80
LEVEL_WORDS: dict[str, int] = {
    "省": RegionLevel.PROVINCE,
    "省级": RegionLevel.PROVINCE,
    "直辖市": RegionLevel.PROVINCE,
    "自治区": RegionLevel.PROVINCE,
    "市": RegionLevel.CITY,
    "地级": RegionLevel.CITY,
    "地级市": RegionLevel.CITY,
    "区县": RegionLevel.COUNTY,
    "县级": RegionLevel.COUNTY,
    "县": RegionLevel.COUNTY,
    "区": RegionLevel.COUNTY,
    "街道乡镇": RegionLevel.TOWN,
    "乡镇": RegionLevel.TOWN,
    "街道": RegionLevel.TOWN,
    "乡级": RegionLevel.TOWN,
    "村社区": RegionLevel.VILLAGE,
    "村": RegionLevel.VILLAGE,
    "社区": RegionLevel.VILLAGE,
    "村级": RegionLevel.VILLAGE,
    "province": RegionLevel.PROVINCE,
    "city": RegionLevel.CITY,
    "county": RegionLevel.COUNTY,
    "town": RegionLevel.TOWN,
    "village": RegionLevel.VILLAGE,
}

# Chinese column names accepted beside the English ones.
HEADER_ALIASES = {
    "区划代码": "code",
    "代码": "code",
    "名称": "name",
    "区划名称": "name",
    "上级代码": "parent_code",
    "上级区划代码": "parent_code",
    "级别": "level",
    "层级": "level",
}


class RowError(ValueError):
    """A row that cannot be imported; the message is shown to the user."""


def code_normalise(raw: str) -> str:
    """Digits only; a 12-digit code of a higher level is shortened to 6 or 9 digits."""
    code = (raw or "").strip().replace(" ", "")
    if not code:
        raise RowError(_("区划代码为空"))
    if not (code.isascii() and code.isdigit()):
        raise RowError(_("区划代码“%(code)s”只能包含数字") % {"code": code})
    if len(code) == 12:
        if code.endswith("000000"):
            code = code[:6]
        elif code.endswith("000"):
            code = code[:9]
    if len(code) not in (6, 9, 12):
        raise RowError(_("区划代码“%(code)s”应为6位、9位或12位数字") % {"code": code})
    if code.startswith("00"):
        raise RowError(_("区划代码“%(code)s”的省级部分不正确") % {"code": code})
    return code


def level_from_code(code: str) -> int:
    if len(code) == 12:
        return RegionLevel.VILLAGE
    if len(code) == 9:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def parent_candidates(code: str) -> list[str]:
    """Possible parent codes, nearest first (a 直辖市's district may hang under the province)."""
    if len(code) == 12:
        return [code[:9], *parent_candidates(code[:9])]
    if len(code) == 9:
        return [code[:6], f"{code[:4]}00", f"{code[:2]}0000"]
    level = level_from_code(code)
    if level == RegionLevel.PROVINCE:
        return []
    if level == RegionLevel.CITY:
        return [f"{code[:2]}0000"]
    return [f"{code[:4]}00", f"{code[:2]}0000"]


def level_parse(raw: str) -> int:
    text = (raw or "").strip()
    if text.isascii() and text.isdigit() and int(text) in RegionLevel.values:
        return int(text)
    if text.lower() in LEVEL_WORDS:
        return LEVEL_WORDS[text.lower()]
    raise RowError(_("级别“%(level)s”不正确：应为1至5或 省/市/区县/街道乡镇/村社区") % {"level": text})


@dataclass
class Row:
    line: int
    code: str
    name: str
    level: int
    parent_code: str | None  # explicit parent, or None to derive
    derive_parent: bool


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_text(path: Path, encoding: str | None) -> str:
    data = path.read_bytes()
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK


def rows_parse(text: str, result: ImportResult) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    headers = {
        HEADER_ALIASES.get((h or "").strip().lower(), (h or "").strip().lower()): h
        for h in (reader.fieldnames or [])
    }
    missing = [c for c in ("code", "name") if c not in headers]
    if missing:
        raise CommandError(
            _("CSV 缺少必需的列：%(cols)s（需要 code,name，可选 parent_code,level）")
            % {"cols": ", ".join(missing)}
        )
    rows: list[Row] = []
    seen: set[str] = set()
    for line, rec in enumerate(reader, start=2):

        def cell(name: str, rec: dict[str, Any] = rec) -> str:
            key = headers.get(name)
            value = rec.get(key) if key else None
            return str(value or "").strip()

        if not any(str(v or "").strip() for v in rec.values()):
            continue  # blank line
        try:
            code = code_normalise(cell("code"))
            name = cell("name")
            if not name:
                raise RowError(_("名称为空"))
            if len(name) > NAME_MAX:
                raise RowError(_("名称超过%(n)d个字") % {"n": NAME_MAX})
            level = level_parse(cell("level")) if cell("level") else level_from_code(code)
            parent_raw = cell("parent_code")
            parent_code = code_normalise(parent_raw) if parent_raw else None
            if parent_code == code:
                raise RowError(_("上级区划不能是自身"))
            if code in seen:
                raise RowError(_("区划代码%(code)s在文件中重复出现") % {"code": code})
        except RowError as exc:
            result.errors.append((line, str(exc)))
            continue
        seen.add(code)
        rows.append(Row(line, code, name, level, parent_code, derive_parent=parent_code is None))
    return rows


def _move_subtree(old_path: str, new_path: str) -> None:
    """A region got a new parent: rewrite the materialised paths below it (the apps that copy
    region paths, such as cases, follow through the `region_moved` signal)."""
    from banshi.orgs.signals import region_moved

    tail = Substr("path", len(old_path) + 1)
    Region.objects.filter(path__startswith=old_path).exclude(path=new_path).update(
        path=Concat(Value(new_path), tail)
    )
    region_moved.send(sender=Region, old_path=old_path, new_path=new_path)


def regions_import(rows: list[Row], result: ImportResult) -> ImportResult:
    """Save the rows parents first. Rows whose parent is nowhere to be found are reported."""
    file_codes = {r.code for r in rows}
    db_codes = set(
        Region.objects.filter(
            code__in=file_codes | {c for r in rows for c in parent_candidates(r.code)}
        ).values_list("code", flat=True)
    )
    known = file_codes | db_codes
    for row in rows:
        if row.derive_parent:
            row.parent_code = next((c for c in parent_candidates(row.code) if c in known), None)
            if row.parent_code is None and row.level != RegionLevel.PROVINCE:
                wanted = parent_candidates(row.code)[0] if parent_candidates(row.code) else ""
                result.errors.append(
                    (row.line, _("找不到上级区划%(parent)s（文件和数据库中均不存在）") % {"parent": wanted})
                )
                row.level = -1  # dropped below
    pending = sorted((r for r in rows if r.level != -1), key=lambda r: (r.level, len(r.code), r.code))
    saved: set[str] = set(db_codes)
    while pending:
        waiting: list[Row] = []
        progressed = False
        for row in pending:
            if row.parent_code is not None and row.parent_code not in saved:
                waiting.append(row)
                continue
            progressed = True
            try:
                with transaction.atomic():
                    _save(row, result)
                saved.add(row.code)
            except (DatabaseError, RowError) as exc:
                result.errors.append((row.line, _("保存失败：%(err)s") % {"err": exc}))
        if not progressed:
            for row in waiting:
                reason = (
                    _("上级区划%(parent)s不存在")
                    if row.parent_code not in known
                    else _("上级区划%(parent)s未能导入（上级行有错误或存在循环引用）")
                )
                result.errors.append((row.line, reason % {"parent": row.parent_code}))
            break
        pending = waiting
    result.errors.sort()
    return result


def _save(row: Row, result: ImportResult) -> None:
    parent = Region.objects.filter(code=row.parent_code).first() if row.parent_code else None
    if parent is not None and f"/{row.code}/" in f"/{parent.path}":
        raise RowError(_("上级区划%(parent)s是本区划的下级，不能形成循环") % {"parent": row.parent_code})
    region = Region.objects.filter(code=row.code).first()
    if region is None:
        Region(code=row.code, name=row.name, level=row.level, parent=parent).save()
        result.created += 1
        return
    if (
        region.name == row.name
        and region.level == row.level
        and region.parent_id == (parent.code if parent else None)
    ):
        result.unchanged += 1
        return
    old_path = region.path
    region.name, region.level, region.parent = row.name, row.level, parent
    region.save()
    if region.path != old_path:
        _move_subtree(old_path, region.path)
    result.updated += 1


class Command(BaseCommand):
    help = "行政区划：从 CSV 导入区划代码（列 code,name，可选 parent_code,level）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import", help="导入区划代码 CSV（可重复导入，按代码更新）")
        imp.add_argument("file", help="CSV 文件路径，UTF-8 或 GBK 编码")
        imp.add_argument("--encoding", default=None, help="文件编码（默认自动识别 UTF-8/GBK）")
        imp.add_argument("--dry-run", action="store_true", help="只检查不保存")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        try:
            text = _read_text(path, opts["encoding"])
        except (UnicodeDecodeError, LookupError) as exc:
            raise CommandError(_("无法读取文件编码：%(err)s（可用 --encoding 指定）") % {"err": exc}) from exc
        result = ImportResult()
        rows = rows_parse(text, result)
        with transaction.atomic():
            regions_import(rows, result)
            if opts["dry_run"]:
                transaction.set_rollback(True)
        for line, message in result.errors:
            self.stderr.write(_("第%(line)d行：%(msg)s") % {"line": line, "msg": message})
        summary = _("区划导入%(mode)s：新增 %(c)d 条，更新 %(u)d 条，未变化 %(n)d 条，错误 %(e)d 行。") % {
            "mode": _("（试运行，未保存）") if opts["dry_run"] else _("完成"),
            "c": result.created,
            "u": result.updated,
            "n": result.unchanged,
            "e": len(result.errors),
        }
        self.stdout.write(self.style.WARNING(summary) if result.errors else self.style.SUCCESS(summary))
