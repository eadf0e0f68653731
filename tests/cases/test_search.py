"""Content search: the same answers on SQLite (LIKE) and PostgreSQL (bigram GIN index + LIKE)."""

from __future__ import annotations

import pytest
from django.db import connection

from banshi.cases.queries.cases import CaseFilters, case_list_for
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(world: World) -> dict[str, int]:
    made = {
        "noise": case_new(world, content="楼上装修噪音扰民，晚上十点后仍在施工。").pk,
        "wages": case_new(world, content="工地拖欠工资三个月，老板联系不上。", title="农民工欠薪").pk,
        "address": case_new(world, content="路灯坏了。", address="大境门城楼东侧").pk,
        "percent": case_new(world, content="打折100%_全场 是虚假宣传吗").pk,
        "latin": case_new(world, content="WiFi 密码被盗用 ABC").pk,
    }
    return made


def found(world: World, term: str) -> set[int]:
    qs = case_list_for(world.dispatcher, CaseFilters(q=term))
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize("term, expect", [
    ("噪音", {"noise"}),              # two characters: one bigram
    ("欠薪", {"wages"}),              # in the title only
    ("拖欠工资", {"wages"}),          # in the content, several bigrams
    ("大境门城楼", {"address"}),      # in the address only
    ("噪", {"noise"}),                # one character: no bigram, LIKE alone
    ("音扰民", {"noise"}),
    ("噪扰", set()),                  # both characters present, not adjacent
    ("工资老板", set()),              # every bigram but one present, not as a substring
    ("100%_", {"percent"}),           # LIKE wildcards are matched literally
    ("%", {"percent"}),
    ("_全", {"percent"}),
    ("ABC", {"latin"}),
    ("无此内容", set()),
])
def test_search_matches_substrings_exactly(world: World, texts: dict[str, int], term: str, expect: set[str]) -> None:
    assert found(world, term) == {texts[k] for k in expect}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only")
def test_postgresql_search_uses_the_bigram_index(world: World, texts: dict[str, int]) -> None:
    """The query's expression must be the index's, or PostgreSQL scans every case."""
    from banshi.cases.models import Case
    from banshi.cases.queries.cases import _bigrams_contain

    listed = str(case_list_for(world.dispatcher, CaseFilters(q="噪音")).query)
    assert "banshi_bigrams(" in listed
    sql, params = Case.objects.filter(_bigrams_contain("噪音")).values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "case_text_bigrams" in plan, plan


def test_search_works_inside_a_subquery(world: World, texts: dict[str, int]) -> None:
    """The search condition names its columns through Django, so an aliased subquery
    (`pk__in=…`, where the table becomes U0) keeps matching the right rows."""
    from banshi.cases.models import Case

    inner = case_list_for(world.dispatcher, CaseFilters(q="噪音")).values("pk")
    assert set(Case.objects.filter(pk__in=inner).values_list("pk", flat=True)) == {texts["noise"]}
