"""Confidential notes (health information, 敏感个人信息): written by the domain functions of the
psych matters, read only here.

The rule: the notes of a psych or crisis matter are visible to
- the counsellor of the matter (its file's counsellor, and any counsellor who held a session or
  wrote a note on it), and
- the head (站长) of the matter's station —
each through their own account, while active, and only if they may see the case at all. Nobody
else: not the unit's other staff, not supervisors, not dispatchers, not administrators. Every
view — and every refused attempt — is written to the audit log. The notes never reach events,
lists, exports, documents or the generic case API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Case
from banshi.cases.queries.cases import case_get_for
from banshi.core.audit import audit_write
from banshi.core.errors import NotFound, PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.psych.models import ConfidentialNote, Counsellor, CrisisFile, PsychFile, PsychSession

KINDS = ("psych", "crisis")
NOTE_LIMIT = 20000


def note_add(case: Case, kind: str, text: str, *, author: Person | None, counsellor: Counsellor | None,
             at: datetime, session: PsychSession | None = None) -> ConfidentialNote | None:
    """Keep a confidential note (inside the action's transaction); nothing for an empty text."""
    text = (text or "").strip()
    if not text:
        return None
    return ConfidentialNote.objects.create(case=case, session=session, kind=kind, text=text[:NOTE_LIMIT],
                                           counsellor=counsellor, author=author, at=at)


def _file_of(case: Case) -> PsychFile | CrisisFile | None:
    if case.kind == "psych":
        return PsychFile.objects.filter(case=case).select_related("counsellor", "station").first()
    if case.kind == "crisis":
        return CrisisFile.objects.filter(case=case).select_related("counsellor", "station").first()
    return None


def may_read_notes(person: Person, case: Case) -> bool:
    """The rule above (the caller has checked that the person may see the case)."""
    if not person.is_active or person.role == Role.ADMIN or case.kind not in KINDS:
        return False
    f = _file_of(case)
    if f is None:
        return False
    if f.counsellor is not None and f.counsellor.is_active and f.counsellor.person_id == person.pk:
        return True
    mine = Counsellor.objects.filter(person=person, is_active=True)
    if mine.filter(station_id=f.station_id, is_head=True).exists():
        return True
    ids = list(mine.values_list("id", flat=True))
    if not ids:
        return False
    return (ConfidentialNote.objects.filter(case=case, counsellor_id__in=ids).exists()
            or PsychSession.objects.filter(case=case, counsellor_id__in=ids).exists())


def _t(dt: datetime | None) -> str | None:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def notes_view(person: Person, case_id: int, *, ip: str | None = None) -> dict[str, Any]:
    """The notes of a matter for an allowed person, the view logged. 404 for a case the person
    may not see (or not a psych matter); 403 (and logged) for everyone else."""
    case = case_get_for(person, case_id)
    if case.kind not in KINDS:
        raise NotFound(_("该事项不是心理服务或心理危机干预事项，没有咨询记录。"), code="not_psych")
    if not may_read_notes(person, case):
        audit_write(actor_id=person.pk, action="psych_notes_denied", object_type="case", object_id=case.pk, ip=ip,
                    data={"kind": case.kind})
        raise PermissionDenied(_("心理咨询记录属于敏感个人信息，仅限承办的心理咨询师和站长查看。"),
                               code="notes_forbidden")
    notes = list(ConfidentialNote.objects.filter(case=case).select_related("counsellor", "author", "session"))
    audit_write(actor_id=person.pk, action="psych_notes_view", object_type="case", object_id=case.pk, ip=ip,
                data={"kind": case.kind, "notes": len(notes), "note_ids": [n.pk for n in notes][:200]})
    return {
        "case_id": case.pk, "number": case.number, "kind": case.kind,
        "notes": [{"id": n.pk, "kind": n.kind, "kind_label": str(ConfidentialNote.KINDS.get(n.kind, n.kind)),
                   "at": _t(n.at), "text": n.text, "session_number": n.session.number if n.session else None,
                   "counsellor": n.counsellor.name if n.counsellor else "",
                   "author": str(n.author) if n.author else ""} for n in notes],
    }
