from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "safeguarding.journey"
    label = "journey"
    verbose_name = "Statutory journey"
