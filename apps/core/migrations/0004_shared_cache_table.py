"""The table of the database cache, where the token endpoint's throttles count requests when
there is no Redis (settings.CACHES). Made by `migrate`, so that no deployment misses it; after
switching from Redis to the database later, run `manage.py createcachetable` once."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_drop_plain_text_api_tokens")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
