from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "safeguarding.readiness"
    label = "readiness"
    verbose_name = "Motivational interviewing: readiness to change"

    def ready(self):
        # Plugs into the person page and the supervision pack through registries and its selectors;
        # nothing below it imports it (docs/architecture.md, "Layers").
        from . import registrations  # noqa: F401
