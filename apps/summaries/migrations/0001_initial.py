"""The printable summaries leave the meetings app for an app of their own. The tables stay as
they are (the models keep their db_table): only Django's idea of which app holds them changes,
so no row is copied and nothing is rebuilt. The content types follow, so the permissions given
on them, and the admin's log, stay attached."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED = ("meetingsummary", "meetingsummaryletter")


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label="summaries", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="meetings", model=model).update(
            app_label="summaries"
        )


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label="meetings", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="summaries", model=model).update(
            app_label="meetings"
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('meetings', '0004_summaries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='MeetingSummary',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField()),
                        ('data', models.JSONField(editable=False, help_text='The data rendered (summary_data), kept so that every attempt renders exactly what content_key hashes, whatever changes after the request.')),
                        ('content_key', models.CharField(help_text='SHA-256 of the canonical JSON of the data rendered.', max_length=64)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=16)),
                        ('draft', models.BooleanField(help_text='Rendered before the meeting was signed off.')),
                        ('error', models.TextField(blank=True, help_text='Why rendering failed (no patient data).')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, help_text="When this version was last asked for: set on every request that returns it, so the meeting's current summary is the one asked for last (a meeting changed and changed back returns to an earlier version).")),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('pdf', models.BinaryField(blank=True, null=True)),
                        ('checksum', models.CharField(blank=True, help_text='SHA-256 of the PDF.', max_length=64)),
                        ('size', models.PositiveIntegerField(blank=True, help_text='PDF size in bytes.', null=True)),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summaries', to='meetings.meeting')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'meetings_meetingsummary',
                        'ordering': ['meeting', 'version'],
                    },
                ),
                migrations.CreateModel(
                    name='MeetingSummaryLetter',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('item_ref', models.UUIDField(help_text="The agenda item's id as rendered (its download URL), kept after the item is removed.")),
                        ('position', models.PositiveIntegerField(help_text="The case's place on the agenda, rendered.")),
                        ('patient', models.CharField(help_text="The patient's name, as rendered.", max_length=300)),
                        ('pdf', models.BinaryField()),
                        ('checksum', models.CharField(help_text='SHA-256 of the PDF.', max_length=64)),
                        ('size', models.PositiveIntegerField(help_text='PDF size in bytes.')),
                        ('agenda_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='meetings.agendaitem')),
                        ('summary', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='letters', to='summaries.meetingsummary')),
                    ],
                    options={
                        'db_table': 'meetings_meetingsummaryletter',
                        'ordering': ['summary', 'position'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='meetingsummary',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'running', 'ready', 'failed'])), name='summary_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='meetingsummary',
                    constraint=models.UniqueConstraint(fields=('meeting', 'version'), name='summary_version'),
                ),
                migrations.AddConstraint(
                    model_name='meetingsummary',
                    constraint=models.UniqueConstraint(fields=('meeting', 'content_key'), name='summary_content_once'),
                ),
                migrations.AddConstraint(
                    model_name='meetingsummary',
                    constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='summary_version_positive'),
                ),
                migrations.AddConstraint(
                    model_name='meetingsummary',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'ready'), _negated=True), models.Q(('pdf__isnull', False), models.Q(('checksum', ''), _negated=True)), _connector='OR'), name='summary_ready_has_pdf'),
                ),
                migrations.AddConstraint(
                    model_name='meetingsummaryletter',
                    constraint=models.UniqueConstraint(fields=('summary', 'item_ref'), name='summary_letter_once_per_item'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
