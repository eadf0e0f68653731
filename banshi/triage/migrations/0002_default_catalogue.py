"""The default routing catalogue, read from triage/data/catalogue.yaml through the validating loader."""

from django.db import migrations


def load(apps, schema_editor):
    from banshi.triage.catalogue import catalogue_as_dicts, load_catalogue
    from banshi.triage.routing import default_unit_kinds

    Item = apps.get_model("triage", "CatalogueItem")
    for d in catalogue_as_dicts(load_catalogue()):
        Item.objects.update_or_create(
            code=d["code"],
            defaults={
                "name": d["name"], "agency": d["agency"], "category": d.get("category", ""),
                "policy_code": d["policy"], "examples": list(d.get("examples", [])),
                "keywords": list(d.get("keywords", [])), "department": d.get("department", ""),
                "notes": d.get("notes", ""), "unit_kinds": default_unit_kinds(d["code"], d["agency"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
