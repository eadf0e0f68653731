"""The rows of the 督办 board and of the dispatch desk, prepared for their templates.

The board shows up to ~120 rows, the desk 50 cards. Every label (state, urgency, level, action,
agency, item) is translated once per request and every date and clock formatted here: per-row
`{% translate %}`, `get_FOO_display`, `{% url %}` and `|date` were most of the page's CPU when the
template did them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from banshi.cases.enums import SUPERVISION_MAX_LEVEL, CaseType, Channel, State, SupervisionLevel, Urgency
from banshi.cases.models import Case, Supervision
from banshi.cases.queries.clock import case_clock, local_text
from banshi.cases.queries.desk import Desk
from banshi.cases.queries.supervision import Board, Section
from banshi.cases.workflow import RULES
from banshi.orgs.models import Unit
from banshi.triage.labels import agency_label, category_label

SHORT = "%m-%d %H:%M"
LONG = "%Y-%m-%d %H:%M"


def _local(value: datetime | None, fmt: str) -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


class _Labels:
    def __init__(self) -> None:
        self.states = {k: str(v) for k, v in State.choices}
        self.urgency = {k: str(v) for k, v in Urgency.choices}
        self.level = {k: str(v) for k, v in SupervisionLevel.choices}
        self.action = {r.action: str(r.label) for r in RULES}
        self.system = _("系统")


def _case(c: Case, labels: _Labels, prefix: str, level: int | None) -> dict[str, Any]:
    return {
        "pk": c.pk, "number": c.number or f"#{c.pk}", "url": f"{prefix}{c.pk}/",
        "title": Truncator(c.title or c.content).chars(60),
        "state": c.state, "state_text": labels.states.get(c.state, c.state),
        "urgent": labels.urgency[c.urgency] if c.urgency != Urgency.NORMAL else "",
        "lead": c.lead_unit.name if c.lead_unit_id and c.lead_unit else "—",
        "received": _local(c.received_at, LONG), "overdue": c.overdue, "due": _local(c.next_due_at, SHORT),
        "level": level or 0, "level_text": labels.level.get(level, "") if level else "",
        "may_escalate": (level or 0) < SUPERVISION_MAX_LEVEL,
    }


def _notice(s: Supervision, labels: _Labels, prefix: str, now: datetime) -> dict[str, Any]:
    note = getattr(s, "last_note", None)
    row = _case(s.case, labels, prefix, s.level)
    row.update({
        "note": Truncator(s.note).chars(120), "by": str(s.by), "created": _local(s.created_at, SHORT),
        "escalated": _local(s.escalated_at, SHORT),
        "due_at": s.due_at.isoformat() if s.due_at else "", "due_text": _local(s.due_at, LONG),
        "lapsed": bool(s.due_at and s.due_at < now),
        "last": {
            "action": labels.action.get(note.action, note.action), "actor": str(note.actor) if note.actor else labels.system,
            "at": _local(note.at, SHORT), "text": Truncator(getattr(s, "last_note_text", "")).chars(120),
        } if note else None,
    })
    return row


def board_rows(board: Board, now: datetime) -> dict[str, dict[str, Any]]:
    """Each section as {"rows": [...], "more": bool}, with every value ready to print."""
    labels = _Labels()
    prefix = reverse("web:case", args=[0])[:-2]  # "/cases/": one reverse for all the rows

    def cases(section: Section) -> dict[str, Any]:
        return {"rows": [_case(c, labels, prefix, getattr(c, "sup_level", None)) for c in section.rows],
                "more": section.more}

    def notices(section: Section) -> dict[str, Any]:
        return {"rows": [_notice(s, labels, prefix, now) for s in section.rows], "more": section.more}

    return {
        "notices": notices(board.notices), "lapsed": notices(board.lapsed), "unsupervised": cases(board.unsupervised),
        "overdue": cases(board.overdue), "returned": cases(board.returned), "urgent": cases(board.urgent),
    }


def pick_options(cases: list[Case], levels: dict[int, int]) -> list[dict[str, Any]]:
    """The shared form's case choices: number · unit · title (level)."""
    labels = {k: str(v) for k, v in SupervisionLevel.choices}
    out = []
    for c in cases:
        level = levels.get(c.pk)
        text = " · ".join([c.number or f"#{c.pk}", c.lead_unit.name if c.lead_unit_id and c.lead_unit else "—",
                           Truncator(c.title or c.content).chars(24)])
        if level:
            text += f"（{labels[level]}）"
        out.append({"pk": str(c.pk), "text": text})
    return out


