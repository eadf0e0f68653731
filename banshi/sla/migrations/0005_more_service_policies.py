"""The policies of 公证, 司法救助, 心理服务 and 危机干预: created when missing, as 0003 does."""

from importlib import import_module

from django.db import migrations

load = import_module("banshi.sla.migrations.0003_emergency_policy").load


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_service_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
