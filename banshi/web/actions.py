"""The workbench's action forms, generated from the action registry (cases/actions.py and the
entries of each workflow definition: the demand's, and the specialised matters' in services/).

Holds no rules: the workflow definition and the domain functions decide; this module only turns
the posted form into the registry entry's typed input (form strings → ids, dates, amounts, lists,
aware datetimes) and hands it over. A value that cannot be read is refused here with a Chinese
message naming the field; whether a readable value is acceptable is the domain's to say.

Field kinds (FormField.kind) and what the form posts:
  textarea, text            the text as typed
  unit, handler, rating     a row id (a select or radio)
  urgency, period, link_kind  a code from the select
  datetime                  2025-03-07T09:30 (datetime-local) → an aware datetime
  case_ref                  a case number (BS…) or id
  lines                     a textarea, one item per line → list[str]
  date                      2025-03-07 (also 2025/3/7, 2025年3月7日) → date
  money                     yuan, e.g. 20000 or 20,000.50 → Decimal (optional)
  checkbox                  on / absent → bool
  mediation_room            a room id of the matter's committee (optional)
  parties                   a textarea, one party per line "姓名,电话" → [{"name", "role": "respondent", "phone"}]
  hardship, aid_termination, mediation_mode, mediation_period, agreement_form, next_channel,
  performance, matter_kind  a code from the choices `field_choices` lists
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from banshi.cases.actions import FormField, action_for, form_for
from banshi.cases.domain.matters import referral_kinds
from banshi.cases.enums import Kind
from banshi.cases.models import Case
from banshi.cases.queries.available import period_text
from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person
from banshi.services import catalog
from banshi.services.mediation import EXTENSIONS
from banshi.web.params import is_id

__all__ = ["CHOICE_KINDS", "FormField", "action_run", "case_ref", "field_choices", "field_what", "form_for",
           "parties_parse"]
ID_WIDGETS = {"unit", "handler", "rating"}
CHOICE_KINDS = {"hardship", "aid_termination", "mediation_mode", "mediation_period", "agreement_form",
                "next_channel", "performance", "matter_kind", "ja_refusal_reason", "ja_payment_method",
                "notary_delivery", "notary_refusal", "notary_termination"}
MAX_MONEY = Decimal("999999999999.99")
MAX_LINES = 50
MAX_PARTIES = 20


def field_choices(kind: str) -> list[tuple[str, str]]:
    """The (code, words) a choice field offers; [] for a kind without fixed choices."""
    if kind == "hardship":
        return [("met", _("经审查符合经济困难条件")), ("exempt", _("免予核查经济困难状况（法律援助法第32条、第42条情形）"))]
    if kind == "aid_termination":
        return [(code, f"{r['label']}（{r.get('article', '')}）")
                for code, r in catalog.legal_aid()["termination_reasons"].items()]
    if kind == "mediation_mode":
        return list(catalog.mediation()["modes"].items())
    if kind == "mediation_period":
        return [(p, period_text(p)) for p in EXTENSIONS]
    if kind == "agreement_form":
        return [("written", _("书面协议（生成人民调解协议书）")), ("oral", _("口头协议（记录在案）"))]
    if kind == "next_channel":
        return list(catalog.mediation()["next_channels"].items())
    if kind == "performance":
        return list(catalog.mediation()["performance"].items())
    if kind in ("notary_delivery", "notary_refusal", "notary_termination"):
        from banshi.notary.catalog import choices

        return choices(kind)
    if kind in ("ja_refusal_reason", "ja_payment_method"):
        from banshi.judicial_aid.catalog import judicial_aid

        items = judicial_aid()["refusal_reasons" if kind == "ja_refusal_reason" else "payment_methods"]
        return [(code, str(r["label"])) for code, r in items.items()]
    if kind == "matter_kind":
        return [(k, str(Kind(k).label)) for k in referral_kinds()]
    return []


def field_what(f: FormField) -> str:
    """The field's label for a message: without its "（可选）" or "（每行一项）" hint."""
    return re.sub(r"[（(][^（）()]*(可选|每行)[^（）()]*[)）]$", "", str(f.label)).rstrip("，,、 ") or str(f.label)


def case_ref(data: Mapping[str, str], name: str) -> int:
    """A case given by its number (BS…) or its id."""
    raw = (data.get(name) or "").strip().upper()
    if is_id(raw):  # an id (a longer number would overflow the column: looked up as a number, not found)
        return int(raw)
    pk = Case.objects.filter(number=raw).values_list("pk", flat=True).first() if raw else None
    if pk is None:
        raise InvalidInput(_("诉求编号不存在：%(n)s") % {"n": raw}, code="invalid_case_ref")
    return int(pk)


def _lines(raw: str, what: str) -> list[str]:
    items = [line.strip() for line in raw.replace("\r", "\n").split("\n") if line.strip()]
    if len(items) > MAX_LINES:
        raise InvalidInput(_("%(what)s最多%(n)d行。") % {"what": what, "n": MAX_LINES}, code="too_many_lines")
    return items


