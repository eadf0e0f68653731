"""The workbench's action forms, generated from the action registry (cases/actions.py and the
entries of each workflow definition).

Holds no rules: the workflow definition and the domain functions decide; this module only turns
the posted form into the registry entry's typed input (form strings → ids, aware datetimes) and
hands it over.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from banshi.cases.actions import FormField, action_for, form_for
from banshi.cases.models import Case
from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person
from banshi.web.params import is_id

__all__ = ["FormField", "action_run", "case_ref", "form_for"]
ID_WIDGETS = {"unit", "handler", "rating"}


def case_ref(data: Mapping[str, str], name: str) -> int:
    """A case given by its number (BS…) or its id."""
    raw = (data.get(name) or "").strip().upper()
    if is_id(raw):  # an id (a longer number would overflow the column: looked up as a number, not found)
        return int(raw)
    pk = Case.objects.filter(number=raw).values_list("pk", flat=True).first() if raw else None
    if pk is None:
        raise InvalidInput(_("诉求编号不存在：%(n)s") % {"n": raw}, code="invalid_case_ref")
    return int(pk)


def _value(f: FormField, data: Mapping[str, str]) -> Any:
    raw = (data.get(f.name) or "").strip()
    if f.kind == "case_ref":
        return case_ref(data, f.name)
    if f.kind in ID_WIDGETS:
        if not is_id(raw):
            raise InvalidInput(_("请选择%(what)s。") % {"what": f.label}, code=f"invalid_{f.name}")
        return int(raw)
    if f.kind == "datetime":
        if not raw:
            return None
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(_("%(what)s格式不正确。") % {"what": f.label}, code="invalid_due") from None
        return timezone.make_aware(when) if timezone.is_naive(when) else when
    return raw


def action_run(case_id: int, action: str, *, actor: Person, data: Mapping[str, str], kind: str = "demand") -> Case:
    """Run a workflow action posted from a web form."""
    entry = action_for(kind, action)
    if entry is None or not (entry.path or entry.form):  # e.g. attachments: uploaded, not posted as a form
        raise InvalidInput(_("未知的操作：%(action)s") % {"action": action}, code="unknown_action")
    values: dict[str, Any] = {f.name: _value(f, data) for f in entry.form}
    # An empty optional field takes the input's default (e.g. the link kind, the urgency).
    fields = entry.input.model_fields
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
        fields = "、".join(str(e["loc"][0]) for e in exc.errors() if e.get("loc"))
        raise InvalidInput(_("请求数据不正确：%(f)s") % {"f": fields}, code="invalid_input") from None
    return entry.call(case_id, actor, typed)
