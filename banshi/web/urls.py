from django.urls import path

from banshi.web import admin_views, case_views, console_views, views

app_name = "web"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("queue/export.xlsx", views.queue_export, name="queue_export"),
    path("queue/bulk", views.queue_bulk, name="queue_bulk"),
    path("intake/", console_views.intake, name="intake"),
    path("intake/field/", console_views.intake_field, name="intake_field"),
    path("intake/panel/caller", console_views.caller_panel, name="intake_caller"),
    path("intake/panel/knowledge", console_views.knowledge_panel, name="intake_knowledge"),
    path("intake/panel/emergency", console_views.emergency_panel, name="intake_emergency"),
    path("desk/", case_views.desk, name="desk"),
    path("supervision/", case_views.supervision, name="supervision"),
    path("hotspots/", case_views.hotspots, name="hotspots"),
    path("hotspots/<int:case_id>/", case_views.hotspot, name="hotspot"),
    path("cases/<int:case_id>/", case_views.case_page, name="case"),
    path("cases/<int:case_id>/reveal", case_views.case_reveal, name="case_reveal"),
    path("cases/<int:case_id>/act/<slug:action>", case_views.case_act, name="case_act"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>", case_views.attachment, name="attachment"),
    path("manage/", admin_views.index, name="admin_index"),
    path("manage/units/", admin_views.units, name="admin_units"),
    path("manage/people/", admin_views.people, name="admin_people"),
    path("manage/policies/", admin_views.policies, name="admin_policies"),
    path("manage/calendars/", admin_views.calendars, name="admin_calendars"),
    path("manage/templates/", admin_views.templates, name="admin_templates"),
    path("manage/knowledge/", admin_views.knowledge, name="admin_knowledge"),
    path("manage/catalogue/", admin_views.catalogue, name="admin_catalogue"),
    path("manage/service-points/", admin_views.service_points, name="admin_service_points"),
]
