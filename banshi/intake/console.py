"""Helpers for the hotline and window console (the operator form itself lives in banshi/web):
the caller's earlier demands by phone, knowledge-base answers for consultations, and the
emergency transfer prompt. JSON endpoints for staff signed in with a session."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from banshi.cases.queries.cases import visible_cases
from banshi.cases.queries.personal import may_reveal
from banshi.cases.registration import may_register
from banshi.cases.workflow import state_label
from banshi.core.errors import DomainError, PermissionDenied
from banshi.core.privacy import mask_name, mask_text, phone_normalise
from banshi.intake.models import KnowledgeEntry
from banshi.intake.services import to_simplified
from banshi.orgs.models import Person
from banshi.triage.emergency import NUMBER_NAMES, emergency_decide

# The numbers the operator transfers to (12345 sorting out: 110/119/120/122), and the hotlines
# offered only in addition (``also``). Which ones apply is the one emergency decision's
# (banshi/triage/emergency.py: emergency_decide), never a keyword list of its own.
EMERGENCY_TRANSFERS: list[dict[str, Any]] = [
    {"number": n, "name": NUMBER_NAMES[n], "also": n in ("12356", "96110")}
    for n in ("110", "119", "120", "122", "12356", "96110")
]


def emergency_banner(text: str) -> dict[str, Any] | None:
    """What the console shows for the text being typed, from the one emergency decision: its
    name, what to do, the numbers (110/119/120/122 first; 12356/96110 only as an addition) and
    the words it went by; None when it is no emergency."""
    decision = emergency_decide(text or "")
    if decision is None:
        return None
    return {
        "kind": decision.kind, "name": decision.name, "staff": decision.staff, "evidence": list(decision.evidence),
        "calls": [{"number": c["number"], "name": c["name"], "also": bool(c["also"])} for c in decision.calls],
    }


def emergency_prompt(text: str) -> list[dict[str, Any]]:
    """The numbers to transfer to, in order (110/119/120/122 first, then the hotlines offered in
    addition), each with the words the decision went by; [] when the text is no emergency."""
    banner = emergency_banner(text)
    if banner is None:
        return []
    return [{**c, "matched": banner["evidence"]} for c in banner["calls"]]


def caller_history(person: Person, phone: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Earlier demands from this phone that the person may see, newest first."""
    number = phone_normalise(phone)
    if not number:
        return []
    cases = visible_cases(person).filter(citizen_phone=number).order_by("-received_at", "-id")[:limit]
    return [
        {
            "id": c.pk, "number": c.number, "received_at": timezone.localtime(c.received_at).isoformat(),
            "type": c.type, "channel": c.channel, "state": c.state, "state_label": state_label(c.state),
            "title": mask_text(c.title), "citizen_name": c.citizen_name if may_reveal(person, c) else mask_name(c.citizen_name),
            "satisfaction": c.satisfaction,
        }
        for c in cases
    ]


_SPLIT = re.compile(r"[\s,，、;；。？?！!]+")


def knowledge_search(query: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """Entries matching every term of the query (title, question, answer or keywords), titles first."""
    terms = [t for t in _SPLIT.split(to_simplified(query or "").strip()) if t][:8]
    if not terms:
        return []
    qs = KnowledgeEntry.objects.filter(is_active=True)
    for term in terms:
        qs = qs.filter(Q(title__icontains=term) | Q(question__icontains=term) | Q(keywords__icontains=term)
                       | Q(answer__icontains=term))
    rows = list(qs[:200])

    def score(e: KnowledgeEntry) -> int:
        return sum(3 * (t in e.title) + 2 * (t in e.keywords) + (t in e.question) for t in terms)

    rows.sort(key=lambda e: (-score(e), e.title))
    return [
        {"id": e.pk, "title": e.title, "answer": e.answer, "category": e.category, "agency": e.agency,
         "source": e.source}
        for e in rows[:limit]
    ]


def _staff(view: Callable[[HttpRequest, Person], Any]) -> Callable[[HttpRequest], JsonResponse]:
    def wrapped(request: HttpRequest) -> JsonResponse:
        user = request.user
        try:
            if not isinstance(user, Person) or not user.is_authenticated:
                return JsonResponse({"code": "unauthenticated", "message": _("请先登录。")}, status=401)
            if not may_register(user):  # the console is for the staff who may register demands
                raise PermissionDenied(_("您的角色无权使用受理台。"))
            return JsonResponse(view(request, user), json_dumps_params={"ensure_ascii": False})
        except DomainError as exc:
            return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)

    wrapped.__name__ = view.__name__
    return require_GET(wrapped)


@_staff
def caller_history_view(request: HttpRequest, person: Person) -> dict[str, Any]:
    return {"cases": caller_history(person, request.GET.get("phone", ""))}


@_staff
def knowledge_search_view(request: HttpRequest, person: Person) -> dict[str, Any]:
    return {"entries": knowledge_search(request.GET.get("q", ""))}


@_staff
def emergency_view(request: HttpRequest, person: Person) -> dict[str, Any]:
    text = request.GET.get("text", "")
    banner = emergency_banner(text) if text else None
    return {"transfers": EMERGENCY_TRANSFERS, "prompt": emergency_prompt(text) if text else [],
            "staff": banner["staff"] if banner else ""}
