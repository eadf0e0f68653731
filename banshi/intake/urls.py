from django.urls import include, path, re_path

from banshi.intake import console, open311, portal, qr

portal_patterns = [
    path("", portal.submit, name="submit"),
    path("received/", portal.received, name="received"),
    path("track/", portal.track, name="track"),
    path("case/<str:code>/", portal.case_detail, name="case"),
    path("case/<str:code>/rate/", portal.case_rate, name="rate"),
    path("case/<str:code>/supplement/", portal.case_supplement, name="supplement"),
    path("case/<str:code>/files/<int:attachment_id>", portal.case_file, name="file"),
    path("case/<str:code>/aid-documents/", portal.case_aid_documents, name="aid_documents"),
    path("case/<str:code>/aid-objection/", portal.case_aid_objection, name="aid_objection"),
    path("legal-aid/", portal.aid_apply, name="aid_apply"),
    path("mediation/", portal.mediation_apply, name="mediation_apply"),
    path("notary/", portal.notary_book, name="notary_book"),
    path("notary/booked/", portal.notary_booked, name="notary_booked"),
    path("notary/cancel/", portal.notary_cancel, name="notary_cancel"),
    path("regions.json", portal.regions, name="regions"),
    path("display/", portal.display, name="display"),
    path("points/<slug:code>/qr.png", qr.point_qr_png, name="point_qr_png"),
    path("points/<slug:code>/poster.svg", qr.point_poster_svg, name="point_poster_svg"),
]

open311_patterns = [
    re_path(r"^discovery\.(?P<fmt>\w+)$", open311.discovery, name="discovery"),
    re_path(r"^services\.(?P<fmt>\w+)$", open311.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+)\.(?P<fmt>\w+)$", open311.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>\w+)$", open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)\.(?P<fmt>\w+)$", open311.request_detail, name="request"),
]

console_patterns = [
    path("caller", console.caller_history_view, name="caller"),
    path("knowledge", console.knowledge_search_view, name="knowledge"),
    path("emergency", console.emergency_view, name="emergency"),
]

urlpatterns = [
    path("portal/", include((portal_patterns, "portal"))),
    path("open311/v2/", include((open311_patterns, "open311"))),
    path("console/api/", include((console_patterns, "console"))),
]
