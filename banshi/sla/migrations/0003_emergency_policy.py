"""Policies added to sla/data/policies.yaml after a database was created (e.g. 紧急诉求): created
when missing; existing rows (perhaps edited by an administrator) are left as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from banshi.sla.policies import load_policies

    Policy = apps.get_model("sla", "Policy")
    for p in load_policies():
        Policy.objects.get_or_create(
            code=p["code"],
            defaults={k: p[k] for k in ("name", "source", "milestones", "max_extension", "verified")},
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_default_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
