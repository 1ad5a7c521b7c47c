from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "safeguarding.workbook"
    label = "workbook"
    verbose_name = "Workbook"

    def ready(self):
        # The Workbook plugs into the family page, the chronology and My tasks through their registries
        # (docs/architecture.md, "Layers"); nothing below it imports it.
        from . import registrations  # noqa: F401
