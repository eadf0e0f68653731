"""Group activities of the stations (团体心理辅导, 心理健康讲座, 宣传, 培训 …): date, place, topic,
attendance. A plain record with domain functions, not a workflow; no personal data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import text_clean
from banshi.core.errors import InvalidInput, PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.orgs.scoping import unit_within
from banshi.psych import catalog
from banshi.psych.inputs import ActivityIn
from banshi.psych.models import GroupActivity
from banshi.psych.stations import station_get, stations_for

RECORDING_ROLES = (Role.OPERATOR, Role.HANDLER, Role.LEADER)
MAX_PAST = timedelta(days=366)


def activity_create(data: ActivityIn, *, actor: Person, now: datetime | None = None) -> GroupActivity:
    """Record an activity held (or planned) by a station: its unit's staff only."""
    now = now or timezone.now()
    station = station_get(data.station_id)
    if not actor.is_active or actor.role not in RECORDING_ROLES or not unit_within(actor, station.unit_id):
        raise PermissionDenied(_("只有本站点所属单位的工作人员可以登记团体活动。"), code="action_forbidden")
    kind = catalog.code_of("activity_types", data.kind, _("活动类型"))
    today = timezone.localtime(now).date()
    if not today - MAX_PAST <= data.held_on <= today + timedelta(days=366):
        raise InvalidInput(_("活动日期应在一年以内。"), code="invalid_date")
    names = [text_clean(n, _("主讲或带领人"), limit=60) for n in data.counsellors if (n or "").strip()][:20]
    return GroupActivity.objects.create(
        station=station, kind=kind, topic=text_clean(data.topic, _("活动主题"), limit=120), held_on=data.held_on,
        place=text_clean(data.place, _("活动地点"), limit=120), attendance=data.attendance, counsellors=names,
        created_by=actor, created_at=now,
    )


def activities_for(person: Person, *, station_id: int | None = None, kind: str = "", date_from: date | None = None,
                   date_to: date | None = None) -> QuerySet[GroupActivity]:
    """The activities of the stations this person works with (stations.stations_for)."""
    ids = [s.pk for s in stations_for(person)]
    qs = GroupActivity.objects.filter(station_id__in=ids).select_related("station")
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    if kind:
        qs = qs.filter(kind=catalog.code_of("activity_types", kind, _("活动类型")))
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(_("开始日期不能晚于结束日期。"), code="invalid_range")
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    return qs


def activity_out(a: GroupActivity) -> dict[str, Any]:
    return {"id": a.pk, "station_id": a.station_id, "station": a.station.name, "kind": a.kind,
            "kind_label": catalog.label("activity_types", a.kind), "topic": a.topic, "held_on": a.held_on,
            "place": a.place, "attendance": a.attendance, "counsellors": list(a.counsellors)}
