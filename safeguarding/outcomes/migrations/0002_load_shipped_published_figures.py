"""A fresh install has the DfE's published figures and the 2025 statistical-neighbour model: this loads
the compact table shipped in safeguarding/outcomes/data/ (about 50,000 figures: measured 0.3 s on SQLite
and 0.6 s on PostgreSQL, where they are COPied). Newer DfE files are loaded later with
`manage.py outcomes_load_published DIR`."""

from django.db import migrations


def load(apps, schema_editor):
    from safeguarding.outcomes import published

    published.store(
        published.read_shipped(),
        apps.get_model("outcomes", "PublishedFigure"),
        apps.get_model("outcomes", "PublishedArea"),
        apps.get_model("outcomes", "StatisticalNeighbour"),
        replace_all=True,
    )


def unload(apps, schema_editor):
    for name in ("PublishedFigure", "PublishedArea", "StatisticalNeighbour"):
        apps.get_model("outcomes", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
