from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeguarding.people"
    label = "people"

    def ready(self):
        from safeguarding.core import chronology

        from .models import Person

        def names(person_ids: set) -> dict:
            people = Person.objects.filter(pk__in=person_ids).only("first_name", "last_name")
            return {person.pk: person.full_name for person in people}

        chronology.register_name_resolver(names)
