"""Who may register a demand, through which channel, and what a back-entry (补录) needs.

The rule is data (REGISTER_ROLES, SYSTEM_CHANNELS, FIELD_CHANNELS, VIA_RULES) and one check,
`registration_check`, which `case_register` runs first for every caller. `via` says who calls:

- "staff": a person at the console, the field intake page (补录) or with an API token;
- "portal": the citizen portal and the service points' QR posters (the citizen files it then);
- "open311": an Open311 client;
- "import": a ledger import (台账导入);
- "system": trusted code of the system itself with no person behind it.

Interfaces (web, API, intake adapters) hold no copy of this rule: they pass their `via` and show
what the functions below allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from banshi.cases.enums import Channel
from banshi.core.errors import InvalidInput, PermissionDenied
from banshi.orgs.enums import Role

if TYPE_CHECKING:
    from banshi.cases.domain.intake import CaseInput
    from banshi.orgs.models import Person

VIA_STAFF = "staff"
VIA_PORTAL = "portal"
VIA_OPEN311 = "open311"
VIA_IMPORT = "import"
VIA_SYSTEM = "system"

# Staff roles that may register a demand; the person must also belong to a unit (the intake unit).
REGISTER_ROLES: frozenset[str] = frozenset(
    {Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR}
)
# Channels the system itself fills: each only through its own caller, never chosen by staff.
SYSTEM_CHANNELS: dict[str, str] = {
    Channel.PORTAL: VIA_PORTAL,
    Channel.OPEN311: VIA_OPEN311,
    Channel.IMPORT: VIA_IMPORT,
}
# Channels taken in away from the desk and entered afterwards (补录): the real receipt time is required.
FIELD_CHANNELS: tuple[str, ...] = (Channel.FIELD_VISIT, Channel.CIRCUIT, Channel.GRID)

_ALL = frozenset(Channel.values)
_NOT_SYSTEM = _ALL - set(SYSTEM_CHANNELS)


@dataclass(frozen=True)
class ViaRule:
    """What one caller may register."""

    staff: bool  # a person with one of REGISTER_ROLES and a unit must be the actor
    channels: frozenset[str]  # channels it may use
    point_channels: frozenset[str]  # channels it may use for a demand filed at a service point (QR poster)
    field_time_required: bool  # a field channel needs the real receipt time (received_at)


VIA_RULES: dict[str, ViaRule] = {
    VIA_STAFF: ViaRule(staff=True, channels=_NOT_SYSTEM, point_channels=_NOT_SYSTEM, field_time_required=True),
    # A service point's poster carries its own channel (扫码, 窗口, 摆桌子 …); the citizen files the
    # demand on the spot, so its receipt time is the registration time.
    VIA_PORTAL: ViaRule(staff=False, channels=frozenset({Channel.PORTAL}),
                        point_channels=_NOT_SYSTEM | {Channel.PORTAL}, field_time_required=False),
    VIA_OPEN311: ViaRule(staff=False, channels=frozenset({Channel.OPEN311}),
                         point_channels=frozenset({Channel.OPEN311}), field_time_required=False),
    # A ledger records where each old entry was first received (网上, 12345, 摆桌子 …), so any channel.
    VIA_IMPORT: ViaRule(staff=False, channels=_ALL, point_channels=_ALL, field_time_required=True),
    VIA_SYSTEM: ViaRule(staff=False, channels=_ALL, point_channels=_ALL, field_time_required=False),
}
VIAS: tuple[str, ...] = tuple(VIA_RULES)


def via_default(actor: Person | None) -> str:
    return VIA_STAFF if actor is not None else VIA_SYSTEM


def may_register(person: Person | None) -> bool:
    """Whether this staff member may register demands (and so use the intake console)."""
    return person is not None and person.role in REGISTER_ROLES and person.unit_id is not None


def registrar_check(person: Person | None) -> None:
    if not may_register(person):
        raise PermissionDenied(_("您的角色不能登记诉求。"))


def channel_allowed(via: str, channel: str, *, service_point: bool = False) -> bool:
    rule = _rule(via)
    return channel in (rule.point_channels if service_point else rule.channels)


def channels_for(via: str, *, field: bool | None = None) -> list[tuple[str, str]]:
    """The (value, label) channel choices open to this caller; field=True/False: only field / desk channels."""
    return [
        (value, str(label)) for value, label in Channel.choices
        if channel_allowed(via, value) and (field is None or (value in FIELD_CHANNELS) == field)
    ]


def registration_check(*, actor: Person | None, via: str, data: CaseInput) -> None:
    """Raise PermissionDenied or InvalidInput (Chinese messages) unless this caller may register this
    demand. An unknown channel is left to the input's own validation (case_input_clean)."""
    rule = _rule(via)
    if rule.staff:
        registrar_check(actor)
    if data.channel not in _ALL:
        return
    if not channel_allowed(via, data.channel, service_point=data.service_point_id is not None):
        label = Channel(data.channel).label
        if via == VIA_STAFF:
            message = _("“%(channel)s”渠道的诉求由系统自动登记，不能手工登记。") % {"channel": label}
        else:
            message = _("此入口不能登记“%(channel)s”渠道的诉求。") % {"channel": label}
        raise PermissionDenied(message, code="channel_not_allowed")
    if rule.field_time_required and data.channel in FIELD_CHANNELS and data.received_at is None:
        raise InvalidInput(_("补录请填写实际受理时间。"), code="received_at_required")


def _rule(via: str) -> ViaRule:
    try:
        return VIA_RULES[via]
    except KeyError:
        raise ValueError(f"unknown registration caller (via): {via!r}") from None
