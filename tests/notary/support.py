"""Notary test helpers: the offices and their staff, and short ways to publish a slot and book it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from banshi.notary import domain as nt
from banshi.notary.inputs import BookingIn, SlotIn
from banshi.notary.models import NotaryBooking, NotarySlot
from banshi.orgs.models import Person, Unit
from tests.factories import World, person

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class NotaryUnits:
    office: Unit  # 海港区公证处
    handler: Person  # 公证员
    leader: Person  # 公证处负责人
    operator: Person  # 窗口
    other_office: Unit  # 山海关区公证处 (another district)
    other_handler: Person


def notary_units_build(world: World) -> NotaryUnits:
    office = Unit.objects.create(name="海港区公证处", kind="notary", region=world.district, parent=world.justice)
    other = Unit.objects.create(name="山海关区公证处", kind="notary", region=world.other_district)
    return NotaryUnits(
        office=office, handler=person("nt_handler", "handler", office), leader=person("nt_leader", "leader", office),
        operator=person("nt_operator", "operator", office), other_office=other,
        other_handler=person("nt_other_handler", "handler", other),
    )


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=SH)


def slot(units: NotaryUnits, start: datetime, *, hours: float = 1.5, capacity: int = 4, kind: str = "regular",
         label: str = "", video: bool = False, matters: list[str] | None = None,
         now: datetime | None = None) -> NotarySlot:
    [s] = nt.slots_publish(units.office.pk, [SlotIn(starts_at=start, ends_at=start + timedelta(hours=hours),
                                                    capacity=capacity, kind=kind, label=label, video=video,
                                                    matters=matters or [])],
                           actor=units.handler, now=now or start - timedelta(days=7))
    return s


def book(s: NotarySlot, *, matter: str = "birth", mode: str = "in_person", phone: str = "13900001111",
         name: str = "王小明", actor: Person | None = None, now: datetime | None = None) -> NotaryBooking:
    return nt.book(BookingIn(slot_id=s.pk, matter=matter, mode=mode, citizen_name=name, citizen_phone=phone),
                   actor=actor, now=now or s.starts_at - timedelta(days=2))


class Api:
    """A JSON client acting as one person through a real API token (as tests/api's `api_as`)."""

    def __init__(self, client: Any, person: Person) -> None:
        from banshi.orgs.auth import api_token_issue

        self.client = client
        self.auth = f"Bearer {api_token_issue(person)}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=self.auth)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(f"/api/v1{path}", body if body is not None else {}, content_type="application/json",
                                HTTP_AUTHORIZATION=self.auth)
