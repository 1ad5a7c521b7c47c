# The Deadline rows move to the tasks app (issue #8): the table is renamed, the rows stay.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("journey", "0002_cp_plan_transfer_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="deadline", table="tasks_deadline")],
            state_operations=[migrations.DeleteModel(name="deadline")],
        ),
    ]
