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

# Transfers the operator must offer at once (12345 sorting out: 110/119/120/122). Editable here;
# the keyword lists are a prompt for the operator, never an automatic decision.
EMERGENCY_TRANSFERS: list[dict[str, Any]] = [
    {"number": "110", "name": "报警", "keywords": ["打人", "持刀", "抢劫", "盗窃", "正在打", "绑架", "杀人", "砍人", "家暴", "威胁"]},
    {"number": "119", "name": "火警", "keywords": ["着火", "失火", "火灾", "冒烟", "爆炸", "燃气泄漏", "煤气泄漏"]},
    {"number": "120", "name": "急救", "keywords": ["昏迷", "晕倒", "出血", "受伤", "心脏病", "中毒", "不省人事"]},
    {"number": "122", "name": "交通事故", "keywords": ["车祸", "撞车", "交通事故", "追尾", "肇事逃逸"]},
    {"number": "12356", "name": "心理援助热线", "keywords": ["自杀", "轻生", "不想活", "跳楼", "割腕"]},
]


def emergency_prompt(text: str) -> list[dict[str, Any]]:
    """The transfers whose keywords occur in the text, for the operator to offer."""
    text = to_simplified(text or "")
    out = []
    for t in EMERGENCY_TRANSFERS:
        hits = [k for k in t["keywords"] if k in text]
        if hits:
            out.append({"number": t["number"], "name": t["name"], "matched": hits})
    return out


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
    return {"transfers": EMERGENCY_TRANSFERS, "prompt": emergency_prompt(text) if text else []}
