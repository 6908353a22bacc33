"""API tokens moved to django-rest-knox (hashed, expiring, one per client). The tokens of DRF's
authtoken app were stored in plain text: their table goes, so that none can be read or used
again. Every API client logs in once more."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_role_groups")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
