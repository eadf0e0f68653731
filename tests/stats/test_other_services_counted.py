"""公证 and 司法救助 are counted from their own events: bookings (video, weekend), certificates (on
time, 最多跑一次), judicial-aid grants and the amounts paid — checked against the demo's events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from banshi.cases.models import CaseEvent
from banshi.demo.build import demo_build
from banshi.stats import queries
from banshi.stats.fill import fill


@pytest.mark.django_db
@pytest.mark.slow
def test_notary_and_judicial_aid_counts_match_their_events() -> None:
    demo_build(seed=7, cases=120, services=None)
    fill()
    t = queries.totals(queries.EVERYTHING, date(2025, 1, 1), date(2027, 12, 31))

    def events(action: str, flag: str = "") -> int:
        qs = CaseEvent.objects.filter(action=action)
        return sum(1 for d in qs.values_list("data", flat=True) if not flag or (d or {}).get(flag))

    assert t.get("nt_booked", 0) == events("nt_book") > 0
    assert t.get("nt_video", 0) == events("nt_book", "video")
    assert t.get("nt_weekend", 0) == events("nt_book", "weekend")
    assert t.get("nt_issued", 0) == events("nt_issue") > 0
    assert t.get("nt_on_time", 0) == events("nt_issue", "on_time")
    assert t.get("nt_one_visit", 0) == events("nt_issue", "one_visit")
    assert t.get("ja_granted", 0) == events("ja_grant") > 0
    paid = sum(Decimal(d["amount"]) for d in CaseEvent.objects.filter(action="ja_pay").values_list("data", flat=True))
    assert paid > 0 and abs(t.get("ja_paid_amount", 0) - paid) <= t.get("ja_payments", 0)  # whole yuan per payment
