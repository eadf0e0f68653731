from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "banshi.stats"
    label = "stats"
    verbose_name = "统计考核"
    default_auto_field = "django.db.models.BigAutoField"
