"""Knowledge base (知识库): audited administration writes, and the as-you-type suggestion the
hotline console shows while the operator types the caller's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.core.audit import audit_write
from banshi.core.errors import InvalidInput, PermissionDenied
from banshi.intake.models import KnowledgeEntry
from banshi.intake.services import to_simplified
from banshi.orgs.enums import Agency, Role
from banshi.orgs.models import Person

FIELDS = ("title", "question", "answer", "keywords", "category", "agency", "source", "is_active")
_SPLIT = re.compile(r"[\s,，、;；。？?！!]+")


@dataclass
class KnowledgeInput:
    title: str
    answer: str
    question: str = ""
    keywords: str = ""
    category: str = ""
    agency: str = ""
    source: str = ""
    is_active: bool = True


def _admin(actor: Person) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("只有系统管理员可以维护知识库。"), code="admin_only")


def _clean(data: KnowledgeInput) -> dict[str, Any]:
    title = (data.title or "").strip()
    answer = (data.answer or "").strip()
    if not title:
        raise InvalidInput(_("标题不能为空。"), code="required")
    if not answer:
        raise InvalidInput(_("答复口径不能为空。"), code="required")
    if len(title) > 120:
        raise InvalidInput(_("标题不能超过120字。"), code="too_long")
    if len(answer) > 5000:
        raise InvalidInput(_("答复口径不能超过5000字。"), code="too_long")
    agency = (data.agency or "").strip()
    if agency and agency not in Agency.values:
        raise InvalidInput(_("条线不正确。"), code="invalid_agency")
    keywords = " ".join(t for t in _SPLIT.split(to_simplified(data.keywords or "")) if t)
    if len(keywords) > 255:
        raise InvalidInput(_("关键词不能超过255字。"), code="too_long")
    return {
        "title": title, "answer": answer, "question": (data.question or "").strip()[:2000], "keywords": keywords,
        "category": (data.category or "").strip()[:64], "agency": agency, "source": (data.source or "").strip()[:255],
        "is_active": bool(data.is_active),
    }


def knowledge_entry_save(*, actor: Person, entry_id: int | None, data: KnowledgeInput) -> KnowledgeEntry:
    """Create (entry_id None) or update an entry; the audit row names the fields that changed."""
    _admin(actor)
    values = _clean(data)
    with transaction.atomic():
        if entry_id is None:
            entry = KnowledgeEntry.objects.create(**values)
            audit_write(actor_id=actor.pk, action="knowledge_create", object_type="knowledge_entry",
                        object_id=entry.pk, data={"title": entry.title})
            return entry
        found = KnowledgeEntry.objects.select_for_update().filter(pk=entry_id).first()
        if found is None:
            raise InvalidInput(_("知识库条目不存在。"), code="invalid_entry")
        entry = found
        changed = sorted(k for k, v in values.items() if getattr(entry, k) != v)
        for k, v in values.items():
            setattr(entry, k, v)
        entry.save()
        audit_write(actor_id=actor.pk, action="knowledge_update", object_type="knowledge_entry",
                    object_id=entry.pk, data={"title": entry.title, "changed": changed})
    return entry


def knowledge_entry_set_active(*, actor: Person, entry_id: int, active: bool) -> KnowledgeEntry:
    _admin(actor)
    with transaction.atomic():
        entry = KnowledgeEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise InvalidInput(_("知识库条目不存在。"), code="invalid_entry")
        entry.is_active = active
        entry.save(update_fields=["is_active", "updated_at"])
        audit_write(actor_id=actor.pk, action="knowledge_activate" if active else "knowledge_deactivate",
                    object_type="knowledge_entry", object_id=entry.pk, data={"title": entry.title})
    return entry


def knowledge_suggest(text: str, *, limit: int = 5) -> list[dict[str, Any]]:
    """Entries that fit what the operator is typing: a free sentence has no separators, so match the
    other way round from `knowledge_search` — an entry's title or keywords occurring in the text.
    One query over the active entries' short columns (a knowledge base holds hundreds, not millions)."""
    text = to_simplified(text or "").strip()
    if len(text) < 2:
        return []
    rows = KnowledgeEntry.objects.filter(is_active=True).only(
        "id", "title", "keywords", "answer", "category", "agency", "source")
    scored: list[tuple[int, KnowledgeEntry]] = []
    for e in rows:
        words = [w for w in _SPLIT.split(to_simplified(e.keywords)) if len(w) >= 2]
        score = sum(2 for w in words if w in text) + (3 if e.title and e.title in text else 0)
        if score:
            scored.append((score, e))
    scored.sort(key=lambda se: (-se[0], se[1].title))
    return [
        {"id": e.pk, "title": e.title, "answer": e.answer, "category": e.category, "agency": e.agency,
         "source": e.source}
        for _score, e in scored[:limit]
    ]
