"""Reads for the committee's 督办 board: open notices by level, notices past their own deadline,
overdue cases nobody has supervised yet, overdue, returned and urgent cases.

Every list is scoped by `case_list_for` (visibility is looked up once and shared by all lists),
holds at most `BOARD_LIMIT` rows and is read in index order where the table is large (see the
indexes on Case and Supervision). The number of queries does not depend on the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from banshi.cases.enums import OPEN_STATES, State, Urgency
from banshi.cases.models import Case, CaseEvent, Supervision
from banshi.cases.queries.cases import CaseFilters, case_list_for, queue_q
from banshi.orgs.models import Person

BOARD_LIMIT = 20
# States a notice may be issued, raised and answered in (the `supervise` rule's sources).
SUPERVISABLE_STATES = (State.REGISTERED, State.RETURNED, State.DISPATCHED, State.HANDLING, State.REPLY_REVIEW)
# Events whose text is "the last word" on a supervised case: notes, notices and answers.
NOTE_ACTIONS = ("comment", "supervise", "escalate", "supervise_answer", "progress_reply", "procedural_reply", "co_report")


# The columns the board shows: no citizen data, no triage JSON to parse for a hundred rows.
CASE_FIELDS = ("id", "number", "title", "content", "state", "urgency", "received_at", "next_due_at", "overdue",
               "lead_unit", "lead_unit__name")
NOTICE_FIELDS = ("id", "case", "note", "level", "due_at", "by", "created_at", "escalated_at", "lapsed_at",
                 "answered_at")


@dataclass
class Section:
    rows: list[Any]
    more: bool  # there are more than the rows shown


@dataclass
class Board:
    notices: Section  # 督办中: open notices, highest level and newest first
    lapsed: Section  # 超期未反馈: open notices past their own deadline, highest level, longest overdue first
    unsupervised: Section  # 待督办: overdue cases without an open notice, newest first
    overdue: Section  # 已超时
    returned: Section  # 被退回
    urgent: Section  # 紧急
    notes: dict[int, CaseEvent] = field(default_factory=dict)  # the last note by event id (rows' last_note_id)
    levels: dict[int, int] = field(default_factory=dict)  # case id → level of its open notice (case lists)

    def cases(self) -> list[Case]:
        """Every case on the board once, in the order shown (for the shared 督办/升级 form)."""
        seen: dict[int, Case] = {}
        for s in (*self.notices.rows, *self.lapsed.rows):
            seen.setdefault(s.case_id, s.case)
        for section in (self.unsupervised, self.overdue, self.returned, self.urgent):
            for c in section.rows:
                seen.setdefault(c.pk, c)
        return list(seen.values())


def _section(qs: QuerySet[Any], limit: int) -> Section:
    rows = list(qs[: limit + 1])
    return Section(rows[:limit], len(rows) > limit)


def supervision_board(person: Person, *, now: datetime | None = None, limit: int = BOARD_LIMIT) -> Board:
    now = now or timezone.now()
    visible = case_list_for(person, CaseFilters(), now=now)  # newest first; the visibility look-ups run once
    open_notice = Supervision.objects.filter(case_id=OuterRef("pk"), answered_at__isnull=True)
    last_note = Subquery(
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), action__in=NOTE_ACTIONS)
        .order_by("-at", "-id").values("id")[:1]
    )
    # Notices on cases that are still open (a notice left unanswered on a closed case is history).
    notices = (
        Supervision.objects.filter(answered_at__isnull=True,
                                   case_id__in=visible.filter(state__in=SUPERVISABLE_STATES).values("pk"))
        .select_related("case", "case__lead_unit", "by").annotate(last_note_id=last_note)
        .only(*NOTICE_FIELDS, *(f"case__{f}" for f in CASE_FIELDS), "by__username", "by__display_name")
    )
    cases = visible.select_related("lead_unit").only(*CASE_FIELDS)
    board = Board(
        notices=_section(notices.order_by("-level", "-created_at", "-id"), limit),
        lapsed=_section(notices.filter(due_at__lt=now).order_by("-level", "due_at", "-id"), limit),
        unsupervised=_section(cases.filter(queue_q(person, "overdue", now)).filter(~Exists(open_notice)), limit),
        overdue=_section(cases.filter(queue_q(person, "overdue", now)), limit),
        returned=_section(cases.filter(state=State.RETURNED), limit),
        urgent=_section(cases.filter(state__in=OPEN_STATES, urgency__in=[Urgency.URGENT, Urgency.EMERGENCY]), limit),
    )
    notice_rows = (*board.notices.rows, *board.lapsed.rows)
    note_ids = {s.last_note_id for s in notice_rows if s.last_note_id}
    if note_ids:
        board.notes = {e.pk: e for e in CaseEvent.objects.filter(pk__in=note_ids).select_related("actor")}
    for s in notice_rows:
        note = board.notes.get(s.last_note_id)
        setattr(s, "last_note", note)  # noqa: B010 (shown by the template)
        setattr(s, "last_note_text", note_text(note) if note else "")  # noqa: B010
    case_rows = [c for sec in (board.overdue, board.returned, board.urgent) for c in sec.rows]
    if case_rows:
        for case_id, level in (Supervision.objects.filter(case_id__in={c.pk for c in case_rows}, answered_at__isnull=True)
                               .values_list("case_id", "level")):
            board.levels[case_id] = max(level, board.levels.get(case_id, 0))
    for c in (*case_rows, *board.unsupervised.rows):
        setattr(c, "sup_level", board.levels.get(c.pk))  # noqa: B010 (the level of its open notice, if any)
    return board


def note_text(event: CaseEvent) -> str:
    """The words of a note event: its reason, or the reply/report text it carries."""
    text = event.reason or (event.data or {}).get("text") or ""
    return str(text)


def board_case(person: Person, case_id: int) -> Case | None:
    """A case picked for the shared form that is not on the board (a link from elsewhere)."""
    return case_list_for(person, CaseFilters()).select_related("lead_unit").only(*CASE_FIELDS).filter(pk=case_id).first()
