from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "safeguarding.allocation"
    label = "allocation"
