"""Regions (行政区划), units, grids and people."""

from __future__ import annotations

import time

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.orgs.enums import UNIT_KIND_AGENCY, Agency, RegionLevel, Role, UnitKind


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=80)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of codes ("130000/130300/130302/") so a subtree is one indexed prefix scan.
    path = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "") + f"{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Unit(models.Model):
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    agency = models.CharField(_("条线"), max_length=16, choices=Agency.choices, db_index=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("辖区"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of ids ("/3/17/") for "this unit and its sub-units".
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        ordering = ["id"]
        indexes = [models.Index(fields=["agency", "region"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.agency = UNIT_KIND_AGENCY[self.kind]
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            old, self.path = self.path, path
            Unit.objects.filter(pk=self.pk).update(path=path)
            if old:  # moved: its sub-units move with it
                for child in Unit.objects.filter(parent=self):
                    child.save()
            unit_paths_clear()


_unit_paths: dict[int, tuple[float, str]] = {}
UNIT_PATH_TTL = 60.0


def unit_path(unit_id: int) -> str:
    """A unit's materialised path, cached per process for a minute (units rarely move)."""
    hit = _unit_paths.get(unit_id)
    if hit is not None and time.monotonic() - hit[0] < UNIT_PATH_TTL:
        return hit[1]
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
    _unit_paths[unit_id] = (time.monotonic(), path)
    return path


def unit_paths_clear() -> None:
    _unit_paths.clear()


class Grid(models.Model):
    """网格: the smallest area with named officers (一格四警: grid worker, police, judge, lawyer...)."""

    name = models.CharField(_("网格名称"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grids")
    officers: models.ManyToManyField[Person, models.Model] = models.ManyToManyField("Person", blank=True, related_name="grids", verbose_name=_("网格员/民警"))

    class Meta:
        verbose_name = _("网格")

    def __str__(self) -> str:
        return self.name


class Person(AbstractUser):
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.HANDLER)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("人员")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A staff member's API token. Only a SHA-256 of the secret is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, default="api")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
