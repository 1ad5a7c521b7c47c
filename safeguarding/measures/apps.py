from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "safeguarding.measures"
    label = "measures"
    verbose_name = "Parent measures"

    def ready(self):
        # Plugs into the person and family pages, My tasks and the supervision pack through registries and
        # its selectors; nothing below it imports it (docs/architecture.md, "Layers").
        from . import courses, registrations  # noqa: F401
