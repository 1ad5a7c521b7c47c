from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "safeguarding.journey"
    label = "journey"
    verbose_name = "Statutory journey"

    def ready(self):
        # The statutory clocks are the first provider of My tasks: each kind is done on the child's
        # journey page.
        from safeguarding.tasks import registry

        from . import chronology  # noqa: F401 - registers the journey's chronology provider
        from .models import DeadlineKind

        registry.register_kinds("journey", dict(DeadlineKind.choices), url_name="journey:child-journey")
