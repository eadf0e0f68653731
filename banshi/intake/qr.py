"""Printable QR posters for service points: PNG (the code) and SVG (the code with the point's name).
The code opens the portal with the point filled in, so its demands are counted per point."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from banshi.cases.enums import AWAITING_CITIZEN_STATES, CLOSED_STATES, UNSATISFIED_RATINGS
from banshi.intake.models import ServicePoint


def point_url(point: ServicePoint, request: HttpRequest | None = None) -> str:
    path = reverse("portal:submit") + "?" + urlencode({"sp": point.code})
    base = str(getattr(settings, "BANSHI_PUBLIC_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def poster_svg(point: ServicePoint, url: str) -> str:
    """An A4-proportioned poster: title, the point's name, the code and a short instruction."""
    qr = segno.make(url, error="m")
    size = qr.symbol_size(scale=1, border=0)[0]
    modules = []
    for y, row in enumerate(qr.matrix):
        for x, dark in enumerate(row):
            if dark:
                modules.append(f"M{x},{y}h1v1h-1z")
    width, height = 210, 297
    qr_mm = 150
    scale = qr_mm / size
    x0 = (width - qr_mm) / 2
    title = escape(_("我为群众办实事"))
    subtitle = escape(_("扫码反映诉求 · 查询办理进度"))
    name = escape(point.name)
    hint = escape(_("微信或手机相机扫一扫，填写诉求后立即获得查询码"))
    small = escape(url)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{name}">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<rect x="0" y="0" width="{width}" height="40" fill="#b3261e"/>'
        f'<text x="{width / 2}" y="26" font-size="16" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif" font-weight="700">{title}</text>'
        f'<text x="{width / 2}" y="58" font-size="11" text-anchor="middle" font-family="sans-serif">{subtitle}</text>'
        f'<g transform="translate({x0:.2f},70) scale({scale:.4f})">'
        f'<path fill="#000" d="{"".join(modules)}"/></g>'
        f'<text x="{width / 2}" y="{70 + qr_mm + 18}" font-size="12" text-anchor="middle" '
        f'font-family="sans-serif" font-weight="700">{name}</text>'
        f'<text x="{width / 2}" y="{70 + qr_mm + 32}" font-size="7" text-anchor="middle" font-family="sans-serif">{hint}</text>'
        f'<text x="{width / 2}" y="{height - 10}" font-size="4" text-anchor="middle" fill="#555" '
        f'font-family="monospace">{small}</text>'
        "</svg>"
    )


def _point(code: str) -> ServicePoint:
    point = ServicePoint.objects.filter(code=code, is_active=True).first()
    if point is None:
        raise Http404(_("服务点不存在。"))
    return point


@require_GET
def point_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    point = _point(code)
    response = HttpResponse(qr_png(point_url(point, request)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="qr-{point.code}.png"'
    return response


@require_GET
def point_poster_svg(request: HttpRequest, code: str) -> HttpResponse:
    point = _point(code)
    response = HttpResponse(poster_svg(point, point_url(point, request)), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="poster-{point.code}.svg"'
    return response


def service_point_stats(unit_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Demands per service point: received, closed, awaiting rating, rated, satisfied."""
    qs = ServicePoint.objects.all()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = qs.annotate(
        received=Count("cases"),
        closed=Count("cases", filter=Q(cases__state__in=CLOSED_STATES)),
        awaiting=Count("cases", filter=Q(cases__state__in=AWAITING_CITIZEN_STATES)),
        rated=Count("cases", filter=Q(cases__satisfaction__isnull=False)),
        unsatisfied=Count("cases", filter=Q(cases__satisfaction__in=UNSATISFIED_RATINGS)),
    ).order_by("code")
    return [
        {"code": p.code, "name": p.name, "channel": p.channel, "unit_id": p.unit_id, "received": p.received,
         "closed": p.closed, "awaiting_rating": p.awaiting, "rated": p.rated, "unsatisfied": p.unsatisfied}
        for p in rows
    ]
