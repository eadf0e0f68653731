"""No double booking under concurrency: of two citizens booking the last place of a slot at the
same instant exactly one wins and the other gets 409 — real threads with their own database
connections, on SQLite and (with DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from banshi.cases.models import Case
from banshi.core.errors import Conflict
from banshi.notary import domain as dom
from banshi.notary.inputs import BookingIn
from banshi.notary.models import NotaryBooking, NotarySlot
from tests.notary.support import at, notary_units_build, slot


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


def _booker(slot_id: int, phone: str) -> Callable[[], object]:
    return lambda: dom.book(BookingIn(slot_id=slot_id, matter="birth", citizen_name="抢号人", citizen_phone=phone),
                            actor=None, now=at(2026, 11, 2, 9))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_the_last_place_goes_to_exactly_one_of_two(round_: int) -> None:
    from tests.factories import world_build

    units = notary_units_build(world_build())
    s = slot(units, at(2026, 11, 4, 9), capacity=2)
    dom.book(BookingIn(slot_id=s.pk, matter="birth", citizen_name="先到者", citizen_phone="13800000000"),
             actor=None, now=at(2026, 11, 2, 8))  # one place left
    results = _race(_booker(s.pk, "13900000001"), _booker(s.pk, "13900000002"))
    wins = [r for r in results if isinstance(r, NotaryBooking)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert (len(wins), len(losses)) == (1, 1), results
    assert losses[0].code == "slot_full" and "已约满" in losses[0].message  # type: ignore[attr-defined]
    assert NotarySlot.objects.get(pk=s.pk).booked == 2
    assert NotaryBooking.objects.filter(slot=s, status="booked").count() == 2
    assert Case.objects.filter(kind="notary").count() == 2  # the loser opened no matter


@pytest.mark.django_db(transaction=True)
def test_many_at_once_never_overbook() -> None:
    from tests.factories import world_build

    units = notary_units_build(world_build())
    s = slot(units, at(2026, 11, 4, 9), capacity=3)
    results = _race(*(_booker(s.pk, f"1390000001{i}") for i in range(6)))
    assert sum(isinstance(r, NotaryBooking) for r in results) == 3, results
    assert all(isinstance(r, NotaryBooking | Conflict) for r in results), results
    assert NotarySlot.objects.get(pk=s.pk).booked == 3 == NotaryBooking.objects.filter(slot=s).count()


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_racing_a_booking_of_the_freed_place() -> None:
    """A cancellation frees its place once even when two cancellations of it race; the booked count
    always equals the live bookings."""
    from tests.factories import world_build

    units = notary_units_build(world_build())
    s = slot(units, at(2026, 11, 4, 9), capacity=1)
    b = dom.book(BookingIn(slot_id=s.pk, matter="birth", citizen_name="甲", citizen_phone="13800000000"),
                 actor=None, now=at(2026, 11, 2, 8))
    cancel = lambda: dom.booking_cancel(b.code, actor=None, phone="13800000000", now=at(2026, 11, 2, 9))  # noqa: E731
    results = _race(cancel, cancel, _booker(s.pk, "13900000003"))
    assert sum(isinstance(r, NotaryBooking) and r.status == "cancelled" for r in results) == 1, results
    live = NotaryBooking.objects.filter(slot=s, status="booked").count()
    assert NotarySlot.objects.get(pk=s.pk).booked == live <= 1
