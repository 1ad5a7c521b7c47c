"""Chain every audit event to the one before it (ADR 0011).

Events written before the chain existed are chained here, in id order, with the same code that chains
new ones, so the whole log verifies. No trigger exists yet (0005 installs it), so they can be updated.
"""

import django.utils.timezone
from django.db import migrations, models

BATCH = 2000


def chain_existing_events(apps, schema_editor):
    from safeguarding.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous = chain.GENESIS
    batch = []
    for event in AuditEvent.objects.using(schema_editor.connection.alias).order_by("id").iterator(chunk_size=BATCH):
        event.ip_address = chain.normalise_ip(event.ip_address)
        event.detail = chain.normalise_detail(event.detail)
        event.previous_hash = previous
        event.hash = chain.hash_of(event, previous)
        previous = event.hash
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["ip_address", "detail", "previous_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["ip_address", "detail", "previous_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_action_vocabulary_in_code'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='occurred_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='previous_hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', 'occurred_at'], name='audit_action_occurred_idx'),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
    ]
