"""The default eight modules of direct work with parents: a starting point in our own words.

Published descriptions of Family Safeguarding say the programme has eight modules that inform the
parenting assessment, but do not name them; these are ours, for each council to rename, reword or replace
in the admin. Only rows that do not exist yet are added, so a council's edits are never overwritten.
"""

from django.db import migrations

DEFAULT_MODULES = [
    (
        "Getting started: our family and why we are working together",
        "Agree with the parent what the worries are, in words they recognise, and what they want to be "
        "different for their children.",
        "What does the parent think the worries are?\nWhat would they like to be different in six months?",
    ),
    (
        "Day-to-day care and routines",
        "Look together at a typical day for each child: meals, sleep, school, health appointments, "
        "supervision.",
        "Who does what on a school day?\nWhat gets in the way of routines?",
    ),
    (
        "My child's world: development and needs",
        "Help the parent see each child's needs at their age and stage, and what the child experiences.",
        "What does the parent say each child needs from them?\nHow does the child show what they feel?",
    ),
    (
        "Relationships and conflict at home",
        "Explore the adults' relationships, conflict and abuse, and their effect on the children.",
        "What happens when adults in the home disagree?\nWhere are the children when it happens?",
    ),
    (
        "Drugs, alcohol and keeping children safe",
        "Look at how any drug or alcohol use affects care of the children, and the safety plans around it.",
        "When is the parent's use most risky for the children?\nWho looks after the children then?",
    ),
    (
        "Feelings, mental health and coping",
        "Understand the parent's emotional wellbeing and how they cope under stress, and what helps.",
        "What does the parent notice when they are struggling?\nWho do they turn to?",
    ),
    (
        "The parent's own story",
        "Reflect on the parent's own childhood and experiences of being cared for, and what they carry "
        "into their parenting.",
        "What from their own childhood do they want to repeat, and what not?",
    ),
    (
        "Support network and safety plan",
        "Build the family's network of support and agree a written safety plan the network understands.",
        "Who in the network knows the worries?\nWhat will each person do if things go wrong?",
    ),
]


def add_defaults(apps, schema_editor):
    ParentingModule = apps.get_model("workbook", "ParentingModule")
    for order, (name, purpose, prompts) in enumerate(DEFAULT_MODULES, start=1):
        ParentingModule.objects.get_or_create(
            name=name, defaults={"purpose": purpose, "prompts": prompts, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("workbook", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
