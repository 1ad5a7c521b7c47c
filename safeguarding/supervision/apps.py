from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "safeguarding.supervision"
    label = "supervision"
    verbose_name = "Group case supervision"

    def ready(self):
        # Plugs into the family page, My tasks and Timeliness through their registries; nothing below it
        # imports it (docs/architecture.md, "Layers").
        from . import registrations  # noqa: F401
