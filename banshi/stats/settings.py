"""How 三率 and 综合得分 are computed: defaults from `data/measures.yaml`, changes by an
administrator in `RateSettings`, each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.core.audit import audit_write
from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person
from banshi.orgs.permissions import admin_required
from banshi.stats.measures import rate_defaults
from banshi.stats.models import RateSettings


@dataclass(frozen=True)
class RateConfig:
    weight_response: Decimal
    weight_resolution: Decimal
    weight_satisfaction: Decimal
    rating_factors: dict[int, Decimal]  # rating → the share counted as satisfied
    min_volume: int
    customised: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": {"response": float(self.weight_response), "resolution": float(self.weight_resolution),
                        "satisfaction": float(self.weight_satisfaction)},
            "rating_factors": {str(k): float(v) for k, v in sorted(self.rating_factors.items(), reverse=True)},
            "min_volume": self.min_volume,
            "customised": self.customised,
        }


def _dec(x: Any) -> Decimal:
    return Decimal(str(x))


def rate_config() -> RateConfig:
    d = rate_defaults()
    row = RateSettings.objects.filter(pk=1).first()
    if row is None:
        return RateConfig(_dec(d.weights["response"]), _dec(d.weights["resolution"]),
                          _dec(d.weights["satisfaction"]),
                          {int(k): _dec(v) for k, v in d.rating_factors.items()}, d.min_volume, False)
    factors = {int(k): _dec(v) for k, v in (row.rating_factors or d.rating_factors).items()}
    return RateConfig(_dec(row.weight_response), _dec(row.weight_resolution), _dec(row.weight_satisfaction),
                      factors, row.min_volume, True)


def _share(raw: Any, name: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("“%(name)s”应为0至1之间的数。") % {"name": name}, code="invalid_setting") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise InvalidInput(_("“%(name)s”应为0至1之间的数。") % {"name": name}, code="invalid_setting")
    return value.quantize(Decimal("0.001"))


def rate_config_update(actor: Person, *, weights: dict[str, Any], rating_factors: dict[str, Any],
                       min_volume: Any, ip: str | None = None) -> RateConfig:
    """Change the 三率 computation (administrators). Weights must add up to 1."""
    admin_required(actor)
    w = {k: _share(weights.get(k), label) for k, label in
         (("response", _("响应率权重")), ("resolution", _("解决率权重")), ("satisfaction", _("满意率权重")))}
    if sum(w.values()) != Decimal("1.000"):
        raise InvalidInput(_("三项权重之和应为1。"), code="invalid_setting")
    factors = {str(k): _share(rating_factors.get(str(k)), _("评价%(k)s的折算系数") % {"k": k}) for k in range(1, 6)}
    try:
        volume = int(str(min_volume).strip())
    except ValueError:
        raise InvalidInput(_("最少回访量应为整数。"), code="invalid_setting") from None
    if not 1 <= volume <= 100000:
        raise InvalidInput(_("最少回访量应在1至100000之间。"), code="invalid_setting")
    before = rate_config().as_dict()
    with transaction.atomic():
        RateSettings.objects.update_or_create(pk=1, defaults={
            "weight_response": w["response"], "weight_resolution": w["resolution"],
            "weight_satisfaction": w["satisfaction"],
            "rating_factors": {k: str(v) for k, v in factors.items()}, "min_volume": volume,
        })
        after = rate_config()
        audit_write(actor_id=actor.pk, action="stats.rate_settings", object_type="stats.RateSettings", object_id=1,
                    ip=ip, data={"before": before, "after": after.as_dict()})
    return after
