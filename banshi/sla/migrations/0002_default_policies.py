"""The default deadline policies, read from sla/data/policies.yaml through the validating loader."""

from django.db import migrations


def load(apps, schema_editor):
    from banshi.sla.policies import load_policies

    Policy = apps.get_model("sla", "Policy")
    for p in load_policies():
        Policy.objects.update_or_create(
            code=p["code"],
            defaults={k: p[k] for k in ("name", "source", "milestones", "max_extension", "verified")},
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
