"""Every existing hospital gets its readiness policy with the defaults, to adjust in the admin."""

import uuid

from django.db import migrations


def create_policies(apps, schema_editor):
    Hospital = apps.get_model("core", "Hospital")
    ReadinessPolicy = apps.get_model("readiness", "ReadinessPolicy")
    for hospital in Hospital.objects.exclude(readiness_policy__isnull=False):
        ReadinessPolicy.objects.create(id=uuid.uuid4(), hospital=hospital)


class Migration(migrations.Migration):
    dependencies = [("readiness", "0001_initial")]

    operations = [migrations.RunPython(create_policies, migrations.RunPython.noop)]