# -- the dispatch desk -------------------------------------------------------------------------------

def _percent(value: Any) -> str:
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""


def _suggestion(t: dict[str, Any]) -> dict[str, Any] | None:
    """What the desk says about the stored suggestion, in words: agency, item, confidence, reason."""
    if not t.get("agency") and not t.get("category"):
        return None
    return {
        "agency": agency_label(t.get("agency")), "item": str(t.get("category_name") or category_label(t.get("category"))),
        "confidence": _percent(t.get("confidence")), "reason": str(t.get("reason") or ""),
        "learned": bool(t.get("learned")),
    }


def desk_rows(desk: Desk, units: list[Unit], now: datetime) -> list[dict[str, Any]]:
    """One card per waiting case, every value ready to print. The unit list is rendered once; each
    card's copy marks its suggested unit selected."""
    prefix = reverse("web:case", args=[0])[:-2]
    urgency = {k: str(v) for k, v in Urgency.choices}
    types = {k: str(v) for k, v in CaseType.choices}
    channels = {k: str(v) for k, v in Channel.choices}
    states = {k: str(v) for k, v in State.choices}
    names = {u.pk: u.name for u in units}
    options = str(format_html_join("", '<option value="{}">{}</option>', ((u.pk, u.name) for u in units)))
    rows = []
    for c in desk.cases:
        t = c.triage if isinstance(c.triage, dict) else {}
        uid = t.get("unit_id")
        unit_id = uid if isinstance(uid, int) and uid in names else None
        # Safe: the options were escaped by format_html_join; only an attribute is added.
        picked: SafeString = mark_safe(
            options.replace(f'<option value="{unit_id}">', f'<option value="{unit_id}" selected>', 1)
            if unit_id else options)
        back = desk.returns.get(c.pk)
        region = c.region.name if c.region_id and c.region else ""
        rows.append({
            "pk": c.pk, "number": c.number or f"#{c.pk}", "url": f"{prefix}{c.pk}/",
            "title": Truncator(c.title or c.content).chars(60), "content": Truncator(c.content).chars(300),
            "urgency": c.urgency, "urgency_text": urgency[c.urgency] if c.urgency != Urgency.NORMAL else "",
            "returned": c.state == State.RETURNED, "state_text": states.get(c.state, c.state),
            "meta": " · ".join(x for x in (types.get(c.type, ""), region) if x),
            "received": " · ".join(x for x in (channels.get(c.channel, ""), _("受理") + " " + local_text(c.received_at)) if x),
            "clock": case_clock(c, now),
            "suggestion": _suggestion(t),
            "unit_id": unit_id, "unit_name": names.get(unit_id) if unit_id else "",
            "unit_options": picked,
            "duplicates": [{
                "pk": link.other_id, "number": link.other.number or f"#{link.other_id}", "url": f"{prefix}{link.other_id}/",
                "title": Truncator(link.other.title or link.other.content).chars(30),
                "state_text": states.get(link.other.state, link.other.state), "score": _percent(link.score),
            } for link in desk.duplicates.get(c.pk, [])],
            "return": {
                "reason": back.reason, "by": str(back.actor) if back.actor else _("系统"),
                "unit": back.actor_unit.name if back.actor_unit_id and back.actor_unit else "",
                "at": local_text(back.at),
            } if back else None,
        })
    return rows
