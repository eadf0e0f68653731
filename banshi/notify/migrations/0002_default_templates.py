"""The default citizen message templates, as editable rows (existing rows are left as edited).

The texts are read from notify/data/templates.yaml through the validating loader."""

from django.db import migrations


def add(apps, schema_editor):
    from banshi.notify.templates import load_templates

    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for t in load_templates():
        MessageTemplate.objects.get_or_create(code=t.code, defaults={"name": t.name, "body": t.text})


def remove(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