def parties_parse(raw: str, *, role: str = "respondent", what: str = "") -> list[dict[str, str]]:
    """One party per line, "姓名,电话" (the phone optional; a Chinese comma, a tab or a space
    before the number also separates them) → [{"name", "role", "phone"}]. The domain checks the
    name and the number."""
    what = what or _("当事人")
    out: list[dict[str, str]] = []
    for line in _lines(raw, what):
        text = unicodedata.normalize("NFKC", line)
        name, phone = text, ""
        parts = re.split(r"[,;]", text, maxsplit=1)  # NFKC: "，" is "," and "；" is ";"
        if len(parts) == 2:
            name, phone = parts
        else:
            m = re.match(r"^(.*?)\s+(\+?[\d\-\s()]{7,})$", text)
            if m:
                name, phone = m.group(1), m.group(2)
        name, phone = name.strip(), phone.strip()
        if not name:
            raise InvalidInput(_("%(what)s：每行先写姓名，再写电话（如：王五,13900001111）。") % {"what": what},
                               code="invalid_parties")
        out.append({"name": name, "role": role, "phone": phone})
    if len(out) > MAX_PARTIES:
        raise InvalidInput(_("当事人最多%(n)d人。") % {"n": MAX_PARTIES}, code="invalid_parties")
    return out


def date_parse(raw: str, what: str) -> date:
    text = unicodedata.normalize("NFKC", raw).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    try:
        if m is None:
            raise ValueError(text)
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InvalidInput(_("%(what)s格式不正确：请填写日期，如 2025-03-07。") % {"what": what},
                           code="invalid_date") from None


def money_parse(raw: str, what: str) -> Decimal:
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "").replace(" ", "")
    text = text.removeprefix("¥").removesuffix("元")
    bad = InvalidInput(_("%(what)s格式不正确：请填写以元为单位的金额，如 20000 或 20000.50。") % {"what": what},
                       code="invalid_amount")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise bad from None
    if not value.is_finite() or value < 0 or value > MAX_MONEY:
        raise bad
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("%(what)s最多保留两位小数（分）。") % {"what": what}, code="invalid_amount")
    return value.quantize(Decimal("0.01"))


def _value(f: FormField, data: Mapping[str, str]) -> Any:
    full = data.get(f.name) or ""
    raw = full.strip()
    what = field_what(f)
    if f.kind == "case_ref":
        return case_ref(data, f.name)
    if f.kind in ID_WIDGETS:
        if not is_id(raw):
            raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code=f"invalid_{f.name}")
        return int(raw)
    if f.kind == "datetime":
        if not raw:
            return None
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(_("%(what)s格式不正确。") % {"what": what}, code="invalid_due") from None
        return timezone.make_aware(when) if timezone.is_naive(when) else when
    if f.kind == "date":
        return date_parse(raw, what) if raw else None
    if f.kind == "money":
        return money_parse(raw, what) if raw else None
    if f.kind == "checkbox":
        return raw.lower() in ("1", "on", "true", "yes", "是")
    if f.kind == "lines":
        return _lines(full, what)
    if f.kind == "parties":
        return parties_parse(full, what=what)
    if f.kind == "mediation_room":
        if not raw:
            return None
        if not is_id(raw):
            raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code="invalid_room")
        return int(raw)
    if f.kind in CHOICE_KINDS:
        if raw and raw not in {code for code, _words in field_choices(f.kind)}:
            raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code=f"invalid_{f.name}")
        return raw
    return raw


def action_run(case_id: int, action: str, *, actor: Person, data: Mapping[str, str], kind: str = "demand") -> Case:
    """Run a workflow action posted from a web form."""
    entry = action_for(kind, action)
    if entry is None or not (entry.path or entry.form):  # e.g. attachments: uploaded, not posted as a form
        raise InvalidInput(_("未知的操作：%(action)s") % {"action": action}, code="unknown_action")
    values: dict[str, Any] = {f.name: _value(f, data) for f in entry.form}
    fields = entry.input.model_fields
    # A choice the form requires, or a date or a time the input needs: named here (the input would
    # only say "missing", or take its default where the form asked the person to choose).
    for f in entry.form:
        if values[f.name] not in ("", None):
            continue
        if f.kind in CHOICE_KINDS and f.required:
            raise InvalidInput(_("请选择%(what)s。") % {"what": field_what(f)}, code=f"invalid_{f.name}")
        if f.kind in ("date", "datetime", "money") and f.name in fields and fields[f.name].is_required():
            raise InvalidInput(_("请填写%(what)s。") % {"what": field_what(f)}, code=f"invalid_{f.name}")
    # An empty optional field takes the input's default (e.g. the link kind, the urgency).
    values = {k: v for k, v in values.items() if v not in ("", None) or (k in fields and fields[k].is_required())}
    # Every other input field keeps its default; an empty required text reaches the domain, whose
    # message names what is missing.
    for name, info in entry.input.model_fields.items():
        if name not in values and info.is_required() and info.annotation is str:
            values[name] = ""
    version = (data.get("version") or "").strip()
    if is_id(version):
        values["version"] = int(version)
    values.update(entry.preset)  # e.g. 批准延期 and 驳回延期 share one input, `approve` fixed by the form
    try:
        typed = entry.input.model_validate(values)
    except ValidationError as exc:
        labels = {f.name: field_what(f) for f in entry.form}
        names = dict.fromkeys(labels.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors() if e.get("loc"))
        raise InvalidInput(_("请求数据不正确：%(f)s") % {"f": "、".join(names)}, code="invalid_input") from None
    return entry.call(case_id, actor, typed)
