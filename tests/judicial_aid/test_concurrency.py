"""Never more paid than granted under concurrency: of two payments that together exceed the amount,
made at the same instant, exactly one is recorded and the other gets 409 — real threads with their
own database connections, on SQLite and (with DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from banshi.cases.models import Case
from banshi.core.errors import Conflict
from banshi.judicial_aid import domain as jad
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.judicial_aid.models import JudicialAidFile, JudicialAidPayment
from tests.judicial_aid.conftest import ja_units_build

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 9, tzinfo=SH)


def _race(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(2))
def test_two_payments_at_once_never_exceed_the_grant(round_: int) -> None:
    from tests.factories import world_build

    ja = ja_units_build(world_build())
    case = jad.ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="王五", situation="victim_injury",
                                 circumstances="生活困难"), actor=ja.court_handler, now=T0)
    jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("10000"), now=T0)

    def pay(who: object) -> Callable[[], object]:
        return lambda: jad.ja_pay(case.pk, actor=who, amount=Decimal("6000"), paid_on=date(2026, 11, 2),  # type: ignore[arg-type]
                                  method="cash", now=T0)

    results = _race(pay(ja.court_handler), pay(ja.court_leader))
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert (len(wins), len(losses)) == (1, 1), results
    assert losses[0].code in ("overpayment", "stale_version"), losses  # type: ignore[attr-defined]
    f = JudicialAidFile.objects.get(case=case)
    assert jad.paid_total(f) == Decimal("6000.00") and JudicialAidPayment.objects.filter(file=f).count() == 1
    assert Case.objects.get(pk=case.pk).state == JaState.GRANTED
