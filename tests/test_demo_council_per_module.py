"""A module whose every test asks for the demo council gets it once for the whole module (in an outer
transaction, see conftest.py at the top of the repository), and each test is still rolled back after it."""

from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.people.models import Family


def test_a_test_changes_the_demo_council(demo_council):
    # The module's outer transaction and the test's own.
    assert len(connection.atomic_blocks) == 2
    User.objects.filter(username="asha").update(first_name="Changed")
    Family.objects.filter(pk=Family.objects.order_by("reference").first().pk).update(name="Changed family")
    User.objects.create(username="not-in-the-demo")


def test_the_next_test_does_not_see_the_change(demo_council):
    assert len(connection.atomic_blocks) == 2
    assert User.objects.get(username="asha").first_name == "Asha"
    assert not Family.objects.filter(name="Changed family").exists()
    assert not User.objects.filter(username="not-in-the-demo").exists()
    assert Family.objects.count() == 60
