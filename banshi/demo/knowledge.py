"""The demo's knowledge base (知识库): the entries of ``banshi/demo/data/knowledge.yaml``, so that the
hotline console suggests an on-the-spot answer (当场答复) for the demo's consultations, and the
demo's answered consultations carry the answer the operator gave."""

from __future__ import annotations

from banshi.demo.dataset import DemoData
from banshi.intake.knowledge import knowledge_suggest
from banshi.intake.models import KnowledgeEntry


def knowledge_build(data: DemoData) -> int:
    """Add the entries whose title is not there yet; an entry an administrator edited is left as it is.
    Returns how many were added."""
    titles = [e.title for e in data.knowledge]
    existing = set(KnowledgeEntry.objects.filter(title__in=titles).values_list("title", flat=True))
    new = [
        KnowledgeEntry(title=e.title, category=e.category, agency=e.agency, keywords=e.keywords, question=e.question,
                       answer=e.answer, source=e.source, is_active=True)
        for e in data.knowledge if e.title not in existing
    ]
    KnowledgeEntry.objects.bulk_create(new)
    return len(new)


def on_the_spot_answer(content: str, fallback: str) -> str:
    """What the operator answered: the knowledge base's best entry for the caller's words, as the
    console would have suggested it; the generic note when nothing matches."""
    found = knowledge_suggest(content, limit=1)
    return str(found[0]["answer"]) if found else fallback
