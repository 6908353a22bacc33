"""The printable summaries now belong to the summaries app (its 0001): the meetings app lets go
of them in Django's state only; their tables stay, and are the summaries app's."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_summaries'),
        ('summaries', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='MeetingSummaryLetter'),
                migrations.DeleteModel(name='MeetingSummary'),
            ],
        ),
    ]
