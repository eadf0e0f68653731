"""The `__any` lookup: one array parameter on PostgreSQL, a plain IN elsewhere, same answers."""

from __future__ import annotations

import pytest
from django.db import connection

from banshi.cases.models import Case
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db


def test_any_matches_like_in(world: World) -> None:
    made = [case_new(world).pk for _ in range(4)]
    wanted = [made[0], made[2], 10**12]
    assert set(Case.objects.filter(pk__any=wanted).values_list("pk", flat=True)) == {made[0], made[2]}
    assert not Case.objects.filter(pk__any=[]).exists()
    assert Case.objects.exclude(pk__any=[]).count() == 4
    sql, params = Case.objects.filter(pk__any=wanted).values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in sql and len(params) == 1
    else:
        assert " IN (" in sql and len(params) == 3
