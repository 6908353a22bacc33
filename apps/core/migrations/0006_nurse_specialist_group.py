"""The nurse specialist's role exists as a group on every installation."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="nurse_specialist")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_hospital_letterhead")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
