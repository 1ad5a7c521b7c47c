# The Deadline model as it was in the journey app, now the tasks app's (its table is renamed by journey
# 0003): state only, nothing is created.
import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("journey", "0003_deadline_moves_to_tasks"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Deadline",
                    fields=[
                        (
                            "id",
                            models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("kind", models.CharField(max_length=20)),
                        ("due_date", models.DateField()),
                        ("basis", models.CharField(max_length=200)),
                        (
                            "child",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deadlines",
                                to="people.person",
                            ),
                        ),
                        (
                            "family",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deadlines",
                                to="people.family",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_date"],
                        "indexes": [
                            models.Index(fields=["family", "due_date"], name="journey_dea_family__06ac12_idx"),
                            models.Index(fields=["due_date"], name="journey_dea_due_dat_e4f9a1_idx"),
                        ],
                    },
                ),
            ],
        ),
    ]
