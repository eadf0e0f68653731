"""The policies of the specialised matters (法律援助申请审查, 人民调解): created when missing, as
0003 does; existing rows (perhaps edited by an administrator) are left as they are."""

from importlib import import_module

from django.db import migrations

load = import_module("banshi.sla.migrations.0003_emergency_policy").load


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_emergency_policy")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
