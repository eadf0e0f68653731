"""Concurrent actions on one case: exactly one wins, the other gets 409 (Conflict).
Real threads with their own database connections; on PostgreSQL too when `make test` runs there."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from banshi.cases.domain.lifecycle import case_dispatch, case_sign, case_transfer
from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, NotFound
from tests.factories import World, case_new


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
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_signs_one_wins(round_: int) -> None:
    from tests.factories import world_build

    world: World = world_build()
    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    results = _race(lambda: case_sign(case.pk, actor=world.handler), lambda: case_sign(case.pk, actor=world.leader))
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert (len(wins), len(losses)) == (1, 1), results
    assert CaseEvent.objects.filter(case=case, action="sign").count() == 1
    assert Case.objects.get(pk=case.pk).version == 3


@pytest.mark.django_db(transaction=True)
def test_sign_races_transfer() -> None:
    from tests.factories import world_build

    world = world_build()
    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    results = _race(
        lambda: case_sign(case.pk, actor=world.handler),
        lambda: case_transfer(case.pk, actor=world.dispatcher, unit_id=world.station2.pk, reason="辖区调整"),
    )
    # Either order is legal: sign then transfer, or transfer first — then the station no longer
    # holds the order and its sign is refused (404: the case left its scope, or 409).
    # Never both applied to the same version, and every success has exactly one event.
    final = Case.objects.get(pk=case.pk)
    successes = [r for r in results if isinstance(r, Case)]
    assert all(isinstance(r, Case | Conflict | NotFound) for r in results), results
    assert final.version == 2 + len(successes)
    assert CaseEvent.objects.filter(case=case).count() == 2 + len(successes)
