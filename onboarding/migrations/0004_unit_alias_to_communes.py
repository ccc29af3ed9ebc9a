"""Unit aliases move to communes (communes.UnitAlias), where the seed loader can write them too.

The rows are copied, key and all, then the onboarding table is dropped. Backwards, the table
comes back and the rows are copied back.
"""

from django.db import migrations


def aliases_forward(apps, schema_editor):
    old = apps.get_model("onboarding", "UnitAlias")
    new = apps.get_model("communes", "UnitAlias")
    rows = [
        new(commune_id=row.commune_id, unit_id=row.unit_id, name=row.name, key=row.key)
        for row in old.objects.all().iterator()
    ]
    # A row already there (same commune, same key) is the same alias: kept once.
    new.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def aliases_backward(apps, schema_editor):
    old = apps.get_model("onboarding", "UnitAlias")
    new = apps.get_model("communes", "UnitAlias")
    rows = [
        old(commune_id=row.commune_id, unit_id=row.unit_id, name=row.name, key=row.key)
        for row in new.objects.all().iterator()
    ]
    old.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0002_unit_alias"),
        ("onboarding", "0003_column_mapping"),
    ]

    operations = [
        migrations.RunPython(aliases_forward, aliases_backward),
        migrations.DeleteModel(name="UnitAlias"),
    ]
