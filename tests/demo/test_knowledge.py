"""The demo's knowledge base: every consultation the demo makes meets its answer in the hotline
console (当场答复), and the demo's answered consultations carry that answer."""

from __future__ import annotations

import string

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.enums import CaseType, ReplyKind
from banshi.cases.models import Reply
from banshi.demo.build import demo_build
from banshi.demo.dataset import TEXT_PLACEHOLDERS, demo_data
from banshi.demo.knowledge import knowledge_build
from banshi.intake.knowledge import knowledge_suggest
from banshi.intake.models import KnowledgeEntry
from banshi.orgs.models import Person

SAMPLE = {"estate": "海景花园", "road": "文化路", "road2": "海阳路", "street": "文化路街道", "community": "白塔岭社区",
          "amount": "38000", "wage": "12000", "n": "3", "people": "5", "months": "4", "month": "3", "year": "2025",
          "age": "82", "company": "某某装饰工程有限公司", "other": "王某", "bank": "某小额贷款公司", "plate": "冀C·12345",
          "date": "5月3日", "court": "海港区人民法院", "unit": "海港区住建局"}


def filled(text: str) -> str:
    assert set(SAMPLE) == set(TEXT_PLACEHOLDERS)
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return text.format(**{n: SAMPLE[n] for n in names})


def consultations() -> list[tuple[str, str, str]]:
    return [(t.title, t.category, filled(t.text)) for t in demo_data().demands.templates
            if t.type == CaseType.CONSULTATION]


def test_the_entries_load_as_single_paragraphs() -> None:
    entries = demo_data().knowledge
    assert len(entries) >= 10
    for e in entries:
        assert "\n" not in e.answer and "  " not in e.answer and len(e.keywords.split()) >= 3, e.title
        assert e.source, e.title


@pytest.mark.django_db
@pytest.mark.parametrize(("title", "category", "text"), consultations())
def test_every_demo_consultation_meets_its_answer_first(title: str, category: str, text: str) -> None:
    knowledge_build(demo_data())
    found = knowledge_suggest(text)
    assert found, title
    assert KnowledgeEntry.objects.get(pk=found[0]["id"]).category == category, (title, found[0]["title"])


@pytest.mark.django_db
def test_build_adds_missing_entries_and_keeps_edited_ones() -> None:
    data = demo_data()
    assert knowledge_build(data) == len(data.knowledge)
    first = KnowledgeEntry.objects.get(title=data.knowledge[0].title)
    first.answer = "管理员改过的口径"
    first.save()
    assert knowledge_build(data) == 0
    first.refresh_from_db()
    assert first.answer == "管理员改过的口径" and KnowledgeEntry.objects.count() == len(data.knowledge)


@pytest.mark.django_db
def test_demo_world_has_knowledge_answers_in_the_console_and_its_cases(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    result = demo_build(seed=7, cases=150, now=timezone.now())
    assert result.knowledge == len(demo_data().knowledge) == KnowledgeEntry.objects.count()
    answers = set(KnowledgeEntry.objects.values_list("answer", flat=True))
    on_spot = list(Reply.objects.filter(kind=ReplyKind.ON_SPOT).values_list("text", flat=True))
    assert on_spot and all(text in answers for text in on_spot)

    # The hotline console, as the demo operator: typing a consultation shows the answer to give.
    client = Client()
    client.force_login(Person.objects.get(username="operator"))
    _title, _category, text = consultations()[0]
    panel = client.get("/intake/panel/knowledge", {"content": text}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert "当场答复" in html and "网上立案流程和材料" in html
