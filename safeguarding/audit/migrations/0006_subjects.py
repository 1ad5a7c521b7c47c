# Typed audit subjects (issue #8): the families and people each event is about.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_postgresql_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSubject',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('family', 'Family'), ('person', 'Person')], max_length=10)),
                ('subject_id', models.UUIDField()),
                ('event', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='subjects', to='audit.auditevent')),
            ],
            options={
                'base_manager_name': 'objects',
                'indexes': [models.Index(fields=['kind', 'subject_id', 'event'], name='audit_subject_lookup_idx')],
                'constraints': [models.UniqueConstraint(fields=('event', 'kind', 'subject_id'), name='audit_subject_once_per_event')],
            },
        ),
    ]
